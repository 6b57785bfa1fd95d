"""The home page: what is new, what is most tagged, and how much the archive holds."""

from django.shortcuts import render

from ..models import Article, Event, Organization, Person, Place, Quotation
from ..tagging import most_used_tags
from .meta import PageMeta, canonical_url

LATEST_ARTICLES = 5
RECENT_EVENTS = 5
TOP_TAGS = 15
COUNTED = [
    (Article, "articles", "archive:article_list"),
    (Person, "people", "archive:person_list"),
    (Organization, "organisations", "archive:organization_list"),
    (Place, "places", "archive:place_list"),
    (Event, "events", "archive:event_list"),
    (Quotation, "quotations", "archive:quotation_list"),
]


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
        {"label": label, "url_name": url_name, "count": model.objects.published().count()}
        for model, label, url_name in COUNTED
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
                title="A public, cross-linked archive",
                description=(
                    "A public, cross-linked record of articles, people, organisations, places, "
                    "events and quotations."
                ),
                canonical=canonical_url(request),
            ),
        },
    )
