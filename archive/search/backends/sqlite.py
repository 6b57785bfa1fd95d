"""SQLite: an FTS5 table over the text columns of ``archive_searchentry``, ranked by BM25.

The FTS5 table uses the entry table as its external content and triggers keep the two in
step (migrations ``0003_search`` and ``search_folded_words``), so writing entries is all the
indexer does. The triggers index each column's words as ``archive.search.folding`` folds them
(the SQL function ``archive_search_words``), and the tokenizer only splits them at the spaces.

Every query starts from the FTS5 match, so its cost follows the number of matches. Facets are
counted from the matching ids and each entry's facet values held in memory (``facets``), read
from the narrow tables the triggers keep.
"""

import json

from django.db import connection

from ..text import words
from .base import Backend, fetch

FTS_TABLE = "archive_search_fts"
VOCAB_TABLE = "archive_search_vocab"
# BM25 weight of each FTS5 column, in the table's column order.
COLUMN_WEIGHTS = {"heading": 10.0, "names": 8.0, "related": 2.0, "tag_names": 3.0, "body": 1.0}
NAMING_COLUMNS = "{heading names related tag_names}"
BM25 = f"bm25({FTS_TABLE}, {', '.join(str(w) for w in COLUMN_WEIGHTS.values())})"
# Indexed words never hold control characters (the tokenizer splits on them), so the words a
# word prefixes, itself excepted, lie in [word + FIRST_CHARACTER, word + LAST_CHARACTER].
FIRST_CHARACTER = "\x01"
LAST_CHARACTER = "\U0010ffff"
# The SQL function the FTS5 triggers index each column through (migration
# ``search_folded_words``): the column's words folded in Python, as queries are.
WORDS_FUNCTION = "archive_search_words"


def indexed_words(text):
    return " ".join(words(text)) if text else ""


def register_functions(sender, connection, **kwargs):
    """Give every SQLite connection the function the search index's triggers call."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(WORDS_FUNCTION, 1, indexed_words, deterministic=True)


def quoted(words):
    """An FTS5 string: the words only, in double quotes, so no query syntax gets through."""
    return '"' + " ".join(words).replace('"', '""') + '"'


def match_expression(query, with_prefixes=True):
    parts = []
    for term in query.terms:
        phrase = quoted(term.words)
        # The exact word as well as the prefix, so exact matches score higher.
        parts.append(f"({phrase} OR {phrase}*)" if term.prefix and with_prefixes else phrase)
    return " AND ".join(parts)


class SQLiteBackend(Backend):
    vendor = "sqlite"

    def __init__(self):
        super().__init__()
        self._expressions = {}

    def expression(self, query):
        """The FTS5 match expression of ``query``, without prefix parts that add nothing.

        ``"word"*`` costs as much again as ``"word"`` on a common word. When no indexed word
        extends any prefix term, every term's prefix part matches exactly what its word does,
        so dropping them all doubles each term's BM25 share alike: the same hits, same order.
        """
        if query not in self._expressions:
            self._expressions[query] = match_expression(query, self._prefixes_matter(query))
        return self._expressions[query]

    def _prefixes_matter(self, query):
        prefixes = [term.words[0] for term in query.terms if term.prefix]
        if not prefixes:
            return False
        # One range per word: fts5vocab seeks a range, but would scan every word for an OR. It
        # seeks only for >= and <= (with > and < it reads every word: 2 ms instead of 0.05).
        extension = f"SELECT 1 FROM {VOCAB_TABLE} WHERE term >= %s AND term <= %s"  # noqa: S608
        sql = " OR ".join([f"EXISTS ({extension})"] * len(prefixes))
        params = [
            bound for word in prefixes for bound in (word + FIRST_CHARACTER, word + LAST_CHARACTER)
        ]
        return bool(fetch(f"SELECT {sql}", params)[0][0])

    def names_expression(self, query):
        return f"{NAMING_COLUMNS} : ({self.expression(query)})"

    def match_ids(self, query):
        return fetch(
            f"SELECT group_concat(rowid) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",  # noqa: S608
            [self.expression(query)],
        )[0][0]

    def naming_ids(self, query, limit=None):
        sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608
        params = [self.names_expression(query)]
        if limit is not None:
            sql, params = f"{sql} ORDER BY rowid DESC LIMIT %s", [*params, limit]
        return fetch(f"SELECT group_concat(rowid) FROM ({sql})", params)[0][0]  # noqa: S608

    def ranked_ids(self, query, offset, limit, window=None):
        restriction, params = "", []
        if window is not None:
            if not len(window):
                return []
            # The bounds go to FTS5 as they are, so it seeks to them instead of reading every
            # match; the unary plus keeps SQLite from handing FTS5 the ids one at a time (a
            # full-text lookup each): the match is read once and each rowid tested instead.
            restriction = (
                " AND rowid >= %s AND rowid <= %s AND +rowid IN (SELECT value FROM json_each(%s))"
            )
            params = [int(window[0]), int(window[-1]), json.dumps(window.tolist())]
        rows = fetch(
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s{restriction}"  # noqa: S608
            f" ORDER BY {BM25}, rowid LIMIT %s OFFSET %s",
            [self.expression(query), *params, limit, offset],
        )
        return [pk for (pk,) in rows]

    def facet_source(self):
        # From the narrow tables the triggers keep (0003_search), not the wide entry rows.
        value_groups = fetch(
            "SELECT v.kind, v.section, v.year, g.ids FROM (SELECT value_id, group_concat(id)"
            " AS ids FROM archive_search_facets GROUP BY value_id) AS g"
            " JOIN archive_search_facet_values AS v ON v.id = g.value_id",
            [],
        )
        links = fetch(
            "SELECT group_concat(searchentry_id || ',' || tag_id) FROM archive_searchentry_tags",
            [],
        )[0][0]
        return [(row[:3], row[3]) for row in value_groups], links

    def tag_rows(self, tag_ids):
        return fetch(
            "SELECT id, slug, name FROM taggit_tag WHERE id IN (SELECT value FROM json_each(%s))",
            [json.dumps(list(tag_ids))],
        )

    def optimize(self):
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")  # noqa: S608
