"""What each kind of record contributes to the search index.

A document holds a record's own words (title, names and aliases, text, tags) and the names of
the published records it links to, so "McCain" also finds the quotations John McCain spoke and
"Camp Liberty" the events that happened there. Drafts never contribute: records are read
through ``published()``, linked records too.

The text of a record's published files (``archive.models.Document``: a PDF's words, a text
file) is indexed with the record, at the end of its body, each file's part starting with
``ATTACHED`` and the file's title on a line of its own, so a result can say which file the
words were found in (``split_body``).
"""

from dataclasses import dataclass, field
from functools import cache

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch
from taggit.models import TaggedItem

from ..models import Article, Event, Organization, Person, Place, Quotation
from ..models import Document as AttachedFile
from ..models.base import Status
from ..registry import BY_MODEL, SHOWN, PerKind

INDEXED_MODELS = [kind.model for kind in SHOWN]
KIND_LABELS = {kind.name: kind.label for kind in SHOWN}


def _named(links):
    """{model: {field: target}} of the links whose targets lend their names (see the registry's
    ``lends_names``), for the kinds that have any."""
    named = {
        kind.model: {
            name: target for name, target in links(kind).items() if BY_MODEL[target].lends_names
        }
        for kind in SHOWN
    }
    return {model: fields for model, fields in named.items() if fields}


# The many-to-many links whose targets' names go into a record's document.
NAMED_LINKS = _named(lambda kind: kind.links)
# Foreign keys whose target's names go into the document.
NAMED_FOREIGN_KEYS = _named(lambda kind: kind.foreign_keys)
BUILDERS = PerKind()
# Starts the part of a body that is an attached file's text (the ASCII record separator: no
# word character, so neither back end indexes it, and stripped from the texts themselves).
ATTACHED = "\x1e"


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
    language: str = ""
    attached: list = field(default_factory=list)  # (title, text) of published files

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


def attached_of(model, pks):
    """{pk: [(title, text)]} of the published files of ``model``'s records ``pks``, in one
    query (the records themselves are known to be published)."""
    documents = AttachedFile.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        object_id__in=pks,
        status=Status.PUBLISHED,
    ).order_by("object_id", *AttachedFile._meta.ordering)
    found = {}
    limit = settings.ARCHIVE_SEARCH_DOCUMENT_CHARS
    for object_id, title, original_name, description, text in documents.values_list(
        "object_id", "title", "original_name", "description", "text"
    ):
        words = "\n\n".join(part for part in [description, text[:limit]] if part)
        found.setdefault(object_id, []).append((title or original_name, words))
    return found


def with_attached(body, attached):
    """The body with the attached files' parts after it (see the module's docstring)."""
    parts = [body.replace(ATTACHED, " ")]
    for title, text in attached:
        title = " ".join(title.replace(ATTACHED, " ").split())
        parts.append(f"{ATTACHED}{title}\n{text.replace(ATTACHED, ' ')}")
    return "\n\n".join(parts)


def split_body(body):
    """(the record's own body, [(file title, its text)]) of an indexed body."""
    own, *attached = body.split(ATTACHED)
    files = []
    for part in attached:
        title, _, text = part.partition("\n")
        files.append((title, text))
    return own.rstrip(), files


def document_for(record, tags, attached=()):
    builder = BUILDERS[type(record)]
    document = builder(record)
    document.related = related_names(record)
    document.tags = tags
    document.attached = list(attached)
    return document


def document_from_memory(record, links, tags, names, attached=()):
    """The document of a record just written, from what the writer holds: ``links``
    ({field: pks}), ``tags`` (``Tag``s) and ``names`` ({(model, pk): names} of the published
    records linked to; a draft is not in it)."""
    _as_loaded(record)
    document = BUILDERS[type(record)](record)
    related = []
    for name, target in NAMED_LINKS.get(type(record), {}).items():
        for pk in links.get(name, ()):
            related.extend(names.get((target, pk), ()))
    for name, target in NAMED_FOREIGN_KEYS.get(type(record), {}).items():
        related.extend(names.get((target, getattr(record, f"{name}_id")), ()))
    document.related = related
    document.tags = sorted(tags, key=lambda tag: tag.name)  # as tags_of orders them
    document.attached = list(attached)
    return document


def _as_loaded(record):
    """Give a record's fields the types they have when read from the database (a partial
    date left blank is still the plain "" it was given)."""
    for model_field in _converted_fields(type(record)):
        value = model_field.get_prep_value(getattr(record, model_field.attname))
        setattr(record, model_field.attname, model_field.from_db_value(value, None, None))


@cache
def _converted_fields(model):
    return [f for f in model._meta.concrete_fields if hasattr(f, "from_db_value")]


@BUILDERS.register(Article)
def _article(article):
    return Document(
        title=article.title,
        heading=article.title,
        names=[name for name in [article.byline, article.source_name] if name],
        body="\n\n".join(text for text in [article.summary, article.body_text] if text),
        section=article.section,
        year=article.publication_date.year,
        date=str(article.publication_date),  # ISO; shown in the reader's language
        language=article.language,
    )


@BUILDERS.register(Person)
def _person(person):
    return Document(
        title=person.name,
        heading=person.name,
        names=[person.sort_name, *person.alias_list],
        body="\n\n".join(filter(None, ["\n".join(person.role_list), person.description])),
    )


@BUILDERS.register(Organization)
def _organization(organization):
    return Document(
        title=str(organization),
        heading=str(organization),  # the name with its acronym, as every page shows it
        names=organization.names[1:],
        body=organization.description,
    )


@BUILDERS.register(Place)
def _place(place):
    return Document(
        title=place.name, heading=place.name, names=place.alias_list, body=place.description
    )


@BUILDERS.register(Event)
def _event(event):
    return Document(
        title=event.title,
        heading=event.title,
        body=event.description,
        year=event.date.year,
        date=str(event.date),  # ISO; shown in the reader's language
    )


@BUILDERS.register(Quotation)
def _quotation(quotation):
    # The words themselves are the body; the title is only their first few words.
    return Document(
        title=str(quotation),
        body="\n\n".join(text for text in [quotation.text, quotation.context] if text),
        year=quotation.date.year,
        date=str(quotation.date),  # ISO; shown in the reader's language
        language=quotation.language,
    )
