"""Whatever changes what is public, every public surface agrees with ``published()``.

Each case changes the archive one way (an admin save, each bulk action, a delete, an import, a
tag added, removed or renamed), then every surface is compared with what ``published()``
says: detail pages (200 or 404), list pages, search results and facet counts (including the
names a record lends to the records linking it), feeds, the sitemap, the home page's counts
and tags, the tag index, tag pages and ``?tag=`` lists.
"""

import json
from collections import Counter

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from taggit.models import Tag

from archive.models import (
    Article,
    Event,
    Organization,
    Person,
    Place,
    Quotation,
    Status,
)
from archive.registry import RECORD_MODELS

from .fixtures.admin_forms import person_change_form
from .public_helpers import PageParser, draft, publish, sitemap_files

LIST_URLS = {
    Article: "/articles/",
    Person: "/people/",
    Organization: "/organisations/",
    Place: "/places/",
    Event: "/events/",
    Quotation: "/quotations/",
}
# Every record carries this word, so one search should find exactly the published ones.
WORD = "quorble"


def admin_url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


@pytest.fixture
def archive(db):
    harbour = publish(Place, name=f"Harbourne {WORD}")
    harbour.tags.add("coast")
    fen = draft(Place, name=f"Fenmoor {WORD}")
    society = publish(Organization, name=f"Lanternwick Society {WORD}")
    society.tags.add("marsh")
    ada = publish(Person, name=f"Adaline {WORD}")
    ada.tags.add("marsh", "people")
    ben = draft(Person, name=f"Benedikt {WORD}")
    ben.tags.add("secret", "people")
    event = publish(Event, title=f"The {WORD} flood", place=harbour)
    event.people.add(ada, ben)
    event.tags.add("coast")
    report = publish(Article, title=f"A {WORD} report", body="About the flood.")
    report.people.add(ada, ben)
    report.organizations.add(society)
    report.places.add(harbour, fen)
    report.tags.add("marsh")
    hidden = draft(Article, title=f"A {WORD} draft")
    hidden.tags.add("secret")
    quotation = publish(Quotation, text=f"Words about {WORD}.", article=report)
    quotation.people.add(ada)
    return {"harbour": harbour, "fen": fen, "society": society, "ada": ada, "ben": ben}


def save_person(client, person, **overrides):
    response = client.post(
        admin_url(Person, "change", person.pk), person_change_form(person, **overrides)
    )
    assert response.status_code == 302, response.context["errors"]


def bulk_action(client, model, action, records, **extra):
    response = client.post(
        admin_url(model, "changelist"),
        {"action": action, "_selected_action": [record.pk for record in records], **extra},
    )
    assert response.status_code == 302


def import_people(tmp_path, people):
    path = tmp_path / "people.json"
    path.write_text(json.dumps({"format": "archive", "version": 1, "people": people}), "utf-8")
    call_command("import_archive", str(path), stdout=open("/dev/null", "w"))  # noqa: SIM115


def imported(person, status):
    return {"slug": person.slug, "name": person.name, "status": status, "tags": ["people"]}


