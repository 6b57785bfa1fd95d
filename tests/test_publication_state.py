"""Publication state: bulk status changes reach the search index, tags are public only while a
published record carries them, every tag has a usable slug, and the guards and links that
depend on it hold (issue 10)."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from taggit.models import Tag

from archive.models import Article, Person, Quotation, Status

from .public_helpers import draft, publish


def admin_url(model, view, *args):
    return reverse(f"admin:archive_{model._meta.model_name}_{view}", args=args)


def search_urls(client, q):
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    return [hit.url for hit in response.context["results"].page.object_list]


def run_action(client, model, action, records):
    response = client.post(
        admin_url(model, "changelist"),
        {"action": action, "_selected_action": [record.pk for record in records]},
    )
    assert response.status_code == 302


# Bulk status changes


def test_returning_to_draft_in_bulk_takes_records_and_their_names_out_of_search(db, editor_client):
    person = publish(Person, name="Zorbert Quillfeather")
    article = publish(Article, title="A report on fenland drainage")
    article.people.add(person)
    assert search_urls(editor_client, "Quillfeather") == [
        person.get_absolute_url(),
        article.get_absolute_url(),
    ]

    run_action(editor_client, Person, "unpublish_selected", [person])

    assert search_urls(editor_client, "Quillfeather") == []
    assert search_urls(editor_client, "fenland") == [article.get_absolute_url()]


def test_publishing_in_bulk_puts_records_and_their_names_in_search(db, editor_client):
    person = draft(Person, name="Zorbert Quillfeather")
    article = publish(Article, title="A report on fenland drainage")
    article.people.add(person)
    assert search_urls(editor_client, "Quillfeather") == []

    run_action(editor_client, Person, "publish_selected", [person])

    assert search_urls(editor_client, "Quillfeather") == [
        person.get_absolute_url(),
        article.get_absolute_url(),
    ]


def test_a_status_update_that_would_skip_the_index_is_refused(db):
    publish(Person, name="Someone")
    with pytest.raises(TypeError, match="publish"):
        Person.objects.update(status=Status.DRAFT)
    assert Person.objects.published().count() == 1


def test_publish_and_unpublish_count_only_the_records_they_change(db):
    publish(Person, name="Already public")
    draft(Person, name="Not yet")
    assert Person.objects.publish() == 1
    assert Person.objects.publish() == 0
    assert Person.objects.unpublish() == 2


# Tags used only by drafts, or by nothing


@pytest.mark.parametrize("used_by", ["draft", "nothing"])
def test_a_tag_no_published_record_carries_is_not_public(db, client, used_by):
    publish(Person, name="A published person").tags.add("harmless")
    tag = Tag.objects.create(name="Unreviewed words")
    if used_by == "draft":
        draft(Person, name="A draft").tags.add(tag)
    pages = [
        f"/tags/{tag.slug}/",
        f"/feeds/tags/{tag.slug}.atom",
        f"/feeds/tags/{tag.slug}.rss",
        f"/people/?tag={tag.slug}",
        f"/articles/?tag={tag.slug}",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Unreviewed" not in response.content.decode(), url
    for url in ["/", "/tags/"]:
        assert "Unreviewed" not in client.get(url).content.decode()


def test_a_tag_is_public_while_a_published_record_carries_it(db, client):
    person = publish(Person, name="A published person")
    person.tags.add("Reviewed words")
    tag = Tag.objects.get(name="Reviewed words")
    assert client.get(f"/feeds/tags/{tag.slug}.atom").status_code == 200
    assert "Reviewed words" in client.get(f"/people/?tag={tag.slug}").content.decode()
    Person.objects.unpublish()
    assert client.get(f"/feeds/tags/{tag.slug}.atom").status_code == 404
    assert client.get(f"/people/?tag={tag.slug}").status_code == 404


# Tag names without letters or digits

UNSLUGGABLE_NAMES = ["!!!", "<>", "…", "- -", "<script></script>"]


def test_every_tag_gets_a_usable_unique_slug(db):
    slugs = [Tag.objects.create(name=name).slug for name in UNSLUGGABLE_NAMES]
    assert slugs == ["tag", "tag-2", "tag-3", "tag-4", "scriptscript"]
    person = publish(Person, name="Someone")
    person.tags.add("???")
    assert Tag.objects.get(name="???").slug == "tag-5"


def test_a_tag_renamed_to_punctuation_keeps_a_usable_slug(db):
    tag = Tag.objects.create(name="Words")
    tag.slug = ""
    tag.save()
    assert tag.slug == "tag"


def test_the_data_migration_gives_stored_empty_slugs_a_usable_one(db):
    Tag.objects.create(name="fine")
    Tag.objects.bulk_create([Tag(name="!!!", slug=""), Tag(name="???", slug="_1")])
    migration = importlib.import_module("archive.migrations.0008_tag_usable_slugs")
    migration.give_usable_slugs(apps, None)
    assert sorted(Tag.objects.values_list("name", "slug")) == [
        ("!!!", "tag"),
        ("???", "tag-2"),
        ("fine", "fine"),
    ]


STORED_NAMES = [
    "!!!",
    "<script>alert(1)</script>",
    "<b></b>",
    "x" * 100,
    " \t ",
    "&amp;",
    "../..",
    "?tag=1&q=2",
]


def test_no_stored_tag_name_makes_a_page_fail(db, client):
    article = publish(Article, title="An article", body="Tagged words about fenland.")
    person = publish(Person, name="A person")
    # As stored before every tag had a usable slug; the data migration mends them.
    Tag.objects.bulk_create([Tag(name="@@@", slug=""), Tag(name="###", slug="_1")])
    importlib.import_module("archive.migrations.0008_tag_usable_slugs").give_usable_slugs(
        apps, None
    )
    tags = [*Tag.objects.all(), *(Tag.objects.create(name=name) for name in STORED_NAMES)]
    article.tags.add(*tags)
    person.tags.add(*tags)
    client.raise_request_exception = False
    urls = [
        "/",
        "/tags/",
        "/articles/",
        "/people/",
        article.get_absolute_url(),
        "/feeds/articles.atom",
        "/sitemap.xml",
        "/search/?q=fenland",
    ]
    for tag in Tag.objects.all():
        assert tag.slug and any(c.isalnum() for c in tag.slug)
        urls += [
            f"/tags/{tag.slug}/",
            f"/feeds/tags/{tag.slug}.atom",
            f"/articles/?tag={tag.slug}",
            f"/search/?q=fenland&tag={tag.slug}",
        ]
    for url in urls:
        assert client.get(url).status_code == 200, url


# The Contributor's own draft with a published quotation attached


def test_a_contributor_can_edit_their_draft_with_a_published_quotation(seed, contributor_client):
    article = Article.objects.create(title="Contributor draft", slug="contributor-draft")
    quotation = Quotation.objects.create(
        text="Published words", article=article, status=Status.PUBLISHED
    )
    prefix = "quotations"
    data = {
        "title": "Contributor draft, edited",
        "slug": article.slug,
        "summary": "",
        "body": "",
        "body_format": article.body_format,
        "section": "",
        "byline": "",
        "source_name": "",
        "source_url": "",
        "source_guid": "",
        "publication_date": "",
        "capture_text": "",
        "status": Status.DRAFT,
        "tags": "",
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "1",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
        f"{prefix}-0-id": str(quotation.pk),
        f"{prefix}-0-article": str(article.pk),
        f"{prefix}-0-text": quotation.text,
        f"{prefix}-0-date": "",
        f"{prefix}-0-medium": quotation.medium,
        f"{prefix}-0-context": "",
        f"{prefix}-0-slug": quotation.slug,
        f"{prefix}-0-status": Status.PUBLISHED,
    }
    response = contributor_client.post(admin_url(Article, "change", article.pk), data)
    assert response.status_code == 302, response.context["errors"]
    article.refresh_from_db()
    assert article.title == "Contributor draft, edited"

    data[f"{prefix}-0-text"] = "Changed words"
    response = contributor_client.post(admin_url(Article, "change", article.pk), data)
    assert response.status_code == 200
    assert "only an Editor can change it" in response.content.decode()
    quotation.refresh_from_db()
    assert quotation.text == "Published words"


# Facet links


def test_facet_links_repeat_the_query_only_as_far_as_it_was_used(db, client):
    publish(Person, name="Fenland Person").tags.add("marsh")
    long_query = "fenland " * 2_000
    response = client.get("/search/", {"q": long_query, "utm": "y" * 5_000})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="?q=fenland+fenland' in html  # the facet links
    assert "fenland+" * 30 not in html
    assert "y" * 100 not in html
    assert len(html) < 20_000
