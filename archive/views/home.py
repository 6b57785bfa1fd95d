"""The home page: what is new, what is most tagged, and how much the archive holds."""

from django.shortcuts import render
from django.utils.translation import gettext

from ..models import Article, Event
from ..registry import SHOWN
from ..tagging import most_used_tags
from .meta import PageMeta, canonical_url

LATEST_ARTICLES = 5
RECENT_EVENTS = 5
TOP_TAGS = 15


def home(request):
    articles = Article.objects.published().prefetch_related("tags")[:LATEST_ARTICLES]
    events = (
        Event.objects.published()
        .dated("date")
        .order_by("-date", "title")
        .prefetch_related("tags")
        .with_published("place")[:RECENT_EVENTS]
    )
    counts = [
        {
            "label": kind.verbose_name_plural,
            "url_name": kind.list_url_name,
            "count": kind.model.objects.published().count(),
        }
        for kind in SHOWN
    ]
    return render(
        request,
        "archive/home.html",
        {
            "articles": articles,
            "events": events,
            "tags": most_used_tags(TOP_TAGS),
            "counts": counts,
            "page_meta": PageMeta(
                title=gettext("A public, cross-linked archive"),
                description=gettext(
                    "A public, cross-linked record of articles, people, organisations, places, "
                    "events and quotations."
                ),
                canonical=canonical_url(request),
            ),
        },
    )