def rename_tag(client, slug, name, new_slug):
    tag = Tag.objects.get(slug=slug)
    prefix = "taggit_taggeditem_items"
    response = client.post(
        admin_url(Tag, "change", tag.pk),
        {
            "name": name,
            "slug": new_slug,
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.context["errors"]


CHANGES = {
    "admin save: draft to published": lambda c, r, p: save_person(
        c, r["ben"], status=Status.PUBLISHED
    ),
    "admin save: published to draft": lambda c, r, p: save_person(c, r["ada"], status="draft"),
    "bulk publish": lambda c, r, p: bulk_action(c, Person, "publish_selected", [r["ben"]]),
    "bulk publish a place": lambda c, r, p: bulk_action(c, Place, "publish_selected", [r["fen"]]),
    "bulk unpublish": lambda c, r, p: bulk_action(c, Person, "unpublish_selected", [r["ada"]]),
    "bulk unpublish a place": lambda c, r, p: bulk_action(
        c, Place, "unpublish_selected", [r["harbour"]]
    ),
    "bulk delete": lambda c, r, p: bulk_action(
        c, Person, "delete_selected", [r["ada"]], post="yes"
    ),
    "delete": lambda c, r, p: c.post(
        admin_url(Organization, "delete", r["society"].pk), {"post": "yes"}
    ),
    "import publishes": lambda c, r, p: import_people(p, [imported(r["ben"], "published")]),
    "import returns to draft": lambda c, r, p: import_people(p, [imported(r["ada"], "draft")]),
    "admin adds a tag": lambda c, r, p: save_person(c, r["ada"], tags="marsh, people, heath"),
    "admin removes a tag": lambda c, r, p: save_person(c, r["ada"], tags="people"),
    "tag renamed": lambda c, r, p: rename_tag(c, "marsh", "Wetland", "wetland"),
}


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_every_public_surface_agrees_with_published(archive, editor_client, tmp_path, change):
    public = Client()
    assert_consistent(public)
    CHANGES[change](editor_client, archive, tmp_path)
    assert_consistent(public)


# (model, a word of one record's name, the records whose documents carry that name).
NAMES_LENT = [
    (Person, "Adaline", [(Article, "people"), (Event, "people"), (Quotation, "people")]),
    (Person, "Benedikt", [(Article, "people"), (Event, "people"), (Quotation, "people")]),
    (Place, "Harbourne", [(Article, "places"), (Event, "place")]),
    (Place, "Fenmoor", [(Article, "places"), (Event, "place")]),
]


def published_urls(model):
    return {record.get_absolute_url() for record in model.objects.published()}


def public_tag_counts():
    """{slug: uses} counted from published records, independently of the site's query."""
    counts = Counter()
    for model in RECORD_MODELS:
        for record in model.objects.published():
            counts.update(tag.slug for tag in record.tags.all())
    return dict(counts)


def links(response):
    parser = PageParser()
    parser.feed(response.content.decode())
    return {href for _, href, _ in parser.links}


def assert_consistent(client):
    tags = public_tag_counts()
    all_urls = set()
    for model in RECORD_MODELS:
        expected = published_urls(model)
        every = {record.get_absolute_url() for record in model.objects.all()}
        all_urls |= every
        for url in every:
            assert client.get(url).status_code == (200 if url in expected else 404), url
        assert links(client.get(LIST_URLS[model])) & every == expected, model

    # Search: the records, their kinds and tags, and the names linked records lend them.
    response = client.get("/search/", {"q": WORD})
    results = response.context["results"]
    found = {hit.url for hit in results.page.object_list}
    assert found == set().union(*(published_urls(model) for model in RECORD_MODELS))
    kinds = {facet.value: facet.count for facet in results.facets["kind"]}
    assert kinds == {
        model._meta.model_name: model.objects.published().count()
        for model in RECORD_MODELS
        if model.objects.published().exists()
    }
    assert {facet.value: facet.count for facet in results.facets["tag"]} == tags
    for model, name, linked_by in NAMES_LENT:
        named = model.objects.published().filter(name__startswith=name).first()
        expected = set()
        if named is not None:
            expected.add(named.get_absolute_url())
            for linking, field in linked_by:
                linking_records = linking.objects.published().filter(**{field: named})
                expected |= {record.get_absolute_url() for record in linking_records}
        response = client.get("/search/", {"q": name})
        assert {hit.url for hit in response.context["results"].page.object_list} == expected

    # Feeds and the sitemap.
    feed = client.get("/feeds/articles.atom").content.decode()
    sitemap = "".join(sitemap_files(client).values())
    for url in all_urls:
        is_public = any(url in published_urls(model) for model in RECORD_MODELS)
        assert (f"http://testserver{url}</loc>" in sitemap) == is_public, url
        if url.startswith("/articles/"):
            assert (f"http://testserver{url}" in feed) == is_public, url
    for tag in Tag.objects.all():
        for url in (
            f"/tags/{tag.slug}/",
            f"/feeds/tags/{tag.slug}.atom",
            f"/people/?tag={tag.slug}",
        ):
            assert client.get(url).status_code == (200 if tag.slug in tags else 404), url

    # Counts on the home page and the tag index.
    home = client.get("/")
    assert {row["label"]: row["count"] for row in home.context["counts"]} == {
        label: model.objects.published().count()
        for model, label in zip(
            [Article, Person, Organization, Place, Event, Quotation],
            ["articles", "people", "organisations", "places", "events", "quotations"],
            strict=True,
        )
    }
    assert {tag.slug: tag.uses for tag in home.context["tags"]} == tags
    index = client.get("/tags/")
    assert {tag.slug: tag.uses for tag in index.context["page_obj"].object_list} == tags
