"""Sitemaps: the site's main pages and every published record, nothing else.

``/sitemap.xml`` is an index of one sitemap per kind; Django cuts each into files of at most
``limit`` addresses, linked from the index as ``?p=2`` and on. The protocol allows 50,000; a
file of 500 renders in about 50 ms (one of 50,000 took 3 s at 100,000 articles), and an
index may list 50,000 files.
"""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .registry import SHOWN
from .views.pagination import KeysFirstPaginator

LIST_PAGES = [
    "archive:home",
    *(kind.list_url_name for kind in SHOWN),
    "archive:timeline",
    "archive:tag_list",
]


class PagesSitemap(Sitemap):
    def items(self):
        return LIST_PAGES

    def location(self, url_name):
        return reverse(url_name)


class RecordSitemap(Sitemap):
    """The published records of one kind."""

    limit = 500

    def __init__(self, model):
        self.model = model

    def items(self):
        return self.model.objects.published().only("slug", "updated_at")

    @property
    def paginator(self):
        """Files read keys first, in the kind's list order, as the public lists are: a file
        deep in the articles reads the index, not the 75,000 rows before it."""
        return KeysFirstPaginator(self.items(), self.limit)

    def lastmod(self, record):
        return record.updated_at

    def get_latest_lastmod(self):
        """The index's date for this sitemap, from the newest record alone (Django's default
        calls ``lastmod`` on every record: a second at 100,000 articles)."""
        published = self.model.objects.published()
        return published.order_by("-updated_at").values_list("updated_at", flat=True).first()


SITEMAPS = {
    "pages": PagesSitemap,
    **{kind.name: RecordSitemap(kind.model) for kind in SHOWN},
}
