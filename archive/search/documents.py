"""What each kind of record contributes to the search index.

A document holds a record's own words (title, names and aliases, text, tags) and the names of
the published records it links to, so "McCain" also finds the quotations John McCain spoke and
"Camp Liberty" the events that happened there. Drafts never contribute: records are read
through ``published()``, linked records too.
"""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch
from taggit.models import TaggedItem

from ..models import Article, Event, Organization, Person, Place, Quotation

INDEXED_MODELS = [Article, Person, Organization, Place, Event, Quotation]
KIND_LABELS = {
    "article": "Article",
    "person": "Person",
    "organization": "Organisation",
    "place": "Place",
    "event": "Event",
    "quotation": "Quotation",
}

# The many-to-many links whose targets' names go into a record's document.
NAMED_LINKS = {
    Article: {"people": Person, "organizations": Organization, "places": Place},
    Event: {"people": Person, "organizations": Organization},
    Quotation: {"people": Person, "organizations": Organization},
}
# Foreign keys whose target's names go into the document.
NAMED_FOREIGN_KEYS = {Event: {"place": Place}}


def kind_of(model):
    return model._meta.model_name


def model_for_kind(kind):
    return {kind_of(model): model for model in INDEXED_MODELS}.get(kind)


@dataclass
class Document:
    title: str
    heading: str = ""
    names: list = field(default_factory=list)
    related: list = field(default_factory=list)
    body: str = ""
    tags: list = field(default_factory=list)
    section: str = ""
    year: int | None = None
    date: str = ""

    @property
    def tag_names(self):
        return " ".join(tag.name for tag in self.tags)


def indexable(model):
    """The published records of ``model`` with what their documents read prefetched (tags
    apart: see :func:`tags_of`)."""
    queryset = model.objects.published()
    for name, target in NAMED_LINKS.get(model, {}).items():
        queryset = queryset.prefetch_related(
            Prefetch(name, queryset=target.objects.published().order_by())
        )
    for name in NAMED_FOREIGN_KEYS.get(model, {}):
        queryset = queryset.select_related(name)
    return queryset.order_by("pk")


def related_names(record):
    names = []
    for name in NAMED_LINKS.get(type(record), {}):
        for linked in getattr(record, name).all():
            names.extend(linked.names)
    for name in NAMED_FOREIGN_KEYS.get(type(record), {}):
        linked = getattr(record, name)
        if linked is not None and linked.is_published:
            names.extend(linked.names)
    return names


def tags_of(model, pks):
    """{pk: [tags]} of ``model``'s records ``pks``, in one query.

    Prefetching ``tags`` does the same in one query too, but builds a taggit queryset per
    record to hold them: a millisecond each, a fifth of an import's time.
    """
    tagged = TaggedItem.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id__in=pks
    ).select_related("tag")
    found = {}
    for item in tagged.order_by("tag__name"):
        found.setdefault(item.object_id, []).append(item.tag)
    return found


def document_for(record, tags):
    builder = BUILDERS[type(record)]
    document = builder(record)
    document.related = related_names(record)
    document.tags = tags
    return document


def _article(article):
    return Document(
        title=article.title,
        heading=article.title,
        names=[name for name in [article.byline, article.source_name] if name],
        body="\n\n".join(text for text in [article.summary, article.body_text] if text),
        section=article.section,
        year=article.publication_date.year,
        date=article.publication_date.display if article.publication_date else "",
    )


def _person(person):
    return Document(
        title=person.name,
        heading=person.name,
        names=[person.sort_name, *person.alias_list],
        body="\n\n".join(filter(None, ["\n".join(person.role_list), person.description])),
    )


def _organization(organization):
    return Document(
        title=str(organization),
        heading=str(organization),  # the name with its acronym, as every page shows it
        names=organization.names[1:],
        body=organization.description,
    )


def _place(place):
    return Document(
        title=place.name, heading=place.name, names=place.alias_list, body=place.description
    )


def _event(event):
    return Document(
        title=event.title,
        heading=event.title,
        body=event.description,
        year=event.date.year,
        date=event.date.display if event.date else "",
    )


def _quotation(quotation):
    # The words themselves are the body; the title is only their first few words.
    return Document(
        title=str(quotation),
        body="\n\n".join(text for text in [quotation.text, quotation.context] if text),
        year=quotation.date.year,
        date=quotation.date.display if quotation.date else "",
    )


BUILDERS = {
    Article: _article,
    Person: _person,
    Organization: _organization,
    Place: _place,
    Event: _event,
    Quotation: _quotation,
}
