"""What a full-text back end provides to ``archive.search``."""

from dataclasses import dataclass

import numpy as np
from django.db import connection

from .. import facets


def fetch(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@dataclass(frozen=True)
class RankWindow:
    """The matches ranked for a broad query: the ``size`` newest (ids from ``newest_from`` up),
    and those naming the query (in a name, title or tag) with ids from ``named_from`` up;
    ``count`` in all."""

    newest_from: int
    named_from: int
    size: int  # how many of the newest matches it holds
    count: int


class Backend:
    vendor = None

    def __init__(self):
        self._done = {}

    def prepare(self, entry, document):
        """Fill whatever the back end indexes itself on a new entry before it is written."""

    def rank_window(self, entries, query, size):
        """Which matches ranking looks at when more than ``size`` match: a :class:`RankWindow`,
        or None when no more than ``size`` do.

        Those are the ``size`` matches most recently indexed, and the ``size`` most recent of
        those whose names, titles or tags match (so the records a query names come first however
        broad it is). Ranking every match of a word found in half the archive costs several
        times the page's whole time budget; this bounds it.
        """
        ids = self.matched(entries, query)
        if len(ids) <= size:
            return None
        newest_from = int(np.partition(ids, len(ids) - size)[len(ids) - size])
        named_from, named_older = self.newest_naming(entries, query, size, newest_from)
        return RankWindow(newest_from, named_from, size, size + named_older)

    def newest_naming(self, entries, query, size, below):
        """Of the ``size`` newest matches naming the query (in a name, title, other names, tags
        or linked records' names): the smallest id (0 if none), and how many are under ``below``."""
        raise NotImplementedError

    def ranked_ids(self, entries, query, offset, limit, window=None):
        """Ids of the matching ``entries`` (within the ``window``), most relevant first, one
        page of them."""
        if window is None:
            return [pk for pk, _ in self.scored(entries, query, offset, limit)]
        # Each tier as its own id range, so each reads only its own rows; scores do not depend
        # on the range, so the tiers merge.
        wanted = offset + limit
        rows = self.scored(entries, query, 0, wanted, ids_from=window.newest_from)
        if window.count > window.size:  # naming matches older than the newest ones
            rows += self.scored(
                entries, query, 0, wanted, naming_ids=(window.named_from, window.newest_from)
            )
        rows.sort(key=lambda row: (row[1], row[0]))
        return [pk for pk, _ in rows[offset:wanted]]

    def scored(self, entries, query, offset, limit, ids_from=None, naming_ids=None):
        """(id, score) of the matching ``entries``, lowest score (most relevant) first, from
        ``offset``, at most ``limit``: only ids from ``ids_from`` up, or only those naming the
        query with ids in the range ``naming_ids`` (from, to)."""
        raise NotImplementedError

    def match_ids(self, entries, query):
        """The ids of the matching ``entries``, as one string of comma-separated numbers."""
        raise NotImplementedError

    def facet_source(self):
        """What :func:`archive.search.facets.load` reads: [((kind, section, year),
        "entry_id,entry_id,..."), ...] and "entry_id,tag_id,..." of every tag link."""
        raise NotImplementedError

    def tag_rows(self, tag_ids):
        """(id, slug, name) of the tags ``tag_ids``, in one query however many."""
        raise NotImplementedError

    def matched(self, entries, query):
        """The ids of the matching ``entries`` as a numpy array, read once per search."""
        key = ("matched", str(entries.query), query)
        if key not in self._done:
            self._done[key] = facets.parse_ids(self.match_ids(entries, query))
        return self._done[key]

    def counted(self, entries, query):
        """Facet value and tag counts of the matches (see ``facets``), once per search."""
        key = ("counted", str(entries.query), query)
        if key not in self._done:
            self._done[key] = facets.current(self).count(self.matched(entries, query))
        return self._done[key]

    def facet_counts(self, entries, query):
        """(kind, section, year, count) of the matching ``entries``, one row per combination."""
        values, _ = self.counted(entries, query)
        return [(*value, number) for value, number in values.items()]

    def tag_counts(self, entries, query, limit):
        """(slug, name, count) of the ``limit`` tags most used by the matching ``entries``."""
        _, tags = self.counted(entries, query)
        ranked = sorted(tags.items(), key=lambda item: -item[1])
        if not ranked:
            return []
        # Ties at the cut are ordered by name, so read the names of every tag that could make it.
        least = ranked[min(limit, len(ranked)) - 1][1]
        candidates = {tag_id: number for tag_id, number in ranked if number >= least}
        rows = sorted(
            ((slug, name, candidates[tag_id]) for tag_id, slug, name in self.tag_rows(candidates)),
            key=lambda row: (-row[2], row[1]),
        )
        return rows[:limit]

    def optimize(self):
        """Tidy the index after a full rebuild."""
