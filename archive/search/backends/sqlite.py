"""SQLite: an FTS5 table over the text columns of ``archive_searchentry``, ranked by BM25.

The FTS5 table uses the entry table as its external content and triggers keep the two in
step (migration ``0010_search``), so writing entries is all the indexer does.

Every query starts from the FTS5 match and joins outwards by rowid, so its cost follows the
number of matches. Facets are counted from narrow tables rather than the wide entry rows: kind,
section and year from ``archive_search_facets`` (entry id -> one integer per combination, kept
by the same triggers), tags from the tag links' (entry, tag) index.
"""

from django.db import connection
from django.db.models.expressions import RawSQL

from .base import Backend

FTS_TABLE = "archive_search_fts"
VOCAB_TABLE = "archive_search_vocab"
# BM25 weight of each FTS5 column, in the table's column order.
COLUMN_WEIGHTS = {"heading": 10.0, "names": 8.0, "related": 2.0, "tag_names": 3.0, "body": 1.0}
BM25 = f"bm25({FTS_TABLE}, {', '.join(str(w) for w in COLUMN_WEIGHTS.values())})"
# Above every code point, so [word, word + LAST_CHARACTER) holds exactly the words it prefixes.
LAST_CHARACTER = "\U0010ffff"


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


def fetch(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class SQLiteBackend(Backend):
    vendor = "sqlite"

    def __init__(self):
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
        # One range per word: fts5vocab seeks a range, but would scan every word for an OR.
        extension = f"SELECT 1 FROM {VOCAB_TABLE} WHERE term > %s AND term < %s"  # noqa: S608
        sql = " OR ".join([f"EXISTS ({extension})"] * len(prefixes))
        params = [bound for word in prefixes for bound in (word, word + LAST_CHARACTER)]
        return bool(fetch(f"SELECT {sql}", params)[0][0])

    def _restricted(self, entries, column):
        """SQL and params keeping ``column`` to ``entries`` when those are filtered."""
        if not entries.query.where:
            return "", []
        subquery, params = entries.values("id").query.sql_with_params()
        return f" AND {column} IN ({subquery})", list(params)

    def matching(self, entries, query):
        sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608
        # The match expression is a parameter, built from quoted words only.
        return entries.filter(id__in=RawSQL(sql, [self.expression(query)]))  # noqa: S611

    def ranked_ids(self, entries, query, offset, limit):
        restriction, restriction_params = self._restricted(entries, "rowid")
        sql = (
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s{restriction}"  # noqa: S608
            f" ORDER BY {BM25}, rowid LIMIT %s OFFSET %s"
        )
        return [
            row[0]
            for row in fetch(sql, [self.expression(query), *restriction_params, limit, offset])
        ]

    def facet_counts(self, entries, query):
        restriction, restriction_params = self._restricted(entries, "f.rowid")
        sql = (
            "SELECT v.kind, v.section, v.year, c.n FROM ("  # noqa: S608
            "SELECT facet.value_id, count(*) AS n"
            f" FROM {FTS_TABLE} AS f"
            " JOIN archive_search_facets AS facet ON facet.id = f.rowid"
            f" WHERE f.{FTS_TABLE} MATCH %s{restriction}"
            " GROUP BY facet.value_id"
            ") AS c JOIN archive_search_facet_values AS v ON v.id = c.value_id"
        )
        return fetch(sql, [self.expression(query), *restriction_params])

    def tag_counts(self, entries, query, limit):
        restriction, restriction_params = self._restricted(entries, "f.rowid")
        sql = (
            "SELECT t.slug, t.name, c.n FROM ("  # noqa: S608
            "SELECT link.tag_id, count(*) AS n"
            f" FROM {FTS_TABLE} AS f"
            " JOIN archive_searchentry_tags AS link ON link.searchentry_id = f.rowid"
            f" WHERE f.{FTS_TABLE} MATCH %s{restriction}"
            " GROUP BY link.tag_id"
            ") AS c JOIN taggit_tag AS t ON t.id = c.tag_id"
            " ORDER BY c.n DESC, t.name LIMIT %s"
        )
        return fetch(sql, [self.expression(query), *restriction_params, limit])

    def optimize(self):
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")  # noqa: S608
