"""schema.org JSON-LD and citation data for detail pages, built from the record itself.

Everything here comes from stored fields: what is unknown is left out, never guessed.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from .models import Article, Event, Organization, Person, Place, Quotation
from .registry import PerKind

# The escapes of django.utils.html.json_script: the JSON can never close its <script>.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}
DESCRIPTION_WORDS = 40
BUILDERS = PerKind()


def json_ld_script(data):
    """A <script type="application/ld+json"> element holding ``data`` safely."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(JSON_SCRIPT_ESCAPES)),  # noqa: S308 (escaped just above)
    )


def iso_date(partial_date):
    """A schema.org date ("2016", "2016-09", "2016-09-12") or None when the year is unknown."""
    return str(partial_date) if partial_date and partial_date.year else None


def citation_date(partial_date):
    """The Highwire Press form ("2016/09/12", "2016/09", "2016") or None when unknown."""
    date = iso_date(partial_date)
    return date.replace("-", "/") if date else None


def describe(record):
    """A one-line plain-text description for meta tags: the record's own words first."""
    text = getattr(record, "summary", "") or getattr(record, "description", "")
    if isinstance(record, Quotation):
        text = record.text
    if not text:
        text = f"{record.schema_type} in the archive: {record}."
    return Truncator(" ".join(text.split())).words(DESCRIPTION_WORDS)


def _ref(record, absolute):
    return {
        "@type": record.schema_type,
        "name": record.title if isinstance(record, Article | Event) else record.name,
        "url": absolute(record.get_absolute_url()),
    }


def _compact(data):
    return {key: value for key, value in data.items() if value not in (None, "", [])}


def _base(record, absolute, related):
    # An article's files are its media; any other record's are works about it.
    files = "associatedMedia" if isinstance(record, Article) else "subjectOf"
    return {
        "@context": "https://schema.org",
        "@type": record.schema_type,
        "url": absolute(record.get_absolute_url()),
        "keywords": [tag.name for tag in record.tags.all()],
        files: [_document_ref(document, absolute) for document in related.get("documents", [])],
    }


@BUILDERS.register(Article)
def _article(article, absolute, related):
    mentions = [*related["people"], *related["organizations"], *related["places"]]
    return {
        "headline": Truncator(article.title).chars(110),
        "name": article.title,
        "description": article.summary,
        "articleSection": article.section,
        "datePublished": iso_date(article.publication_date),
        "author": {"name": article.byline} if article.byline else None,
        "publisher": (
            {"@type": "Organization", "name": article.source_name} if article.source_name else None
        ),
        "isBasedOn": article.source_url,
        "about": [_ref(event, absolute) for event in related["events"]],
        "mentions": [_ref(record, absolute) for record in mentions],
    }


@BUILDERS.register(Person)
def _person(person, absolute, related):
    return {
        "name": person.name,
        "alternateName": person.alias_list,
        "jobTitle": person.role_list,
        "description": person.description,
        "affiliation": [_ref(a.organization, absolute) for a in related["affiliations"]],
    }


@BUILDERS.register(Organization)
def _organization(organization, absolute, related):
    return {
        "name": organization.name,
        "alternateName": [name for name in organization.names if name != organization.name],
        "description": organization.description,
    }


@BUILDERS.register(Place)
def _place(place, absolute, related):
    return {
        "name": place.name,
        "alternateName": place.alias_list,
        "description": place.description,
    }


@BUILDERS.register(Event)
def _event(event, absolute, related):
    participants = [*related["people"], *related["organizations"]]
    return {
        "name": event.title,
        "startDate": iso_date(event.date),
        "endDate": iso_date(event.end_date),
        "description": event.description,
        "location": _ref(related["place"], absolute) if related.get("place") else None,
        "attendee": [_ref(record, absolute) for record in participants],
    }


@BUILDERS.register(Quotation)
def _quotation(quotation, absolute, related):
    speakers = [*related["people"], *related["organizations"]]
    return {
        "text": quotation.text,
        "spokenByCharacter": [_ref(speaker, absolute) for speaker in speakers],
        "dateCreated": iso_date(quotation.date),
        "isPartOf": _ref(related["article"], absolute) if related.get("article") else None,
    }


def json_ld(record, absolute, related):
    """The record's schema.org data. ``absolute`` turns a path into a full URL; ``related`` holds
    the published records the page shows, so the data and the page always agree."""
    data = {**_base(record, absolute, related), **BUILDERS[type(record)](record, absolute, related)}
    return _compact(data)


def document_schema_type(document):
    return {
        "image": "ImageObject",
        "audio": "AudioObject",
        "video": "VideoObject",
        "pdf": "DigitalDocument",
    }.get(
        document.kind, "DigitalDocument" if document.media_type != "text/plain" else "MediaObject"
    )


def _document_ref(document, absolute):
    return {
        "@type": document_schema_type(document),
        "name": str(document),
        "url": absolute(document.get_absolute_url()),
        "encodingFormat": document.media_type,
    }


def describe_document(document):
    """A one-line plain-text description of a file for meta tags."""
    text = document.description or f"{document.media_type} file in the archive: {document}."
    return Truncator(" ".join(text.split())).words(DESCRIPTION_WORDS)


def document_json_ld(document, record, absolute):
    """A file's schema.org MediaObject (ImageObject, AudioObject, VideoObject or
    DigitalDocument), from its stored fields; ``record`` is the record it belongs to."""
    widths = document.thumbnail_widths()
    data = {
        "@context": "https://schema.org",
        **_document_ref(document, absolute),
        "description": document.description,
        "contentUrl": absolute(document.get_download_url()),
        "contentSize": f"{document.size} B",
        "sha256": document.sha256,
        "dateCreated": iso_date(document.date),
        "inLanguage": document.language,
        "isBasedOn": document.source
        if document.source.startswith(("http://", "https://"))
        else None,
        "thumbnailUrl": absolute(document.preview_url(widths[-1])) if widths else None,
    }
    if record is not None:
        data["isPartOf" if isinstance(record, Article) else "about"] = _ref(record, absolute)
    return _compact(data)
