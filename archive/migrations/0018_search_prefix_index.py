"""SQLite: prefix indexes of three and four characters in the search index.

A query word of three letters or more also matches as a prefix (``"the" OR "the"*``). Without
a prefix index FTS5 merges the whole doclist of every word the prefix begins ("the", "their",
"there", "they": every record) for each statement that uses it, whatever rowid range or limit
follows: 35 ms per statement at 100,000 articles, about 200 ms for a page. With these indexes a
prefix of three or four characters is read as one doclist, like a word (5 ms); longer prefixes
begin fewer and rarer words. The index grows about 2.2 times (130 to 280 MB at 100,000
articles). The FTS5 table is made again and filled from the entries; the triggers of
``0010_search_folded_words`` write to it by name and stay as they are.
"""

from django.db import migrations

from archive.migration_operations import RunSQLForVendor

COLUMNS = ("heading", "names", "related", "tag_names", "body")


def statements(prefix):
    option = f", prefix='{prefix}'" if prefix else ""
    words = ", ".join(f"archive_search_words(e.{column})" for column in COLUMNS)
    return [
        "DROP TABLE IF EXISTS archive_search_vocab",
        "DROP TABLE IF EXISTS archive_search_fts",
        f"""CREATE VIRTUAL TABLE archive_search_fts USING fts5(
            {", ".join(COLUMNS)},
            content='archive_searchentry', content_rowid='id',
            tokenize='unicode61 remove_diacritics 0'{option}
        )""",
        "CREATE VIRTUAL TABLE archive_search_vocab USING fts5vocab(archive_search_fts, 'row')",
        f"""INSERT INTO archive_search_fts(rowid, {", ".join(COLUMNS)})
        SELECT e.id, {words} FROM archive_searchentry AS e""",  # noqa: S608
    ]


class Migration(migrations.Migration):
    # Numbered 0025 until the migrations were renumbered in one line; a database
    # migrated before that records the old name, which this stands for.
    replaces = [("archive", "0025_search_prefix_index")]
    dependencies = [("archive", "0017_link_table_reverse_indexes")]

    operations = [
        RunSQLForVendor(sql={"sqlite": statements("3 4")}, reverse_sql={"sqlite": statements(None)})
    ]
