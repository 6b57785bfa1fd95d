"""What a full-text back end provides to ``archive.search``."""

from dataclasses import dataclass

import numpy as np
from django.db import connection
from taggit.models import Tag

from .. import facets


def fetch(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@dataclass(frozen=True, eq=False)
class Matches:
    """What one search matched: the ids of the matching entries (filters applied) and their
    facet counts, each read once."""

    query: object
    filters: dict
    ids: np.ndarray
    values: dict  # {(kind, section, year): count}
    tags: dict  # {tag id: count}
    data: facets.FacetData  # what they were counted with

    @property
    def total(self):
        return sum(self.values.values())


class Backend:
    vendor = None

    def prepare(self, entry, document):
        """Fill whatever the back end indexes itself on a new entry before it is written."""

    def matches(self, query, filters):
        """The :class:`Matches` of ``query`` among the entries passing ``filters``.

        The full-text match is read unfiltered, as one string of ids, and filtered and counted
        in memory (``facets``): its cost follows the number of matches, whatever the filters.
        """
        data = facets.current(self)
        ids = self.matching(query, data)
        if filters:
            tag_id = None
            if "tag" in filters:
                tag_id = Tag.objects.filter(slug=filters["tag"]).values_list("id", flat=True)
                tag_id = next(iter(tag_id), 0)  # 0: no such tag, so nothing passes
            ids = data.select(
                ids,
                kind=filters.get("kind"),
                section=filters.get("section"),
                year=filters.get("year"),
                tag_id=tag_id,
            )
        values, tags = data.count(ids)
        return Matches(query, filters, ids, values, tags, data)

    def matching(self, query, data):
        """The ids of every entry matching ``query``, as an array (``data``: the facet data
        of this search, which knows every entry's id)."""
        return facets.parse_ids(self.match_ids(query))

    def naming(self, query, data, limit=None):
        """The ids of the entries naming ``query``, as an array (see ``naming_ids``)."""
        return facets.parse_ids(self.naming_ids(query, limit))

    def rank_window(self, matches, size):
        """The ids of the matches ranking looks at, in order, or None for every match (when no
        more than ``size`` match and no filter applies).

        When more than ``size`` match: the ``size`` matches most recently indexed, and the
        ``size`` most recent of those whose names, titles or tags match (so the records a query
        names come first however broad it is). Ranking every match of a word found in half the
        archive costs several times the page's whole time budget; this bounds it.
        """
        ids = matches.ids
        if len(ids) <= size:
            # Sorted: the back ends bound their reads by the first and last id.
            return np.sort(ids) if matches.filters else None
        newest = np.partition(ids, len(ids) - size)[len(ids) - size :]
        filters = matches.filters
        # Unfiltered, the back end reads only the ``size`` newest naming matches; filtered, it
        # reads them all and the filters pick.
        naming = self.naming(matches.query, matches.data, None if filters else size)
        if filters:
            naming = np.intersect1d(naming, ids, assume_unique=True)
        if len(naming) > size:
            naming = np.partition(naming, len(naming) - size)[len(naming) - size :]
        return np.union1d(newest, naming)

    def naming_ids(self, query, limit=None):
        """The ids of the entries naming ``query`` (in a name, title, other names, tags or
        linked records' names), as one string of comma-separated numbers: when a limit is
        given, at least the ``limit`` newest (or all of them)."""
        raise NotImplementedError

    def ranked_ids(self, query, offset, limit, window=None):
        """Ids of the matching entries (only those in ``window``, a sorted array of ids, when
        one is given), most relevant first, one page of them."""
        raise NotImplementedError

    def match_ids(self, query):
        """The ids of every entry matching ``query``, as one string of comma-separated numbers."""
        raise NotImplementedError

    def facet_source(self):
        """What :func:`archive.search.facets.load` reads: [((kind, section, year),
        "entry_id,entry_id,..."), ...] and "entry_id,tag_id,..." of every tag link."""
        raise NotImplementedError

    def tag_rows(self, tag_ids):
        """(id, slug, name) of the tags ``tag_ids``, in one query however many."""
        raise NotImplementedError

    def facet_counts(self, matches):
        """(kind, section, year, count) of the matches, one row per combination."""
        return [(*value, number) for value, number in matches.values.items()]

    def tag_counts(self, matches, limit):
        """(slug, name, count) of the ``limit`` tags most used by the matches."""
        ranked = sorted(matches.tags.items(), key=lambda item: -item[1])
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

    def settle(self):
        """Tidy the index after entries were written (in the writing transaction)."""

    def optimize(self):
        """Tidy the index after a full rebuild."""
