"""Detail pages: one record, every published record it touches, and its machine-readable data.

Each page costs the same few queries whatever the number of links: every related list is a
prefetch of the related model's ``published()`` records (``RecordQuerySet.with_published``),
so a draft never shows up in a published page. Lists that grow with the archive (a person named
in thousands of articles) show their first page and link to the whole list, filtered by this
record, with its count. Staff may open a draft to preview it; it is marked and kept out of
caches and search engines.
"""

from urllib.parse import urlencode

from django.db.models import Prefetch
from django.http import Http404
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.generic import DetailView

from .. import structured_data
from ..accounts.two_factor import may_preview_drafts
from ..models import Affiliation, Article, Document, Event, Organization, Person, Place, Quotation
from ..rendering import render_body
from .meta import PageMeta, canonical_url
from .pagination import page_size


def first_page(records):
    """The first page of a related list that grows with the archive."""
    return records[: page_size()]


class RecordDetail(DetailView):
    """A published record by slug; an unknown slug or a draft is a 404 for the public."""

    kind = ""  # the record type as a reader says it, e.g. "person"
    # Related lists shown a page at a time: name -> (list URL name, its query parameter).
    paged_lists = {}

    def with_related(self, records):
        """``records`` with the published records the page shows prefetched."""
        return records

    def paged(self, record):
        """{name: published records} of each list in ``paged_lists``, in the list's order:
        read apart from the record, so a busy record's first page stops early instead of
        sorting every link (``RecordQuerySet.linked_to``)."""
        return {}

    def related(self, record):
        """The published records the page shows, by name (also used for the JSON-LD): each
        list prefetched into ``public_<name>`` is shown as ``<name>``, in prefetch order, and
        the first page of each paged list."""
        return {
            **{
                name.removeprefix("public_"): value
                for name, value in vars(record).items()
                if name.startswith("public_")
            },
            **{name: list(first_page(records)) for name, records in self.paged(record).items()},
        }

    def more(self, record, related):
        """{name: {"total", "url"}} for each paged list that has more than the page shows."""
        found = {}
        for name, (list_url_name, parameter) in self.paged_lists.items():
            total = getattr(record, name).published().count()
            if total > len(related[name]):
                query = urlencode({parameter: record.slug})
                found[name] = {"total": total, "url": f"{reverse(list_url_name)}?{query}"}
        return found

    def og_type(self, record):
        return "website"

    def og_extra(self, record):
        return []

    def citation(self, record, url):
        return []

    def get_queryset(self):
        if may_preview_drafts(self.request.user):
            records = self.model.objects.all()
        else:
            records = self.model.objects.published()
        documents = Prefetch(
            "documents", queryset=Document.objects.published(), to_attr="public_documents"
        )
        return self.with_related(records.prefetch_related("tags", documents))

    def get_object(self, queryset=None):
        slug = self.kwargs["slug"]
        try:
            return self.get_queryset().get(slug=slug)
        except self.model.DoesNotExist:
            raise Http404(f"The archive has no {self.kind} at the address “{slug}”.") from None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record = self.object
        related = self.related(record)
        url = canonical_url(self.request)
        absolute = self.request.build_absolute_uri
        context.update(
            related=related,
            more=self.more(record, related),
            kind=self.kind,
            is_draft=not record.is_published,
            page_meta=PageMeta(
                title=f"{record} – {self.kind.capitalize()}",
                description=structured_data.describe(record),
                canonical=url,
                og_type=self.og_type(record),
                og_extra=self.og_extra(record),
                json_ld=structured_data.json_ld_script(
                    structured_data.json_ld(record, absolute, related)
                ),
                citation=self.citation(record, url),
                noindex=not record.is_published,
            ),
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context["is_draft"]:
            patch_cache_control(response, private=True, no_store=True)
            response["X-Robots-Tag"] = "noindex"
        return response


class ArticleDetail(RecordDetail):
    model = Article
    kind = "article"

    def with_related(self, articles):
        return articles.with_published("people", "organizations", "places").prefetch_related(
            Prefetch(
                "events",
                queryset=Event.objects.published().chronological(),
                to_attr="public_events",
            ),
            Prefetch(
                "quotations",
                queryset=Quotation.objects.published()
                .prefetch_related("tags")
                .with_published("people", "organizations"),
                to_attr="public_quotations",
            ),
        )

    def related(self, article):
        named = [*article.public_people, *article.public_organizations, *article.public_places]
        return {
            **super().related(article),
            "articles": list(article.related_articles()),
            "body": render_body(article, named),
        }

    def og_type(self, article):
        return "article"

    def og_extra(self, article):
        extra = [("article:section", article.section)] if article.section else []
        date = structured_data.iso_date(article.publication_date)
        if date:
            extra.append(("article:published_time", date))
        return extra + [("article:tag", tag.name) for tag in article.tags.all()]

    def citation(self, article, url):
        tags = [
            ("citation_title", article.title),
            ("citation_author", article.byline),
            ("citation_date", structured_data.citation_date(article.publication_date)),
            ("citation_publisher", article.source_name),
            ("citation_public_url", url),
            ("citation_keywords", "; ".join(tag.name for tag in article.tags.all())),
        ]
        return [(name, content) for name, content in tags if content]


def with_actor_affiliations(records, partner):
    """A person's or an organisation's published affiliations (``partner`` is the other side,
    "organization" or "person")."""
    partner_model = Affiliation._meta.get_field(partner).related_model
    return records.prefetch_related(
        Prefetch(
            "affiliations",
            queryset=Affiliation.objects.filter(
                **{f"{partner}__in": partner_model.objects.published()}
            ).select_related(partner),
            to_attr="public_affiliations",
        )
    )


def actor_paged(field_name, actor):
    """The articles, events and quotations that name a person or an organisation (each
    quotation with its published speakers and source article)."""
    quotations = (
        Quotation.objects.published()
        .prefetch_related("tags")
        .with_published("people", "organizations", "article")
    )
    return {
        "articles": Article.objects.published().linked_to(field_name, actor),
        "events": Event.objects.published().linked_to(field_name, actor).chronological(),
        "quotations": quotations.linked_to(field_name, actor),
    }


def actor_lists(parameter):
    return {
        "articles": ("archive:article_list", parameter),
        "events": ("archive:event_list", parameter),
        "quotations": ("archive:quotation_list", parameter),
    }


class PersonDetail(RecordDetail):
    model = Person
    kind = "person"
    paged_lists = actor_lists("person")

    def with_related(self, people):
        return with_actor_affiliations(people, "organization")

    def paged(self, person):
        return actor_paged("people", person)

    def og_type(self, person):
        return "profile"


class OrganizationDetail(RecordDetail):
    model = Organization
    kind = "organisation"
    paged_lists = actor_lists("organisation")

    def with_related(self, organizations):
        return with_actor_affiliations(organizations, "person")

    def paged(self, organization):
        return actor_paged("organizations", organization)


class PlaceDetail(RecordDetail):
    model = Place
    kind = "place"
    paged_lists = {
        "articles": ("archive:article_list", "place"),
        "events": ("archive:event_list", "place"),
    }

    def paged(self, place):
        return {
            "articles": Article.objects.published().linked_to("places", place),
            "events": Event.objects.published().filter(place=place).chronological(),
        }


class EventDetail(RecordDetail):
    model = Event
    kind = "event"
    paged_lists = {"articles": ("archive:article_list", "event")}

    def with_related(self, events):
        # A draft place is left out: the prefetch sets ``event.place`` to None.
        return events.with_published("place", "people", "organizations")

    def paged(self, event):
        return {"articles": Article.objects.published().linked_to("events", event)}

    def related(self, event):
        return {"place": event.place, **super().related(event)}


class QuotationDetail(RecordDetail):
    model = Quotation
    kind = "quotation"

    def with_related(self, quotations):
        return quotations.with_published("people", "organizations", "article")

    def related(self, quotation):
        return {**super().related(quotation), "article": quotation.article}
