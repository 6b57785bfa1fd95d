"""The statistics a database's query planner chooses its plans from.

SQLite keeps none until ``ANALYZE`` runs, and without them it guesses that
``status = 'published'`` picks out a few rows: it then walks every published article to find
the few that mention one event (1 s at 100,000 articles, instead of 10 ms from the event's
links). ``ANALYZE`` runs after every ``migrate`` and every import; it reads every index once
(about a second at 100,000 articles) and costs nothing on an empty database. PostgreSQL's
autovacuum keeps its own statistics.
"""

from django.db import DEFAULT_DB_ALIAS, connections


def refresh(using=DEFAULT_DB_ALIAS, **kwargs):
    """Gather the planner's statistics afresh (SQLite). Connected to ``post_migrate``."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
