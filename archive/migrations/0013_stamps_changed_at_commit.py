"""PostgreSQL: the page cache's and the search index's stamps change as a transaction commits.

Before, every write to a watched table updated the stamp's one row at once, so a transaction
that wrote held that row's lock until it ended: while an import ran (minutes), every editor's
save waited for it at the stamp. Now the statement triggers only queue a change, once per
transaction (a row in ``archive_stamp_bump``, whose deferred trigger changes the stamp at commit
and removes the row), and mark the transaction's own view of the stamp with a transaction-local
setting that changes with every write, so the writing transaction still sees its stamp change
(``archive.stamps.read_stamp``). The stamp's row is locked only while a transaction commits.
SQLite is unchanged: its one write lock already serialises writers.
"""

from django.db import migrations

from archive.migration_operations import RunSQLForVendor

STAMPS = {"archive_site_state": "site_state", "archive_search_state": "search_state"}
RANDOM = "(random() * 9007199254740991)::bigint"


def queueing_function(table, name):
    return f"""CREATE OR REPLACE FUNCTION archive_{name}_bump() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF coalesce(current_setting('archive.{name}_pending', true), '') = '' THEN
            INSERT INTO archive_stamp_bump(stamp) VALUES ('{table}');
        END IF;
        PERFORM set_config('archive.{name}_pending', {RANDOM}::text, true);
        RETURN NULL;
    END $$"""  # noqa: S608 (constants only)


def immediate_function(table, name):
    return f"""CREATE OR REPLACE FUNCTION archive_{name}_bump() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE {table} SET version = {RANDOM};
        RETURN NULL;
    END $$"""  # noqa: S608 (constants only)


POSTGRESQL_FORWARD = [
    "CREATE TABLE archive_stamp_bump (stamp text NOT NULL)",
    f"""CREATE FUNCTION archive_stamp_bump_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.stamp = 'archive_site_state' THEN
            UPDATE archive_site_state SET version = {RANDOM};
        ELSE
            UPDATE archive_search_state SET version = {RANDOM};
        END IF;
        DELETE FROM archive_stamp_bump WHERE ctid = NEW.ctid;
        RETURN NULL;
    END $$""",  # noqa: S608 (constants only)
    "CREATE CONSTRAINT TRIGGER archive_stamp_bump_at_commit AFTER INSERT ON archive_stamp_bump"
    " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION archive_stamp_bump_at_commit()",
    *(queueing_function(table, name) for table, name in STAMPS.items()),
]
POSTGRESQL_BACKWARD = [
    *(immediate_function(table, name) for table, name in STAMPS.items()),
    "DROP TABLE IF EXISTS archive_stamp_bump",
    "DROP FUNCTION IF EXISTS archive_stamp_bump_at_commit()",
]


class Migration(migrations.Migration):
    # Numbered 0020 until the migrations were renumbered in one line; a database
    # migrated before that records the old name, which this stands for.
    replaces = [("archive", "0020_stamps_changed_at_commit")]
    dependencies = [("archive", "0012_organisation_verbose_names")]

    operations = [
        RunSQLForVendor(
            sql={"postgresql": POSTGRESQL_FORWARD}, reverse_sql={"postgresql": POSTGRESQL_BACKWARD}
        )
    ]
