"""The search index's model moves to the ``archive.search`` app (its migration 0001_initial).

State only: the tables (``archive_searchentry``, its tag links) keep their names through
``db_table`` and stay as they are, with the FTS5 table, triggers and indexes that migrations
0010, 0012 and 0017 made on them, so no data moves and a fresh database still gets the raw SQL.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("archive", "0026_search_vectors_lz4")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SearchEntry")],
        )
    ]
