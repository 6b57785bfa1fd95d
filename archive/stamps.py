"""Reading the database's version stamps (the page cache's and the search index's).

On PostgreSQL a stamp's row changes only as a writing transaction commits (migration 0013), so a
transaction reads its own pending writes' mark beside the committed stamp: any write, committed
or its own, changes what it reads.
"""

from django.db import connection as default_connection

PENDING_SETTING = {
    "archive_site_state": "archive.site_state_pending",
    "archive_search_state": "archive.search_state_pending",
}


def read_stamp(table, connection=default_connection):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT version::text || coalesce(current_setting(%s, true), '') FROM {table}",  # noqa: S608
                [PENDING_SETTING[table]],
            )
        else:
            cursor.execute(f"SELECT version FROM {table}")  # noqa: S608
        return cursor.fetchone()[0]
