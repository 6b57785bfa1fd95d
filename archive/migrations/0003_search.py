"""The search index: one entry per published record, and each database's full-text index.

SQLite: an FTS5 table reading its text from ``archive_searchentry`` (external content), a narrow
facet table keyed by entry id, and triggers keeping both in step. PostgreSQL: a GIN index on the
entry's ``tsvector`` column.
Afterwards, ``manage.py rebuild_search_index`` fills the index from existing records.

Caution for later migrations: altering ``archive_searchentry`` on SQLite makes Django rebuild
the table, which drops its triggers; such a migration must create them again.
"""

import django.contrib.postgres.search
from django.db import migrations, models

from archive.migration_operations import RunSQLForVendor

# Facet counting on SQLite: each entry's (kind, section, year) as one small integer in a table
# keyed by the entry's id (its rowid), so counting tens of thousands of matches reads a few
# narrow pages and groups integers, instead of reading the wide entry rows.
FACET_ROW = """
        INSERT INTO archive_search_facet_values(kind, section, year)
        SELECT new.kind, new.section, new.year WHERE NOT EXISTS (
            SELECT 1 FROM archive_search_facet_values
            WHERE kind = new.kind AND section = new.section AND year IS new.year
        );
        INSERT OR REPLACE INTO archive_search_facets(id, value_id)
        SELECT new.id, id FROM archive_search_facet_values
        WHERE kind = new.kind AND section = new.section AND year IS new.year;"""
FTS_ROW = """
        INSERT INTO archive_search_fts(rowid, heading, names, related, tag_names, body)
        VALUES (new.id, new.heading, new.names, new.related, new.tag_names, new.body);"""
FTS_DELETE = """
        INSERT INTO archive_search_fts(archive_search_fts, rowid, heading, names, related, tag_names, body)
        VALUES ('delete', old.id, old.heading, old.names, old.related, old.tag_names, old.body);"""

SQLITE_CREATE = [
    """CREATE VIRTUAL TABLE archive_search_fts USING fts5(
        heading, names, related, tag_names, body,
        content='archive_searchentry', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    )""",
    # The index's own word list, so a prefix query can tell whether it matches any other word.
    "CREATE VIRTUAL TABLE archive_search_vocab USING fts5vocab(archive_search_fts, 'row')",
    """CREATE TABLE archive_search_facet_values (
        id INTEGER PRIMARY KEY, kind TEXT NOT NULL, section TEXT NOT NULL, year INTEGER
    )""",
    """CREATE INDEX archive_search_facet_values_lookup
        ON archive_search_facet_values(kind, section, year)""",
    "CREATE TABLE archive_search_facets (id INTEGER PRIMARY KEY, value_id INTEGER NOT NULL)",
    f"""CREATE TRIGGER archive_searchentry_fts_insert AFTER INSERT ON archive_searchentry BEGIN
        {FTS_ROW}{FACET_ROW}
    END""",
    f"""CREATE TRIGGER archive_searchentry_fts_delete AFTER DELETE ON archive_searchentry BEGIN
        {FTS_DELETE}
        DELETE FROM archive_search_facets WHERE id = old.id;
    END""",  # noqa: S608 (built from the constants above only)
    f"""CREATE TRIGGER archive_searchentry_fts_update AFTER UPDATE ON archive_searchentry BEGIN
        {FTS_DELETE}{FTS_ROW}
        DELETE FROM archive_search_facets WHERE id = old.id;{FACET_ROW}
    END""",  # noqa: S608 (built from the constants above only)
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS archive_searchentry_fts_update",
    "DROP TRIGGER IF EXISTS archive_searchentry_fts_delete",
    "DROP TRIGGER IF EXISTS archive_searchentry_fts_insert",
    "DROP TABLE IF EXISTS archive_search_facets",
    "DROP TABLE IF EXISTS archive_search_facet_values",
    "DROP TABLE IF EXISTS archive_search_vocab",
    "DROP TABLE IF EXISTS archive_search_fts",
]
POSTGRESQL_CREATE = [
    "CREATE INDEX archive_searchentry_vector ON archive_searchentry USING gin (vector)",
]
POSTGRESQL_DROP = ["DROP INDEX IF EXISTS archive_searchentry_vector"]


class Migration(migrations.Migration):
    # Numbered 0010 until the migrations were renumbered in one line; a database
    # migrated before that records the old name, which this stands for.
    replaces = [("archive", "0010_search")]
    dependencies = [
        ("archive", "0002_roles"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        help_text="The record's model name, e.g. “person”.", max_length=20
                    ),
                ),
                ("object_id", models.BigIntegerField()),
                ("slug", models.CharField(max_length=200)),
                ("section", models.CharField(blank=True, max_length=200)),
                ("year", models.IntegerField(blank=True, null=True)),
                (
                    "date",
                    models.CharField(
                        blank=True, help_text="The date as the page shows it.", max_length=40
                    ),
                ),
                ("title", models.CharField(help_text="What a result is called.", max_length=500)),
                ("heading", models.TextField(blank=True)),
                (
                    "names",
                    models.TextField(blank=True, help_text="The record's other names and aliases."),
                ),
                (
                    "related",
                    models.TextField(
                        blank=True, help_text="Names of the published records it links."
                    ),
                ),
                ("tag_names", models.TextField(blank=True)),
                ("body", models.TextField(blank=True)),
                (
                    "vector",
                    django.contrib.postgres.search.SearchVectorField(
                        editable=False, help_text="PostgreSQL only.", null=True
                    ),
                ),
                ("tags", models.ManyToManyField(blank=True, related_name="+", to="taggit.tag")),
            ],
            options={
                "verbose_name_plural": "search entries",
                "indexes": [
                    models.Index(
                        fields=["kind", "section", "year"], name="archive_searchentry_facets"
                    ),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("kind", "object_id"), name="archive_searchentry_record"
                    )
                ],
            },
        ),
        RunSQLForVendor(
            sql={"sqlite": SQLITE_CREATE, "postgresql": POSTGRESQL_CREATE},
            reverse_sql={"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP},
        ),
    ]
