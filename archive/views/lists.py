"""Paginated lists of published records, narrowed by tag (and articles by section and year)."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy
from django.views.generic import ListView

from ..models import Article, Event, Organization, Person, Place, Quotation
from ..tagging import public_tag_or_404, uses_by_kind
from .meta import PageMeta, canonical_url, page_title
from .pagination import page_size, paginate
from .params import text_param
from .timeline import YEAR

# How a list's heading says what it is narrowed to: "Articles that mention Smith".
MENTIONING = gettext_lazy("%(list)s that mention %(record)s")
WITH = gettext_lazy("%(list)s with %(record)s")
BY = gettext_lazy("%(list)s by %(record)s")


class RecordList(ListView):
    """Published records of one model, a capped page at a time."""

    template_name = "archive/record_list.html"
    intro = ""
    filter_names = ("tag",)
    # Narrowing by a linked record: query parameter -> (field, model, how the heading says it,
    # "%(list)s that mention %(record)s").
    link_filters = {}

    @property
    def title(self):
        return capfirst(self.model._meta.verbose_name_plural)

    def with_related(self, records):
        """``records`` with the published records their cards show prefetched."""
        return records

    def get_paginate_by(self, queryset):
        return page_size()

    def paginate_queryset(self, queryset, per_page):
        page = paginate(self.request, queryset, per_page, count=self.count())
        return page.paginator, page, page.object_list, page.has_other_pages()

    def count(self):
        """The list's length, when it is narrowed by links: the kept count of a tag alone,
        else a count over the links (a join), which is cheaper than counting the page's own
        plan (it tests every published record for a link to a busy one)."""
        if self.tag and not any(value for name, value in self.filters.items() if name != "tag"):
            return self.tag_uses
        if self.tag or self.linked:
            return self.counted.count()
        return None

    def get_filters(self):
        names = [*self.filter_names, *self.link_filters]
        return {name: text_param(self.request.GET.get(name, "")) for name in names}

    def narrow(self, records, filters):
        """``records`` narrowed by the filters; ``self.counted`` narrowed alike, with joins."""
        if filters["tag"]:
            self.tag = public_tag_or_404(filters["tag"])
            self.tag_uses = uses_by_kind(self.tag).get(self.model, 0)
            records = records.linked_to("tags", self.tag, links_known=self.tag_uses)
            self.counted = self.counted.filter(tags=self.tag)
        for parameter, (field, model, phrase) in self.link_filters.items():
            if filters[parameter]:
                linked = get_object_or_404(model.objects.published(), slug=filters[parameter])
                self.linked.append((phrase, linked))
                if self.model._meta.get_field(field).many_to_many:
                    records = records.linked_to(field, linked)
                else:
                    records = records.filter(**{field: linked})
                self.counted = self.counted.filter(**{field: linked})
        return records

    def get_queryset(self):
        self.tag = None
        self.linked = []
        self.counted = self.model.objects.published()
        self.filters = self.get_filters()
        records = self.with_related(self.model.objects.published().prefetch_related("tags"))
        return self.narrow(records, self.filters)

    def heading(self):
        heading = str(self.title)
        if self.tag:
            heading = gettext("%(list)s tagged “%(tag)s”") % {"list": heading, "tag": self.tag.name}
        for phrase, linked in self.linked:
            heading = phrase % {"list": heading, "record": linked}
        return heading

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        heading = self.heading()
        page = context["page_obj"]
        title = page_title(heading, page)
        context.update(
            card_template=f"archive/cards/{self.model._meta.model_name}.html",
            heading=heading,
            intro=self.intro,
            tag=self.tag,
            narrowed=bool(self.tag or self.linked),
            filters=self.filters,
            page_meta=PageMeta(
                title=title,
                description=self.intro,
                canonical=canonical_url(self.request, page, self.filters),
            ),
        )
        return context


class ArticleList(RecordList):
    model = Article
    template_name = "archive/article_list.html"
    intro = gettext_lazy(
        "Articles kept in the archive, newest first; those with no known date come last."
    )
    filter_names = ("tag", "section", "year")
    link_filters = {
        "person": ("people", Person, MENTIONING),
        "organisation": ("organizations", Organization, MENTIONING),
        "place": ("places", Place, MENTIONING),
        "event": ("events", Event, gettext_lazy("%(list)s about %(record)s")),
    }

    def narrow(self, records, filters):
        records = super().narrow(records, filters)
        narrowed = {}
        if filters["section"]:
            narrowed["section"] = filters["section"]
        if filters["year"]:
            if not YEAR.fullmatch(filters["year"]):
                raise Http404(gettext("A year is four digits, such as 2016."))
            narrowed["publication_date__startswith"] = filters["year"]
        self.counted = self.counted.filter(**narrowed)
        return records.filter(**narrowed)

    def heading(self):
        heading = super().heading()
        if self.filters["section"]:
            heading = gettext("%(list)s in “%(section)s”") % {
                "list": heading,
                "section": self.filters["section"],
            }
        if self.filters["year"]:
            heading = gettext("%(list)s from %(year)s") % {
                "list": heading,
                "year": self.filters["year"],
            }
        return heading

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        articles = Article.objects.published()
        context["sections"] = (
            articles.exclude(section="").order_by("section").values_list("section", flat=True)
        ).distinct()
        context["years"] = articles.years("publication_date", descending=True)
        return context


class PersonList(RecordList):
    model = Person
    intro = gettext_lazy("People named in the archive, by surname as the sources give it.")


class OrganizationList(RecordList):
    model = Organization
    intro = gettext_lazy("Governments, groups, committees and other bodies named in the archive.")


class PlaceList(RecordList):
    model = Place
    intro = gettext_lazy("Places named in the archive.")


class EventList(RecordList):
    model = Event
    intro = gettext_lazy("Events recorded in the archive, by date; see also the timeline.")
    link_filters = {
        "person": ("people", Person, WITH),
        "organisation": ("organizations", Organization, WITH),
        "place": ("place", Place, gettext_lazy("%(list)s at %(record)s")),
    }

    def with_related(self, events):
        return events.with_published("place")

    def get_queryset(self):
        return super().get_queryset().chronological()


class QuotationList(RecordList):
    model = Quotation
    intro = gettext_lazy("Words quoted in the archive's articles, with who said them.")
    link_filters = {
        "person": ("people", Person, BY),
        "organisation": ("organizations", Organization, BY),
    }

    def with_related(self, quotations):
        return quotations.with_published("people", "organizations")
