"""The timeline: published events in date order, grouped by year, dates as precise as known."""

import re
from collections import defaultdict

from django.db.models import Count
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext, gettext_lazy

from ..models import Article, Event, Organization, Person
from .meta import PageMeta, canonical_url, page_title
from .pagination import paginate
from .params import text_param

TIMELINE_PAGE_SIZE = 50
# An event in at most this many articles names them; one in more links to their list.
ARTICLES_PER_EVENT = 3
YEAR = re.compile(r"[0-9]{4}")
# The groups of events without a year, and their anchors (the same in every language).
NO_YEAR, UNKNOWN = gettext_lazy("Year not given"), gettext_lazy("Date unknown")
NO_YEAR_ANCHOR, UNKNOWN_ANCHOR = "year-year-not-given", "year-date-unknown"


def group_by_year(events):
    """[(label, anchor, events)] in the order given."""
    groups = []
    for event in events:
        if event.date.year:
            label = str(event.date.year)
            anchor = f"year-{label}"
        else:
            label, anchor = (
                (str(NO_YEAR), NO_YEAR_ANCHOR) if event.date else (str(UNKNOWN), UNKNOWN_ANCHOR)
            )
        if not groups or groups[-1][0] != label:
            groups.append((label, anchor, []))
        groups[-1][2].append(event)
    return groups


def linked(events, relation, model, event_ids=None):
    """{event pk: [published ``model`` records]} through Event's many-to-many ``relation``, in
    the model's order: two queries, the links of these events and then the published records
    by primary key. (A join of the records and the links makes SQLite walk every published
    record of the model, for every event of the page.)"""
    through = getattr(Event, relation).through
    column = f"{model._meta.model_name}_id"
    event_ids = [event.pk for event in events] if event_ids is None else event_ids
    pairs = list(through.objects.filter(event_id__in=event_ids).values_list("event_id", column))
    records = model.objects.published().in_bulk([pk for _, pk in pairs])
    found = defaultdict(list)
    for event, pk in pairs:
        if pk in records:
            found[event].append(records[pk])
    for listed in found.values():
        for name in reversed(model._meta.ordering):  # stable sorts, the last key first
            field = name.removeprefix("-")
            listed.sort(key=lambda r, f=field: str(getattr(r, f)), reverse=name.startswith("-"))
    return found


def attach_links(events):
    """Give each event its published ``public_people``, ``public_organizations``,
    ``article_count`` and ``public_articles``: its articles when there are few, none when
    there are many (the page links to their list instead). A constant number of queries."""
    counts = dict(
        Article.objects.published()
        .filter(events__in=events)
        .order_by()
        .values_list("events")
        .annotate(Count("pk"))
    )
    few = [pk for pk, count in counts.items() if count <= ARTICLES_PER_EVENT]
    people = linked(events, "people", Person)
    organizations = linked(events, "organizations", Organization)
    articles = linked(events, "articles", Article, event_ids=few)
    for event in events:
        event.public_people = people[event.pk]
        event.public_organizations = organizations[event.pk]
        event.article_count = counts.get(event.pk, 0)
        event.public_articles = articles[event.pk]
    return events


def timeline(request):
    year = text_param(request.GET.get("year", ""))
    events = Event.objects.published()
    if year:
        if not YEAR.fullmatch(year):
            raise Http404(gettext("A year is four digits, such as 2016."))
        events = events.filter(date__startswith=year)
    # A draft place is left out: the prefetch sets ``event.place`` to None.
    events = events.chronological().with_published("place")
    page = paginate(request, events, TIMELINE_PAGE_SIZE)
    years = Event.objects.published().years("date")
    heading = gettext("Timeline: %(year)s") % {"year": year} if year else gettext("Timeline")
    return render(
        request,
        "archive/timeline.html",
        {
            "page_obj": page,
            "groups": group_by_year(attach_links(list(page.object_list))),
            "years": years,
            "year": year,
            "heading": heading,
            "page_meta": PageMeta(
                title=page_title(heading, page),
                description=gettext("Events in the archive in date order, grouped by year."),
                canonical=canonical_url(request, page, {"year": year}),
            ),
        },
    )
