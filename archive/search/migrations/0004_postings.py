"""PostgreSQL: lists of entry ids per word, so a broad search never visits every matching row.

GIN answers a full-text match with row addresses, and only the row says whether it is visible
and holds the entry's id: a word in most of the archive visits up to 100,000 rows (28 ms at
100,000 articles) before counting or ranking anything. SQLite's FTS5 keeps doclists of rowids
instead; ``archive_search_postings`` is the same for PostgreSQL:

- ``term`` is a kind mark and a lexeme: ``=`` every lexeme, ``~`` every lexeme's three- and
  four-letter prefix (a query word of three letters or more is also a prefix, and "the"
  begins hundreds of lexemes), ``+`` and ``^`` the same for the lexemes of names, titles,
  tags and linked names (weights A to C: what "naming" a query means).
- ``ids`` is the ids of the entries holding it, four bytes each (``int4send``), in one or a
  few rows per term.

The entries written since the lists were last built wait in ``archive_search_recent``, a
small table of (id, vector) the search tests row by row. ``archive_search_postings_merge()``
moves them into the lists: ``archive.search`` calls it when more than a few hundred wait, and
``archive_search_postings_build()`` writes the lists again from every entry (``manage.py
rebuild_search_index``). Entries are never removed from the lists: a deleted entry's id stays
until the next build, and the search drops ids that are no longer entries (it holds every
live id for its facet counts). An entry's vector is never changed in place, since the index
deletes and writes entries, so an UPDATE that changes one is refused rather than leaving the
lists wrong. SQLite has FTS5 and gets nothing.
"""

from django.db import migrations

from archive.migration_operations import RunSQLForVendor

# (entry id, term) of every row of {rows}: each lexeme, its prefixes, and the same for names.
TERMS = """
    WITH lexemes AS MATERIALIZED (
        SELECT source.id, word.lexeme, word.weights && '{{A,B,C}}'::text[] AS naming
        FROM {rows} AS source, unnest(source.vector) AS word
    )
    SELECT id, '=' || lexeme AS term FROM lexemes
    UNION ALL SELECT id, '+' || lexeme FROM lexemes WHERE naming
    UNION ALL SELECT DISTINCT id, '~' || left(lexeme, size) FROM lexemes,
        (VALUES (3), (4)) AS sizes (size) WHERE length(lexeme) >= size
    UNION ALL SELECT DISTINCT id, '^' || left(lexeme, size) FROM lexemes,
        (VALUES (3), (4)) AS sizes (size) WHERE naming AND length(lexeme) >= size
"""
ADD = """
    INSERT INTO archive_search_postings (term, ids)
    SELECT term, string_agg(int4send(id::int4), ''::bytea) FROM ({terms}) AS pairs
    GROUP BY term
"""
POSTGRESQL_CREATE = [
    'CREATE TABLE archive_search_postings (term text COLLATE "C" NOT NULL, ids bytea NOT NULL)',
    "CREATE INDEX archive_search_postings_term ON archive_search_postings (term)",
    # Tested row by row: stored in place and uncompressed, as archive_search_rank (0003).
    """CREATE TABLE archive_search_recent (
        id bigint PRIMARY KEY, vector tsvector NOT NULL
    ) WITH (toast_tuple_target = 8160)""",
    "ALTER TABLE archive_search_recent ALTER COLUMN vector SET STORAGE MAIN",
    f"""CREATE FUNCTION archive_search_postings_build() RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
        -- DELETE, not TRUNCATE: searches go on reading the old lists until this commits.
        DELETE FROM archive_search_recent;
        DELETE FROM archive_search_postings;
        {ADD.format(terms=TERMS.format(rows="archive_searchentry"))};
    END $$""",  # noqa: S608 (table names of this module only)
    # The waiting entries another transaction is moving are left to it (SKIP LOCKED), so an
    # editor's save never waits for an import; those deleted meanwhile are dropped.
    f"""CREATE FUNCTION archive_search_postings_merge() RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
        CREATE TEMPORARY TABLE archive_search_moving (id bigint, vector tsvector)
            ON COMMIT DROP;
        WITH moved AS (
            DELETE FROM archive_search_recent WHERE id IN (
                SELECT id FROM archive_search_recent FOR UPDATE SKIP LOCKED
            ) RETURNING id, vector
        )
        INSERT INTO archive_search_moving SELECT id, vector FROM moved
        WHERE EXISTS (SELECT FROM archive_searchentry AS e WHERE e.id = moved.id);
        {ADD.format(terms=TERMS.format(rows="archive_search_moving"))};
        DROP TABLE archive_search_moving;
    END $$""",  # noqa: S608 (table names of this module only)
    """CREATE FUNCTION archive_search_recent_write() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO archive_search_recent (id, vector)
        SELECT id, vector || ''::tsvector FROM new_rows WHERE vector IS NOT NULL;
        RETURN NULL;
    END $$""",
    """CREATE FUNCTION archive_search_recent_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF EXISTS (
            SELECT FROM old_rows JOIN new_rows USING (id)
            WHERE old_rows.vector IS DISTINCT FROM new_rows.vector
        ) THEN
            RAISE EXCEPTION 'Search entries are rewritten, not updated: delete the entry and'
                ' write it again (archive.search.index.reindex), so the word lists stay right.';
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER archive_search_recent_insert AFTER INSERT ON archive_searchentry
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION archive_search_recent_write()""",
    """CREATE TRIGGER archive_search_recent_update AFTER UPDATE ON archive_searchentry
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION archive_search_recent_refuse()""",
    """CREATE FUNCTION archive_search_postings_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE archive_search_postings, archive_search_recent;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER archive_search_postings_truncate AFTER TRUNCATE ON archive_searchentry
    FOR EACH STATEMENT EXECUTE FUNCTION archive_search_postings_truncate()""",
    "SELECT archive_search_postings_build()",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS archive_search_postings_truncate ON archive_searchentry",
    "DROP TRIGGER IF EXISTS archive_search_recent_insert ON archive_searchentry",
    "DROP TRIGGER IF EXISTS archive_search_recent_update ON archive_searchentry",
    "DROP FUNCTION IF EXISTS archive_search_postings_truncate()",
    "DROP FUNCTION IF EXISTS archive_search_recent_write()",
    "DROP FUNCTION IF EXISTS archive_search_recent_refuse()",
    "DROP FUNCTION IF EXISTS archive_search_postings_merge()",
    "DROP FUNCTION IF EXISTS archive_search_postings_build()",
    "DROP TABLE IF EXISTS archive_search_recent",
    "DROP TABLE IF EXISTS archive_search_postings",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0003_ranking_vectors")]

    operations = [
        RunSQLForVendor(
            sql={"postgresql": POSTGRESQL_CREATE}, reverse_sql={"postgresql": POSTGRESQL_DROP}
        )
    ]
