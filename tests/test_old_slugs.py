"""Addresses that never break: a record's old slugs answer 301 to its current address."""

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from archive.models import Article, Event, OldSlug, Organization, Person, Place, Quotation
from archive.registry import KINDS

from .fixtures.admin_forms import person_change_form
from .fixtures.importing import assert_import_fails, export, lines_file, run_import, write
from .public_helpers import draft, publish, sitemap_files

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("rendered_every_time")]


def rename_in_admin(client, person, slug):
    url = reverse("admin:archive_person_change", args=[person.pk])
    response = client.post(url, person_change_form(person, slug=slug))
    assert response.status_code == 302, response.content.decode()[:2000]
    person.refresh_from_db()
    assert person.slug == slug


def test_a_slug_changed_twice_in_the_admin_leads_from_both_old_addresses(editor_client, client):
    person = publish(Person, name="John McCain", slug="mccain")
    rename_in_admin(editor_client, person, "john-mccain")
    rename_in_admin(editor_client, person, "john-sidney-mccain")
    editor_client.logout()
    for old in ("mccain", "john-mccain"):
        response = client.get(f"/people/{old}/")
        assert response.status_code == 301
        # Straight to the current address, not along the chain.
        assert response["Location"] == "/people/john-sidney-mccain/"
        assert client.get(response["Location"]).status_code == 200
    assert client.get("/people/john-sidney-mccain/").status_code == 200
    assert set(OldSlug.objects.values_list("slug", flat=True)) == {"mccain", "john-mccain"}


def test_the_query_string_goes_along(client):
    person = publish(Person, name="Jane", slug="jane")
    person.slug = "jane-doe"
    person.save()
    response = client.get("/people/jane/?page=2")
    assert response.status_code == 301
    assert response["Location"] == "/people/jane-doe/?page=2"


@pytest.mark.parametrize("kind", list(KINDS.values()), ids=lambda kind: kind.name)
def test_every_kind_redirects_its_old_slugs(client, kind):
    field = kind.model.slug_source
    record = publish(kind.model, **{field: "Old name"}, slug="old-name")
    record.slug = "new-name"
    record.save()
    response = client.get(reverse(kind.detail_url_name, kwargs={"slug": "old-name"}))
    assert response.status_code == 301
    assert response["Location"] == record.get_absolute_url()


def test_old_slugs_are_per_kind(client):
    person = publish(Person, name="Ashraf", slug="ashraf")
    person.slug = "ashraf-person"
    person.save()
    # A place never had the slug: no redirect to the person.
    assert client.get("/places/ashraf/").status_code == 404
    place = publish(Place, name="Camp Ashraf", slug="ashraf")
    place.slug = "camp-ashraf"
    place.save()
    assert client.get("/places/ashraf/")["Location"] == "/places/camp-ashraf/"
    assert client.get("/people/ashraf/")["Location"] == "/people/ashraf-person/"


def test_a_drafts_old_slug_is_a_404_like_any_unknown_slug(client):
    person = draft(Person, name="Secret", slug="secret")
    person.slug = "secret-2"
    person.save()
    old = client.get("/people/secret/")
    unknown = client.get("/people/never-was/")
    assert old.status_code == unknown.status_code == 404
    assert b"secret-2" not in old.content
    # Withdrawing a published record withdraws its old addresses too.
    shown = publish(Person, name="Shown", slug="shown")
    shown.slug = "shown-2"
    shown.save()
    assert client.get("/people/shown/").status_code == 301
    Person.objects.filter(pk=shown.pk).unpublish()
    assert client.get("/people/shown/").status_code == 404


def test_a_slug_taken_by_a_new_record_wins_over_the_old_slug(client):
    old = publish(Organization, name="MEK", slug="mek")
    old.slug = "mujahedeen-e-khalq"
    old.save()
    assert client.get("/organisations/mek/").status_code == 301
    newcomer = publish(Organization, name="Mek", slug="mek")
    response = client.get("/organisations/mek/")
    assert response.status_code == 200
    assert response.context["object"] == newcomer
    # And when the newcomer moves on, the slug leads to it, the latest to give it up.
    newcomer.slug = "mek-2"
    newcomer.save()
    assert client.get("/organisations/mek/")["Location"] == "/organisations/mek-2/"


def test_the_person_feed_follows_the_old_slug(client):
    person = publish(Person, name="John McCain", slug="mccain")
    person.slug = "john-mccain"
    person.save()
    for suffix in ("atom", "rss"):
        response = client.get(f"/feeds/people/mccain.{suffix}")
        assert response.status_code == 301
        assert response["Location"] == f"/feeds/people/john-mccain.{suffix}"
    assert client.get("/feeds/people/nobody.atom").status_code == 404


