"""PostgreSQL: the search entries' tsvectors compressed with lz4 instead of pglz.

Ranking unpacks the tsvector of every entry it scores (they are stored out of line, see
``0005_search_at_scale``), and unpacking is most of its cost: lz4 decompresses a tsvector in
about half the time pglz takes (at 100,000 articles, 31 instead of 52 ms for the 9,600 entries
a broad query ranks). Servers built without lz4 (PostgreSQL before 14, or built without it)
keep pglz. Existing vectors keep their compression until written again: run
``manage.py rebuild_search_index`` once after migrating.
"""

from django.db import migrations

from archive.migration_operations import RunSQLForVendor

FORWARD = """
DO $$ BEGIN
    ALTER TABLE archive_searchentry ALTER COLUMN vector SET COMPRESSION lz4;
EXCEPTION WHEN OTHERS THEN
    NULL;  -- no lz4 on this server: the vectors stay compressed with pglz
END $$
"""
BACKWARD = """
DO $$ BEGIN
    ALTER TABLE archive_searchentry ALTER COLUMN vector SET COMPRESSION default;
EXCEPTION WHEN OTHERS THEN
    NULL;
END $$
"""


class Migration(migrations.Migration):
    # Numbered 0026 until the migrations were renumbered in one line; a database
    # migrated before that records the old name, which this stands for.
    replaces = [("archive", "0026_search_vectors_lz4")]
    dependencies = [("archive", "0018_search_prefix_index")]

    operations = [
        RunSQLForVendor(sql={"postgresql": [FORWARD]}, reverse_sql={"postgresql": [BACKWARD]})
    ]
