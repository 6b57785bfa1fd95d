"""/search/: the results page of the search box on every page."""

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext, gettext_lazy

from ..search.query import search as run_search
from .meta import PageMeta

FACET_TITLES = {
    "kind": gettext_lazy("Kind of record"),
    "section": gettext_lazy("Section"),
    "year": gettext_lazy("Year"),
    "tag": gettext_lazy("Tag"),
}


def search(request):
    params = request.GET
    results = run_search(
        params.get("q", ""),
        kind=params.get("kind"),
        tag=params.get("tag"),
        section=params.get("section"),
        year=params.get("year"),
        page=params.get("page", 1),
    )
    link_to = QueryStrings(request, results)
    facet_groups = [
        (
            FACET_TITLES[name],
            [(facet, link_to.changed(**{name: facet.value})) for facet in values],
        )
        for name, values in results.facets.items()
        if values
    ]
    active_filters = [
        (FACET_TITLES[name], value, link_to.changed(**{name: None}))
        for name, value in results.filters.items()
    ]
    if results.query:
        title = gettext("Search: %(query)s") % {"query": results.query}
    else:
        title = gettext("Search")
    return render(
        request,
        "archive/search.html",
        {
            "results": results,
            "query": results.query,
            "page_obj": results.page,
            "facet_groups": facet_groups,
            "active_filters": active_filters,
            "page_query": link_to.changed() if results.query or results.filters else "",
            "site_name": settings.SITE_NAME,
            "page_meta": PageMeta(title=title, noindex=True),
        },
    )


class QueryStrings:
    """Query strings of this page with some parameters changed, and back to page 1.

    A results page links to every facet value: the parameters are read once, not per link.
    Only what the search used is repeated, as it used it (the query as cut to its maximum
    length): a huge query string would otherwise be copied into every link.
    """

    def __init__(self, request, results):
        self.params = [("q", results.query)] if results.query else []
        self.params += [(name, str(value)) for name, value in results.filters.items()]

    def changed(self, **changes):
        """``changes`` applied (None removes the parameter)."""
        params = [(name, value) for name, value in self.params if name not in changes]
        params.extend((name, value) for name, value in changes.items() if value is not None)
        return f"?{urlencode(params)}"
