"""The timeline: published events in date order, grouped by year, dates as precise as known."""

import re

from django.db.models import Case, Count, IntegerField, OuterRef, Prefetch, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import render

from ..models import Article, Event, Organization, Person, Place
from .meta import PageMeta, canonical_url
from .pagination import paginate
from .params import text_param

TIMELINE_PAGE_SIZE = 100
# Articles named under each event; an event in thousands of articles links to all of them.
ARTICLES_PER_EVENT = 3
YEAR = re.compile(r"[0-9]{4}")
NO_YEAR, UNKNOWN = "Year not given", "Date unknown"


def chronological(events):
    """Dated events first (by date), then days without a year, then events with no date."""
    return events.annotate(
        undated=Case(
            When(date="", then=Value(2)),
            When(date__startswith="--", then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    ).order_by("undated", "date", "title", "pk")


def group_by_year(events):
    """[(label, anchor, events)] in the order given."""
    groups = []
    for event in events:
        if event.date.year:
            label = str(event.date.year)
        else:
            label = NO_YEAR if event.date else UNKNOWN
        if not groups or groups[-1][0] != label:
            groups.append((label, "year-" + label.lower().replace(" ", "-"), []))
        groups[-1][2].append(event)
    return groups


def published_article_count():
    """How many published articles are about the event (one subquery in the event query)."""
    links = Article.events.through.objects.filter(
        event_id=OuterRef("pk"), article__in=Article.objects.published()
    )
    counted = links.values("event_id").annotate(count=Count("*")).values("count")
    return Coalesce(Subquery(counted), 0)


def timeline(request):
    year = text_param(request.GET.get("year", ""))
    events = Event.objects.published()
    if year:
        if not YEAR.fullmatch(year):
            raise Http404("A year is four digits, such as 2016.")
        events = events.filter(date__startswith=year)
    events = (
        chronological(events)
        .prefetch_related(
            Prefetch("place", queryset=Place.objects.published()),
            Prefetch("people", queryset=Person.objects.published(), to_attr="public_people"),
            Prefetch(
                "organizations",
                queryset=Organization.objects.published(),
                to_attr="public_organizations",
            ),
            Prefetch(
                "articles",
                queryset=Article.objects.published()[:ARTICLES_PER_EVENT],
                to_attr="public_articles",
            ),
        )
        .annotate(article_count=published_article_count())
    )
    page = paginate(request, events, TIMELINE_PAGE_SIZE)
    years = Event.objects.published().years("date")
    heading = f"Timeline: {year}" if year else "Timeline"
    return render(
        request,
        "archive/timeline.html",
        {
            "page_obj": page,
            "groups": group_by_year(page.object_list),
            "years": years,
            "year": year,
            "heading": heading,
            "page_meta": PageMeta(
                title=heading if page.number == 1 else f"{heading}, page {page.number}",
                description="Events in the archive in date order, grouped by year.",
                canonical=canonical_url(request, page, {"year": year}),
            ),
        },
    )
