"""Search at scale: SQLite's index version stamp, PostgreSQL's index of name lexemes.

SQLite: a version stamp for the search index, so facet data held in memory knows it is current.

``archive_search_state`` holds one row whose ``version`` triggers set to a new random number
whenever an entry or an entry's tag link is written or deleted. A process holding the entries'
facet values in memory (``archive.search.backends.sqlite_facets``) reads the stamp, one integer,
before counting, and reloads when it differs. A random stamp rather than a counter: a rolled-back
transaction returns the counter to a value another transaction may then reach with other data.
"""

from django.db import migrations

BUMP = "UPDATE archive_search_state SET version = random();"
WATCHED = [
    ("entry", "archive_searchentry", ("INSERT", "UPDATE", "DELETE")),
    ("tags", "archive_searchentry_tags", ("INSERT", "UPDATE", "DELETE")),
]
TRIGGERS = [
    (f"archive_search_state_{name}_{event.lower()}", table, event)
    for name, table, events in WATCHED
    for event in events
]

SQLITE_CREATE = [
    """CREATE TABLE archive_search_state (
        id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL
    )""",
    "INSERT INTO archive_search_state(id, version) VALUES (1, random())",
    *(
        f"CREATE TRIGGER {trigger} AFTER {event} ON {table} BEGIN {BUMP} END"
        for trigger, table, event in TRIGGERS
    ),
]
SQLITE_DROP = [
    *(f"DROP TRIGGER IF EXISTS {trigger}" for trigger, _, _ in TRIGGERS),
    "DROP TABLE IF EXISTS archive_search_state",
]


# PostgreSQL: the lexemes of names, titles, tags and linked names (weights A to C) indexed on
# their own, so a broad query can find the records it names without rechecking every match
# (see PostgreSQLBackend.matching_names).
POSTGRESQL_CREATE = [
    "CREATE INDEX archive_searchentry_names_vector ON archive_searchentry"
    " USING gin (ts_filter(vector, '{a,b,c}'))"
]
POSTGRESQL_DROP = ["DROP INDEX IF EXISTS archive_searchentry_names_vector"]


def run(statements_by_vendor):
    def operation(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("archive", "0011_article_body_format")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE_CREATE, "postgresql": POSTGRESQL_CREATE}),
            run({"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}),
        )
    ]
