"""The two full-text back ends behind one interface, chosen by the database in use."""

from django.core.exceptions import ImproperlyConfigured
from django.db import connection


def get_backend():
    if connection.vendor == "sqlite":
        from .sqlite import SQLiteBackend

        return SQLiteBackend()
    if connection.vendor == "postgresql":
        from .postgresql import PostgreSQLBackend

        return PostgreSQLBackend()
    raise ImproperlyConfigured(
        f"Search supports SQLite (FTS5) and PostgreSQL, not {connection.vendor!r}; "
        "set DATABASE_URL to one of those."
    )
