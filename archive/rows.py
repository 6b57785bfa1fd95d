"""Plain rows inserted many to a statement (PostgreSQL: COPY): for link tables (an article's
people, its tags, a search entry's tags), where building a model instance per row costs more
than writing it.

Like ``bulk_create`` these send no signals (whoever calls this tells the search index); the
page-cache triggers still fire, being the database's own.
"""

from django.db import connection

# Under SQLite's oldest limit of 999 parameters per statement.
MAX_PARAMETERS = 999


def insert_rows(model, columns, rows):
    """Insert ``rows`` (tuples of values for ``columns``) into ``model``'s table."""
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(map(quote, columns))
    if connection.vendor == "postgresql":
        # COPY: no statement to parse, and the page-cache trigger fires once.
        copying = f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(copying) as copy:
            for row in rows:
                copy.write_row(row)
        return
    head = f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES "  # noqa: S608 (names from the models, quoted; values are parameters)
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    per_statement = MAX_PARAMETERS // len(columns)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            batch = rows[start : start + per_statement]
            cursor.execute(
                head + ", ".join([placeholders] * len(batch)),
                [value for row in batch for value in row],
            )


def link_columns(field):
    """The (source, target) columns of a many-to-many field's table."""
    through = field.remote_field.through._meta
    return (
        through.get_field(field.m2m_field_name()).column,
        through.get_field(field.m2m_reverse_field_name()).column,
    )
