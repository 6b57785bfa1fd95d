"""The one search interface: ranked hits with highlighted snippets, facets with counts."""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Paginator

from ..date_display import as_text
from ..models.dates import PartialDate
from .backends import get_backend
from .documents import KIND_LABELS, split_body
from .models import SearchEntry
from .text import SNIPPET_WORDS, highlight, parse_query

TAG_FACET_SIZE = 25
# The columns a snippet may be cut from, in order of preference (after the record's own body
# and its attached files' text, both in ``body``).
SNIPPET_SOURCES = ("names", "related", "tag_names")


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class Hit:
    kind: str
    kind_label: str
    url: str
    title: str
    snippet: str
    date: str
    language: str = ""
    document: str = ""  # the title of the attached file the snippet comes from


@dataclass
class SearchResults:
    query: str
    page: object = None
    total: int = 0
    # How many of the ``total`` matches were ranked: fewer for very broad queries (see
    # ``Backend.rank_window``); pages list only those.
    ranked: int = 0
    facets: dict = field(default_factory=dict)
    filters: dict = field(default_factory=dict)

    @property
    def partly_ranked(self):
        return self.ranked < self.total

    @property
    def hits(self):
        return list(self.page.object_list) if self.page else []


class RankedHits:
    """The matching entries as a sequence the Paginator can count and slice lazily."""

    def __init__(self, backend, query, total, window=None):
        self.backend, self.query, self.total, self.window = backend, query, total, window

    def count(self):
        return self.total

    def __len__(self):
        return self.total

    def __getitem__(self, page_slice):
        offset, stop = page_slice.start or 0, page_slice.stop
        if stop <= offset:
            return []
        ids = self.backend.ranked_ids(self.query, offset, stop - offset, self.window)
        found = SearchEntry.objects.in_bulk(ids)
        return [make_hit(found[pk], self.query) for pk in ids if pk in found]


def make_hit(entry, query):
    body, attached = split_body(entry.body)
    sources = [
        ("", body),
        *((title, text) for title, text in attached),
        *(("", getattr(entry, name)) for name in SNIPPET_SOURCES),
    ]
    snippet = None
    document = ""
    for title, text in sources:
        html, matched = highlight(text, query, max_words=SNIPPET_WORDS)
        if matched:
            snippet, document = html, title
            break
    if snippet is None:
        snippet, _ = highlight(body, query, max_words=SNIPPET_WORDS)
    title, _ = highlight(entry.title, query)
    return Hit(
        kind=entry.kind,
        kind_label=KIND_LABELS.get(entry.kind, entry.kind),
        url=entry.get_absolute_url(),
        title=title,
        snippet=snippet,
        date=shown_date(entry.date),
        language=entry.language or "",
        document=document,
    )


def shown_date(stored):
    """An entry's date in the reader's language. Entries keep the ISO date; those indexed
    before kept it as English text, which is read back (or shown as it is, until
    ``rebuild_search_index`` writes them again)."""
    if not stored:
        return ""
    try:
        return as_text(PartialDate(stored))
    except ValueError:
        return stored


def printable(value, limit):
    """Text without control characters (PostgreSQL refuses NUL), cut to ``limit``."""
    if not isinstance(value, str):
        return ""
    return "".join(c for c in value if c.isprintable()).strip()[:limit]


def clean_filters(kind=None, tag=None, section=None, year=None):
    """The filters that make sense; anything else is dropped rather than failing."""
    filters = {}
    tag, section = printable(tag, 100), printable(section, 200)
    if kind in KIND_LABELS:
        filters["kind"] = kind
    if tag:
        filters["tag"] = tag
    if section:
        filters["section"] = section
    try:
        number = int(year)
    except (TypeError, ValueError):
        number = None
    if number is not None and 1 <= number <= 9999:
        filters["year"] = number
    return filters


def search(query, kind=None, tag=None, section=None, year=None, page=1):
    """Search the published records.

    ``query`` may be anything a person types; ``page`` anything a URL holds. Returns
    :class:`SearchResults`, empty when the query holds no words.
    """
    parsed = parse_query(query)
    filters = clean_filters(kind, tag, section, year)
    results = SearchResults(query=parsed.text, filters=filters)
    if not parsed:
        return results
    backend = get_backend()
    matches = backend.matches(parsed, filters)
    results.facets = facets(backend, matches, filters)
    results.total = matches.total
    window = backend.rank_window(matches, settings.ARCHIVE_SEARCH_RANK_WINDOW)
    results.ranked = results.total if window is None else len(window)
    paginator = Paginator(
        RankedHits(backend, parsed, results.ranked, window), settings.ARCHIVE_PAGE_SIZE
    )
    results.page = paginator.get_page(page)
    return results


def facets(backend, matches, filters):
    """Counts of the matches by kind, section, year and tag (one query, whatever the size)."""
    kinds, sections, years = {}, {}, {}
    for kind, section, year, number in backend.facet_counts(matches):
        kinds[kind] = kinds.get(kind, 0) + number
        if section:
            sections[section] = sections.get(section, 0) + number
        if year is not None:
            years[year] = years.get(year, 0) + number
    tags = backend.tag_counts(matches, TAG_FACET_SIZE)
    return {
        "kind": [
            FacetValue(kind, label, kinds[kind], filters.get("kind") == kind)
            for kind, label in KIND_LABELS.items()
            if kind in kinds
        ],
        "section": [
            FacetValue(section, section, number, filters.get("section") == section)
            for section, number in sorted(sections.items(), key=lambda item: (-item[1], item[0]))
        ],
        "year": [
            FacetValue(str(year), str(year), number, filters.get("year") == year)
            for year, number in sorted(years.items(), reverse=True)
        ],
        "tag": [
            FacetValue(slug, name, number, filters.get("tag") == slug)
            for slug, name, number in tags
        ],
    }
