"""Sitemaps: the site's main pages and every published record, nothing else.

``/sitemap.xml`` is an index of one sitemap per kind; Django cuts each into files of at most
``limit`` addresses (the protocol's maximum, 50,000), linked from the index as ``?p=2`` and on.
"""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .registry import SHOWN

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

    limit = 50_000

    def __init__(self, model):
        self.model = model

    def items(self):
        return self.model.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, record):
        return record.updated_at


SITEMAPS = {
    "pages": PagesSitemap,
    **{kind.name: RecordSitemap(kind.model) for kind in SHOWN},
}
