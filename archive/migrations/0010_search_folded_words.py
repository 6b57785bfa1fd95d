"""The search index holds words folded in Python, per script, as queries are folded.

SQLite: the FTS5 table is made again with a tokenizer that only splits (no diacritics of its
own), and its triggers index each column through ``archive_search_words`` (registered on every
connection by ``archive.search.backends.sqlite``), the words ``archive.search.folding`` makes;
the index is filled again from the entries. PostgreSQL: the entries' tsvectors, already written
in Python, are written again from the entries with the new folding.
"""

from django.db import migrations

from archive.migration_operations import RunSQLForVendor

FACET_ROW = """
        INSERT INTO archive_search_facet_values(kind, section, year)
        SELECT new.kind, new.section, new.year WHERE NOT EXISTS (
            SELECT 1 FROM archive_search_facet_values
            WHERE kind = new.kind AND section = new.section AND year IS new.year
        );
        INSERT OR REPLACE INTO archive_search_facets(id, value_id)
        SELECT new.id, id FROM archive_search_facet_values
        WHERE kind = new.kind AND section = new.section AND year IS new.year;"""
COLUMNS = ("heading", "names", "related", "tag_names", "body")


def values(row, fold):
    if fold:
        return ", ".join(f"archive_search_words({row}.{column})" for column in COLUMNS)
    return ", ".join(f"{row}.{column}" for column in COLUMNS)


def statements(fold):
    tokenizer = "unicode61 remove_diacritics 0" if fold else "unicode61 remove_diacritics 2"
    insert = (
        f"INSERT INTO archive_search_fts(rowid, {', '.join(COLUMNS)})"  # noqa: S608
        f" VALUES (new.id, {values('new', fold)});"
    )
    delete = (
        f"INSERT INTO archive_search_fts(archive_search_fts, rowid, {', '.join(COLUMNS)})"  # noqa: S608
        f" VALUES ('delete', old.id, {values('old', fold)});"
    )
    entry = values("e", fold)
    return [
        "DROP TRIGGER IF EXISTS archive_searchentry_fts_update",
        "DROP TRIGGER IF EXISTS archive_searchentry_fts_delete",
        "DROP TRIGGER IF EXISTS archive_searchentry_fts_insert",
        "DROP TABLE IF EXISTS archive_search_vocab",
        "DROP TABLE IF EXISTS archive_search_fts",
        f"""CREATE VIRTUAL TABLE archive_search_fts USING fts5(
            {", ".join(COLUMNS)},
            content='archive_searchentry', content_rowid='id',
            tokenize='{tokenizer}'
        )""",
        "CREATE VIRTUAL TABLE archive_search_vocab USING fts5vocab(archive_search_fts, 'row')",
        f"""CREATE TRIGGER archive_searchentry_fts_insert AFTER INSERT ON archive_searchentry
        BEGIN {insert}{FACET_ROW}
        END""",
        f"""CREATE TRIGGER archive_searchentry_fts_delete AFTER DELETE ON archive_searchentry
        BEGIN {delete}
            DELETE FROM archive_search_facets WHERE id = old.id;
        END""",  # noqa: S608 (built from the constants above only)
        f"""CREATE TRIGGER archive_searchentry_fts_update AFTER UPDATE ON archive_searchentry
        BEGIN {delete}{insert}
            DELETE FROM archive_search_facets WHERE id = old.id;{FACET_ROW}
        END""",  # noqa: S608 (built from the constants above only)
        f"""INSERT INTO archive_search_fts(rowid, {", ".join(COLUMNS)})
        SELECT e.id, {entry} FROM archive_searchentry AS e""",  # noqa: S608
    ]


def rewrite_vectors(SearchEntry):  # noqa: N803 (a model class)
    """Each entry's tsvector again from its own columns (not the records: a later migration
    may change their tables), in chunks."""
    from archive.search.backends.postgresql import PostgreSQLBackend

    backend = PostgreSQLBackend()
    last_pk = 0
    while True:
        entries = list(SearchEntry.objects.filter(pk__gt=last_pk).order_by("pk")[:1000])
        if not entries:
            return
        for entry in entries:
            backend.prepare(entry, None)
        SearchEntry.objects.bulk_update(entries, ["vector"])
        last_pk = entries[-1].pk


def rewrite_postgresql_vectors(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        rewrite_vectors(apps.get_model("archive", "SearchEntry"))


class Migration(migrations.Migration):
    # Numbered 0017 until the migrations were renumbered in one line; a database
    # migrated before that records the old name, which this stands for.
    replaces = [("archive", "0017_search_folded_words")]
    dependencies = [("archive", "0009_unicode_slugs")]

    operations = [
        RunSQLForVendor(
            sql={"sqlite": statements(fold=True)}, reverse_sql={"sqlite": statements(fold=False)}
        ),
        migrations.RunPython(rewrite_postgresql_vectors, rewrite_postgresql_vectors),
    ]
