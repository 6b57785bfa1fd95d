"""Search at scale: a version stamp for the index, and PostgreSQL's storage tuned for it.

``archive_search_state`` holds one row whose ``version`` triggers set to a new random number
whenever an entry or an entry's tag link is written or deleted. A process holding the entries'
facet values in memory (``archive.search.facets``) reads the stamp, one integer, before
counting, and reloads when it differs. A random stamp rather than a counter: a rolled-back
transaction returns a counter to a value another transaction may then reach with other data.

PostgreSQL also gets:
- an index of the lexemes of names, titles, tags and linked names (weights A to C), so a broad
  query finds the records it names without rechecking every match
  (``PostgreSQLBackend.matching_names``);
- ``toast_tuple_target = 128`` on the entries, so their long text and tsvectors are stored
  out of line and the rows themselves stay narrow: finding 50,000 matches then reads 2,500
  pages of rows instead of 19,000 (and the planner stops preferring a scan of every row, which
  unpacks every tsvector). Rows written before this migration keep their layout until they are
  written again (``manage.py rebuild_search_index`` rewrites them all).
"""

from django.db import migrations

from archive.migration_operations import RunSQLForVendor

WATCHED_TABLES = {"entry": "archive_searchentry", "tags": "archive_searchentry_tags"}
EVENTS = ("INSERT", "UPDATE", "DELETE")

SQLITE_CREATE = [
    """CREATE TABLE archive_search_state (
        id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL
    )""",
    "INSERT INTO archive_search_state(id, version) VALUES (1, random())",
    *(
        f"CREATE TRIGGER archive_search_state_{name}_{event.lower()} AFTER {event} ON {table}"  # noqa: S608
        " BEGIN UPDATE archive_search_state SET version = random(); END"
        for name, table in WATCHED_TABLES.items()
        for event in EVENTS
    ),
]
SQLITE_DROP = [
    *(
        f"DROP TRIGGER IF EXISTS archive_search_state_{name}_{event.lower()}"
        for name in WATCHED_TABLES
        for event in EVENTS
    ),
    "DROP TABLE IF EXISTS archive_search_state",
]

POSTGRESQL_CREATE = [
    """CREATE TABLE archive_search_state (
        id integer PRIMARY KEY CHECK (id = 1), version bigint NOT NULL
    )""",
    "INSERT INTO archive_search_state(id, version) VALUES (1, 0)",
    """CREATE FUNCTION archive_search_state_bump() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE archive_search_state
        SET version = (random() * 9007199254740991)::bigint;
        RETURN NULL;
    END $$""",
    *(
        f"CREATE TRIGGER archive_search_state_{name} AFTER INSERT OR UPDATE OR DELETE ON {table}"
        " FOR EACH STATEMENT EXECUTE FUNCTION archive_search_state_bump()"
        for name, table in WATCHED_TABLES.items()
    ),
    "CREATE INDEX archive_searchentry_names_vector ON archive_searchentry"
    " USING gin (ts_filter(vector, '{a,b,c}'))",
    "ALTER TABLE archive_searchentry SET (toast_tuple_target = 128)",
]
POSTGRESQL_DROP = [
    "ALTER TABLE archive_searchentry RESET (toast_tuple_target)",
    "DROP INDEX IF EXISTS archive_searchentry_names_vector",
    *(
        f"DROP TRIGGER IF EXISTS archive_search_state_{name} ON {table}"
        for name, table in WATCHED_TABLES.items()
    ),
    "DROP FUNCTION IF EXISTS archive_search_state_bump()",
    "DROP TABLE IF EXISTS archive_search_state",
]


class Migration(migrations.Migration):
    # Numbered 0012 until the migrations were renumbered in one line; a database
    # migrated before that records the old name, which this stands for.
    replaces = [("archive", "0012_search_at_scale")]
    dependencies = [("archive", "0004_article_body_format")]

    operations = [
        RunSQLForVendor(
            sql={"sqlite": SQLITE_CREATE, "postgresql": POSTGRESQL_CREATE},
            reverse_sql={"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP},
        )
    ]