def test_sitemaps_and_feeds_use_only_current_addresses(client):
    person = publish(Person, name="John McCain", slug="mccain")
    article = publish(Article, title="An article", slug="old-article")
    article.people.add(person)
    person.slug = "john-mccain"
    person.save()
    article.slug = "new-article"
    article.save()
    urls = " ".join(sitemap_files(client).values())
    assert "/people/john-mccain/" in urls and "/articles/new-article/" in urls
    assert "mccain/" not in urls.replace("john-mccain/", "")
    assert "old-article" not in urls
    feed = client.get("/feeds/articles.atom").content.decode()
    assert "/articles/new-article/" in feed and "old-article" not in feed


def test_an_import_that_changes_a_slug_keeps_the_old_one(client, tmp_path):

    article = {
        "title": "Captured",
        "slug": "captured",
        "source_url": "https://example.org/a",
        "status": "published",
    }
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"format": "archive", "version": 1, "articles": [article]}))
    call_command("import_archive", str(path), stdout=open("/dev/null", "w"))  # noqa: SIM115
    path.write_text(
        json.dumps(
            {"format": "archive", "version": 1, "articles": [{**article, "slug": "captured-again"}]}
        )
    )
    call_command("import_archive", str(path), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Article.objects.get().slug == "captured-again"
    response = client.get("/articles/captured/")
    assert response.status_code == 301
    assert response["Location"] == "/articles/captured-again/"


def test_an_unchanged_save_keeps_no_old_slug():
    for model, field in [(Event, "title"), (Quotation, "text"), (Place, "name")]:
        record = publish(model, **{field: "Same"})
        record.refresh_from_db()
        record.save()
    assert not OldSlug.objects.exists()


def test_the_redirect_costs_few_queries(client, django_assert_max_num_queries):
    person = publish(Person, name="Jane", slug="jane")
    person.slug = "jane-doe"
    person.save()
    # The page cache's stamp is off; the miss on current slugs, then the old slug.
    with django_assert_max_num_queries(2):
        assert client.get("/people/jane/").status_code == 301


def test_the_old_slug_kept_is_the_one_stored_when_the_record_was_last_read(client):
    person = publish(Person, name="Jane", slug="jane")
    Person.objects.filter(pk=person.pk).update(slug="jane-b")  # elsewhere, without save()
    person.refresh_from_db()
    person.slug = "jane-c"
    person.save()
    assert list(OldSlug.objects.values_list("slug", flat=True)) == ["jane-b"]
    assert client.get("/people/jane-b/")["Location"] == "/people/jane-c/"


# Imports: an old slug leads to the record, and is never taken by another.


def test_an_import_linking_an_old_slug_links_the_record_it_leads_to(tmp_path):
    person = publish(Person, name="John McCain", slug="mccain")
    person.slug = "john-mccain"
    person.save()
    run_import(
        lines_file(
            tmp_path,
            {"record": "article", "title": "Hearing", "slug": "hearing", "people": ["mccain"]},
            {"record": "event", "title": "Visit", "slug": "visit", "people": ["mccain"]},
        )
    )
    assert list(Article.objects.get(slug="hearing").people.all()) == [person]
    assert list(Event.objects.get(slug="visit").people.all()) == [person]
    assert Person.objects.count() == 1


@pytest.mark.parametrize(
    ("line", "expect"),
    [
        (
            {"record": "person", "name": "McCain", "slug": "mccain"},
            ["line 1", "The slug “mccain”", "old address of the person “John McCain”",
             "give “john-mccain” to update"],
        ),
        (  # no slug given: the one the name makes
            {"record": "person", "name": "McCain"},
            ["line 1", "“McCain” makes the slug “mccain”", "its slug is now “john-mccain”"],
        ),
    ],
)  # fmt: skip
def test_an_import_never_takes_a_slug_a_record_gave_up(tmp_path, client, line, expect):
    person = publish(Person, name="John McCain", slug="mccain")
    person.slug = "john-mccain"
    person.save()
    assert_import_fails(lines_file(tmp_path, line), expect=expect)
    assert client.get("/people/mccain/")["Location"] == "/people/john-mccain/"


def test_a_merged_duplicate_does_not_come_back_with_an_export_from_before(tmp_path):
    survivor = publish(Person, name="John McCain", slug="john-mccain")
    publish(Person, name="McCain", slug="mccain")
    before_merge = write(tmp_path, "before.json", export())
    call_command("merge_records", "person", "john-mccain", "mccain", stdout=io.StringIO())
    assert list(Person.objects.all()) == [survivor]
    assert_import_fails(before_merge, expect=["The slug “mccain”", "merged or renamed"])
