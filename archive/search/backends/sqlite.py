"""SQLite: an FTS5 table over the text columns of ``archive_searchentry``, ranked by BM25.

The FTS5 table uses the entry table as its external content and triggers keep the two in
step (migration ``0010_search``), so writing entries is all the indexer does.

Every query starts from the FTS5 match, so its cost follows the number of matches. Facets are
counted in Python from the matching ids and each entry's facet values held in memory
(``sqlite_facets``), which is several times faster than grouping joined rows in SQL.
"""

import json

from django.db import connection
from django.db.models.expressions import RawSQL

from . import sqlite_facets
from .base import Backend, RankWindow, fetch

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
        self._expressions = {}
        self._counts = {}

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

    def _restricted(self, entries, column):
        """SQL and params keeping ``column`` to ``entries`` when those are filtered."""
        if not entries.query.where:
            return "", []
        subquery, params = entries.values("id").query.sql_with_params()
        # The unary plus keeps SQLite from handing FTS5 the IN list one rowid at a time (one
        # full-text lookup per value): the match is read once and each rowid tested instead.
        return f" AND +{column} IN ({subquery})", list(params)

    def matching(self, entries, query):
        sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608
        # The match expression is a parameter, built from quoted words only.
        return entries.filter(id__in=RawSQL(sql, [self.expression(query)]))  # noqa: S611

    def names_expression(self, query):
        return f"{NAMING_COLUMNS} : ({self.expression(query)})"

    def matching_names(self, entries, query):
        sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608
        return entries.filter(id__in=RawSQL(sql, [self.names_expression(query)]))  # noqa: S611

    def rank_window(self, entries, query, size):
        newest = self._select(
            "rowid",
            entries,
            self.expression(query),
            " ORDER BY rowid DESC LIMIT 1 OFFSET %s",
            [size - 1],
        )
        if not newest:
            return None
        newest_from = newest[0][0]
        # The newest ``size`` naming matches: where they start, and how many are older than the
        # newest tier (the newest tier itself holds exactly ``size`` matches).
        sql, params = self._sql(
            "rowid", entries, self.names_expression(query), " ORDER BY rowid DESC LIMIT %s", [size]
        )
        named_from, named_older = fetch(
            f"SELECT min(rowid), count(*) FILTER (WHERE rowid < %s) FROM ({sql})",  # noqa: S608
            [newest_from, *params],
        )[0]
        return RankWindow(newest_from, named_from or 0, size, size + named_older)

    def ranked_ids(self, entries, query, offset, limit, window=None):
        expression = self.expression(query)
        tail = f" ORDER BY {BM25}, rowid LIMIT %s OFFSET %s"
        if window is None:
            return [
                row[0] for row in self._select("rowid", entries, expression, tail, [limit, offset])
            ]
        # Two queries, each giving FTS5 a rowid range to seek to, instead of one OR that makes
        # it read every match; BM25 scores do not depend on the rowid range, so they merge.
        select, tail = f"rowid, {BM25}", f" ORDER BY {BM25}, rowid LIMIT %s"
        wanted = offset + limit
        rows = self._select(
            select, entries, expression, f" AND rowid >= %s{tail}", [window.newest_from, wanted]
        )
        if window.count > window.size:  # naming matches older than the newest ones
            named = (
                f" AND rowid >= %s AND rowid < %s AND +rowid IN (SELECT rowid FROM {FTS_TABLE}"  # noqa: S608
                f" WHERE {FTS_TABLE} MATCH %s AND rowid >= %s AND rowid < %s)"
            )
            bounds = [window.named_from, window.newest_from]
            rows += self._select(
                select,
                entries,
                expression,
                f"{named}{tail}",
                [*bounds, self.names_expression(query), *bounds, wanted],
            )
        rows.sort(key=lambda row: (row[1], row[0]))
        return [row[0] for row in rows[offset:wanted]]

    def _sql(self, select, entries, expression, tail="", tail_params=()):
        """SELECT ``select`` over the FTS5 matches of ``expression`` among ``entries``."""
        restriction, restriction_params = self._restricted(entries, "rowid")
        sql = (
            f"SELECT {select} FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608
            f"{restriction}{tail}"
        )
        return sql, [expression, *restriction_params, *tail_params]

    def _select(self, *args):
        return fetch(*self._sql(*args))

    def _counted(self, entries, query):
        """Facet value and tag counts of the matches, worked out once per search."""
        key = (str(entries.query), query)
        if key not in self._counts:
            (joined,) = self._select("group_concat(rowid)", entries, self.expression(query))[0]
            data = sqlite_facets.current()
            self._counts[key] = (data, *data.count(sqlite_facets.parse_ids(joined)))
        return self._counts[key]

    def facet_counts(self, entries, query):
        data, values, _ = self._counted(entries, query)
        return [(*data.values[value_id], number) for value_id, number in values.items() if value_id]

    def tag_counts(self, entries, query, limit):
        _, _, tags = self._counted(entries, query)
        ranked = sorted(tags.items(), key=lambda item: -item[1])
        if not ranked:
            return []
        # Ties at the cut are ordered by name, so read the names of every tag that could make it.
        least = ranked[min(limit, len(ranked)) - 1][1]
        candidates = {tag_id: number for tag_id, number in ranked if number >= least}
        named = fetch(
            "SELECT id, slug, name FROM taggit_tag WHERE id IN (SELECT value FROM json_each(%s))",
            [json.dumps(list(candidates))],
        )
        rows = sorted(
            ((slug, name, candidates[tag_id]) for tag_id, slug, name in named),
            key=lambda row: (-row[2], row[1]),
        )
        return rows[:limit]

    def optimize(self):
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")  # noqa: S608
