"""What a full-text back end provides to ``archive.search``."""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Count


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
    count: int = 0


class Backend:
    vendor = None

    def prepare(self, entry, document):
        """Fill whatever the back end indexes itself on a new entry before it is written."""

    def matching(self, entries, query):
        """``entries`` narrowed to those matching every term of the parsed ``query``."""
        raise NotImplementedError

    def matching_names(self, entries, query):
        """``entries`` whose name, title, other names, tags or linked records' names match."""
        raise NotImplementedError

    def rank_window(self, entries, query, size):
        """Which matches ranking looks at when more than ``size`` match: a :class:`RankWindow`,
        or None when no more than ``size`` do.

        Those are the ``size`` matches most recently indexed, and the ``size`` most recent of
        those whose names, titles or tags match (so the records a query names come first however
        broad it is). Ranking every match of a word found in half the archive costs several
        times the page's whole time budget; this bounds it.
        """
        raise NotImplementedError

    def ranked_ids(self, entries, query, offset, limit, window=None):
        """Ids of the matching ``entries`` (within the ``window``), most relevant first, one
        page of them."""
        raise NotImplementedError

    def facet_counts(self, entries, query):
        """(kind, section, year, count) of the matching ``entries``, one row per combination."""
        matches = self.matching(entries, query).order_by()
        return list(matches.values_list("kind", "section", "year").annotate(n=Count("id")))

    def tag_counts(self, entries, query, limit):
        """(slug, name, count) of the ``limit`` tags most used by the matching ``entries``."""
        from ..models import SearchEntry

        matches = self.matching(entries, query).order_by().values("id")
        return list(
            SearchEntry.tags.through.objects.filter(searchentry__in=matches)
            .values_list("tag__slug", "tag__name")
            .annotate(n=Count("id"))
            .order_by("-n", "tag__name")[:limit]
        )

    def optimize(self):
        """Tidy the index after a full rebuild."""
