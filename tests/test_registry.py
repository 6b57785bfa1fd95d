"""Every part of the site that covers all kinds of record reads them from ``archive.registry``.

Each test walks the registry and checks that one consumer (navigation, home counts, tag pages,
lists, sitemaps, search, JSON-LD, imports and exports, the 404 page) covers exactly its kinds, in
its order, with its labels and URL names: a kind added to the registry and missing from any of
them, or a consumer with a kind table of its own that drifts, fails here.
"""

import io
import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from taggit.models import Tag

from archive import structured_data
from archive.importers.csvfiles import CSV_KINDS
from archive.models import Article, Event, Organization, Person, Place, Quotation
from archive.registry import BY_MODEL, BY_PLURAL, KINDS, LINK_ORDER, SHOWN
from archive.search import documents

from .fixtures.importing import assert_import_fails, write
from .public_helpers import parse, publish, sitemap_files

WORD = "zyzzyva"


@pytest.fixture
def one_of_each(db):
    """A published record of every kind, each carrying the tag and the word ``WORD``."""
    tag = Tag.objects.create(name="everywhere", slug="everywhere")
    records = {}
    for kind in SHOWN:
        record = publish(kind.model, **{kind.model.slug_source: f"{WORD.title()} {kind.name}"})
        record.tags.add(tag)
        records[kind.name] = record
    return records


def list_paths():
    return [reverse(kind.list_url_name) for kind in SHOWN]


def links_in_order(response, paths):
    """The links of the page that go to one of ``paths``, in page order, with their text."""
    wanted = set(paths)
    return [
        (href, " ".join(re.sub(r"<[^>]+>", " ", text).split()))
        for href, text in re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', response.content.decode())
        if href in wanted
    ]


def test_the_registry_lists_six_kinds_derived_from_their_models():
    assert list(KINDS) == ["organization", "place", "person", "event", "article", "quotation"]
    assert [kind.model for kind in SHOWN] == [
        Article,
        Person,
        Organization,
        Place,
        Event,
        Quotation,
    ]
    assert [kind.label_plural for kind in SHOWN] == [
        "Articles",
        "People",
        "Organisations",
        "Places",
        "Events",
        "Quotations",
    ]
    assert BY_MODEL[Organization].label == "Organisation"
    assert list(BY_PLURAL) == [kind.plural for kind in LINK_ORDER]
    assert BY_MODEL[Event].links == {"people": Person, "organizations": Organization}
    assert BY_MODEL[Event].foreign_keys == {"place": Place}
    assert BY_MODEL[Person].link_rows == ("affiliations",)


def test_imports_write_every_kind_after_the_kinds_it_links_to():
    assert sorted(LINK_ORDER, key=SHOWN.index) == SHOWN
    for position, kind in enumerate(LINK_ORDER):
        assert kind.depends_on <= set(LINK_ORDER[:position]), kind.name


def test_navigation_and_home_counts_list_every_kind(client, one_of_each):
    response = client.get("/")
    nav_and_counts = links_in_order(response, list_paths())
    expected = [(reverse(kind.list_url_name), kind.label_plural) for kind in SHOWN]
    assert nav_and_counts[: len(SHOWN)] == expected  # the navigation
    counts = [(href, text.split(" ", 1)) for href, text in nav_and_counts[len(SHOWN) :]]
    assert counts[: len(SHOWN)] == [
        (reverse(kind.list_url_name), ["1", kind.verbose_name_plural]) for kind in SHOWN
    ]


def test_every_list_page_is_titled_with_its_kinds_label(client, one_of_each):
    for kind in SHOWN:
        page = parse(client.get(reverse(kind.list_url_name)))
        assert (1, kind.label_plural) in page.headings


def test_the_tag_page_has_a_section_per_kind(client, one_of_each):
    headings = [text for level, text in parse(client.get("/tags/everywhere/")).headings]
    assert headings[1:] == [f"{kind.label_plural} (1)" for kind in SHOWN]


def test_the_not_found_page_offers_every_list(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = links_in_order(response, list_paths())[len(SHOWN) :]
    assert body == [(reverse(kind.list_url_name), kind.verbose_name_plural) for kind in SHOWN]


def test_the_sitemap_index_has_a_file_per_kind(client, one_of_each):
    files = sitemap_files(client)
    assert list(files) == ["/sitemap-pages.xml", *(f"/sitemap-{k.name}.xml" for k in SHOWN)]
    for kind in SHOWN:
        assert one_of_each[kind.name].get_absolute_url() in files[f"/sitemap-{kind.name}.xml"]
    for path in [reverse("archive:home"), *list_paths()]:
        assert f"http://testserver{path}<" in files["/sitemap-pages.xml"]


def test_every_kind_is_described_for_machines_with_its_schema_type(client, one_of_each):
    assert set(structured_data.BUILDERS) == set(BY_MODEL)
    for kind in SHOWN:
        data = parse(client.get(one_of_each[kind.name].get_absolute_url())).json_ld[0]
        assert data["@type"] == kind.schema_type


def test_search_indexes_every_kind_and_labels_its_facet(client, one_of_each):
    assert set(documents.BUILDERS) == set(BY_MODEL)
    response = client.get("/search/", {"q": WORD})
    assert response.status_code == 200
    facets = re.findall(r'kind=(\w+)">([^<]+)</a> \(1\)', response.content.decode())
    assert facets == [(kind.name, kind.label) for kind in SHOWN]


def test_exports_hold_every_kind_under_its_file_key_in_link_order(one_of_each):
    out = io.StringIO()
    call_command("export_archive", stdout=out)
    document = json.loads(out.getvalue())
    assert list(document) == ["format", "version", "tags", *(k.plural for k in LINK_ORDER)]
    for kind in LINK_ORDER:
        assert [record["slug"] for record in document[kind.plural]] == [one_of_each[kind.name].slug]
        assert list(document[kind.plural][0]) == list(kind.accepted_keys)


def test_csv_imports_offer_the_kinds_the_registry_marks_for_csv():
    assert tuple(kind.name for kind in LINK_ORDER if kind.csv) == CSV_KINDS
    assert set(CSV_KINDS) == {"organization", "place", "person", "event"}


def test_import_messages_name_kinds_as_readers_do(seed, tmp_path):
    """Files keep their keys ("organizations", ``--kind organization``); the messages about them
    say "organisation", as every page does."""
    path = write(tmp_path, "organizations.csv", "slug,motto\nun,Peace\n")
    assert_import_fails(
        path,
        expect=[
            "unknown column; organisation rows have slug, status, name",
            "missing column: every organisation needs a name",
        ],
    )
    text = json.dumps(
        {"format": "archive", "version": 1, "organizations": [{"slug": "un", "x": 1}]}
    )
    path = write(tmp_path, "archive.json", text)
    assert_import_fails(path, expect=["unknown field; organisation records have slug, status"])
