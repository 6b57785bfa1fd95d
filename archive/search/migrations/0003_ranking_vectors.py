"""PostgreSQL: a copy of every entry's tsvector stored inline and uncompressed, for ranking.

The entries keep their tsvectors out of line (``toast_tuple_target = 128``, archive migration
``0005_search_at_scale``) so the rows the full-text match reads stay narrow. Ranking then has
to fetch each scored vector from the TOAST table and decompress it: at 100,000 articles that
was about 90 % of ranking's cost (11 µs per scored entry, 100 ms for the 8,800 entries a broad
query ranks). ``archive_search_rank`` holds the same vectors in its own rows, uncompressed
(``toast_tuple_target = 8160`` with ``STORAGE MAIN``: only a vector too large for a page is
compressed), so ranking reads them in place: about 2 µs per entry. Compression saves little on
a tsvector (lz4: 3.2 against 3.6 KB on average), so the copy costs about as much disk as the
TOAST table does.

Statement triggers with transition tables keep it in step with the entries, one statement per
write however many rows (an import writes hundreds at a time). ``vector || ''`` makes a new,
uncompressed value of the same vector: inserting the stored one as it is would keep its
compression. SQLite ranks with FTS5 and gets nothing.
"""

from django.db import migrations

from archive.migration_operations import RunSQLForVendor

COPY = "SELECT id, vector || ''::tsvector FROM {rows} WHERE vector IS NOT NULL"
POSTGRESQL_CREATE = [
    """CREATE TABLE archive_search_rank (
        id bigint PRIMARY KEY, vector tsvector NOT NULL
    ) WITH (toast_tuple_target = 8160)""",
    "ALTER TABLE archive_search_rank ALTER COLUMN vector SET STORAGE MAIN",
    f"INSERT INTO archive_search_rank (id, vector) {COPY.format(rows='archive_searchentry')}",
    f"""CREATE FUNCTION archive_search_rank_write() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            DELETE FROM archive_search_rank WHERE id IN (SELECT id FROM old_rows);
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            INSERT INTO archive_search_rank (id, vector) {COPY.format(rows="new_rows")};
        END IF;
        RETURN NULL;
    END $$""",  # noqa: S608 (table names of this module only)
    """CREATE TRIGGER archive_search_rank_insert AFTER INSERT ON archive_searchentry
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION archive_search_rank_write()""",
    """CREATE TRIGGER archive_search_rank_update AFTER UPDATE ON archive_searchentry
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION archive_search_rank_write()""",
    """CREATE TRIGGER archive_search_rank_delete AFTER DELETE ON archive_searchentry
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION archive_search_rank_write()""",
    """CREATE FUNCTION archive_search_rank_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE archive_search_rank;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER archive_search_rank_truncate AFTER TRUNCATE ON archive_searchentry
    FOR EACH STATEMENT EXECUTE FUNCTION archive_search_rank_truncate()""",
]
POSTGRESQL_DROP = [
    *(
        f"DROP TRIGGER IF EXISTS archive_search_rank_{event} ON archive_searchentry"
        for event in ("insert", "update", "delete", "truncate")
    ),
    "DROP FUNCTION IF EXISTS archive_search_rank_write()",
    "DROP FUNCTION IF EXISTS archive_search_rank_truncate()",
    "DROP TABLE IF EXISTS archive_search_rank",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0002_entry_language")]

    operations = [
        RunSQLForVendor(
            sql={"postgresql": POSTGRESQL_CREATE}, reverse_sql={"postgresql": POSTGRESQL_DROP}
        )
    ]
