"""The timeline: published events in date order, grouped by year, dates as precise as known."""

import re

from django.http import Http404
from django.shortcuts import render

from ..models import Event
from .meta import PageMeta, canonical_url
from .pagination import paginate
from .params import text_param

TIMELINE_PAGE_SIZE = 100
YEAR = re.compile(r"[0-9]{4}")
NO_YEAR, UNKNOWN = "Year not given", "Date unknown"


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


def timeline(request):
    year = text_param(request.GET.get("year", ""))
    events = Event.objects.published()
    if year:
        if not YEAR.fullmatch(year):
            raise Http404("A year is four digits, such as 2016.")
        events = events.filter(date__startswith=year)
    events = events.chronological().with_published("place", "people", "organizations", "articles")
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
