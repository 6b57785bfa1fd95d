"""What a full-text back end provides to ``archive.search``."""

from django.db.models import Count


class Backend:
    vendor = None

    def prepare(self, entry, document):
        """Fill whatever the back end indexes itself on a new entry before it is written."""

    def matching(self, entries, query):
        """``entries`` narrowed to those matching every term of the parsed ``query``."""
        raise NotImplementedError

    def ranked_ids(self, entries, query, offset, limit):
        """Ids of the matching ``entries``, most relevant first, one page of them."""
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
