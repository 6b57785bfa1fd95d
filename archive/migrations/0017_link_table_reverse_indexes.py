"""Indexes on the link tables from the linked record back to the linking one (a person to
the articles that mention them), holding both ids: counting the published articles of a
person reads this index instead of every link row (the unique index Django makes runs the
other way, article first)."""

from django.db import migrations

# (link table, the linked record's column, the linking record's column)
LINKS = [
    ("archive_article_people", "person_id", "article_id"),
    ("archive_article_organizations", "organization_id", "article_id"),
    ("archive_article_places", "place_id", "article_id"),
    ("archive_article_events", "event_id", "article_id"),
    ("archive_event_people", "person_id", "event_id"),
    ("archive_event_organizations", "organization_id", "event_id"),
    ("archive_quotation_people", "person_id", "quotation_id"),
    ("archive_quotation_organizations", "organization_id", "quotation_id"),
]


def index_name(table, linked):
    return f"{table}_{linked.removesuffix('_id')}_back"


class Migration(migrations.Migration):
    # Numbered 0024 until the migrations were renumbered in one line; a database
    # migrated before that records the old name, which this stands for.
    replaces = [("archive", "0024_link_table_reverse_indexes")]
    dependencies = [("archive", "0016_taggeditem_tag_kind_index")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {index_name(table, linked)} "
            f"ON {table} ({linked}, {linking})",
            f"DROP INDEX IF EXISTS {index_name(table, linked)}",
        )
        for table, linked, linking in LINKS
    ]
