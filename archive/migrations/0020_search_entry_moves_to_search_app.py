"""The search index's model moves to the ``archive.search`` app (its migration 0001_initial).

State only: the tables (``archive_searchentry``, its tag links) keep their names through
``db_table`` and stay as they are, with the FTS5 table, triggers and indexes that migrations
0003, 0005 and 0010 made on them, so no data moves and a fresh database still gets the raw SQL.
"""

from django.db import migrations


class Migration(migrations.Migration):
    # Numbered 0027 until the migrations were renumbered in one line; a database
    # migrated before that records the old name, which this stands for.
    replaces = [("archive", "0027_search_entry_moves_to_search_app")]
    dependencies = [("archive", "0019_search_vectors_lz4")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SearchEntry")],
        )
    ]
