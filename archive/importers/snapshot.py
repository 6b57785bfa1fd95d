"""A read transaction: one consistent state of the database that takes no write lock.

SQLite (WAL): a deferred transaction whose first read fixes the snapshot; it waits for no writer
and makes none wait (Django's own transactions here are IMMEDIATE, which take the write lock).
PostgreSQL: REPEATABLE READ, READ ONLY, its snapshot fixed by a first statement.
"""

from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, transaction


@contextmanager
def read_snapshot(using=DEFAULT_DB_ALIAS):
    connection = connections[using]
    if connection.in_atomic_block:
        yield  # the enclosing transaction already reads one state
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
            cursor.execute("SELECT count(*) FROM sqlite_master")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("ROLLBACK")  # only read: nothing to keep
    elif connection.vendor == "postgresql":
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT 1")
            yield
    else:
        with transaction.atomic(using=using):
            yield
