"""A version stamp of everything a public page shows, kept by the database itself.

``archive_site_state`` holds one row whose ``version`` changes to a new random number on every
insert, update or delete in the tables public pages read. The triggers that change it are
(re)made after every ``migrate`` by ``archive.page_cache.install_triggers`` (SQLite drops a
table's triggers when a migration rebuilds the table, and a new model's table needs them too);
this migration makes the table and, on PostgreSQL, the trigger function. A random stamp rather
than a counter, as for the search index (migration 0005_search_at_scale): a rolled-back transaction returns a
counter to a value another transaction may then reach with other data.
"""

from django.db import migrations

from archive.migration_operations import RunSQLForVendor

SQLITE_CREATE = [
    """CREATE TABLE archive_site_state (
        id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL
    )""",
    "INSERT INTO archive_site_state(id, version) VALUES (1, random())",
]
POSTGRESQL_CREATE = [
    """CREATE TABLE archive_site_state (
        id integer PRIMARY KEY CHECK (id = 1), version bigint NOT NULL
    )""",
    "INSERT INTO archive_site_state(id, version) VALUES (1, (random() * 9007199254740991)::bigint)",
    """CREATE FUNCTION archive_site_state_bump() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE archive_site_state SET version = (random() * 9007199254740991)::bigint;
        RETURN NULL;
    END $$""",
]
SQLITE_DROP = ["DROP TABLE IF EXISTS archive_site_state"]
POSTGRESQL_DROP = [
    "DROP FUNCTION IF EXISTS archive_site_state_bump() CASCADE",  # and its triggers
    "DROP TABLE IF EXISTS archive_site_state",
]


def drop_sqlite_triggers(apps, schema_editor):
    """The triggers ``install_triggers`` made, whatever tables they watch."""
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' "
            "AND name LIKE 'archive_site_state_%'"
        )
        names = [name for (name,) in cursor.fetchall()]
    for name in names:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


class Migration(migrations.Migration):
    # Numbered 0014 until the migrations were renumbered in one line; a database
    # migrated before that records the old name, which this stands for.
    replaces = [("archive", "0014_page_cache_stamp")]
    dependencies = [("archive", "0006_article_list_indexes")]

    operations = [
        RunSQLForVendor(
            sql={"sqlite": SQLITE_CREATE, "postgresql": POSTGRESQL_CREATE},
            reverse_sql={"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP},
        ),
        # Reversed first: the triggers go before their table.
        migrations.RunPython(migrations.RunPython.noop, drop_sqlite_triggers),
    ]
