"""The page cache: anonymous readers get cached pages, and every write shows at once."""

import json
import tempfile
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from taggit.models import Tag

from archive.models import Article, Person, Status
from archive.page_cache import install_triggers, site_version, watched_tables

PAGE = "/people/ada-quillfeather/"


@pytest.fixture
def person(db):
    return Person.objects.create(
        name="Ada Quillfeather", slug="ada-quillfeather", status=Status.PUBLISHED
    )


@pytest.fixture
def article(person):
    article = Article.objects.create(
        title="Quillfeather speaks", slug="quillfeather-speaks", status=Status.PUBLISHED
    )
    article.people.add(person)
    return article


def page(client, path=PAGE):
    response = client.get(path)
    return response.status_code, response.content.decode()


def test_a_cached_page_costs_one_query_and_proxies_may_keep_it(
    client, person, django_assert_num_queries
):
    first = client.get(PAGE)
    assert first.status_code == 200
    with django_assert_num_queries(1):  # the stamp
        second = client.get(PAGE)
    assert second.content == first.content
    assert "public" in second["Cache-Control"]
    assert f"max-age={settings.ARCHIVE_CACHE_MAX_AGE}" in second["Cache-Control"]
    assert client.get(PAGE, HTTP_IF_NONE_MATCH=second["ETag"]).status_code == 304


def rename_in_admin(article, editor_client):
    editor_client.post(
        f"/admin/archive/person/{article.people.get().pk}/change/",
        {
            "name": "Ada Q. Renamed",
            "slug": "ada-quillfeather",
            "sort_name": "Quillfeather",
            "status": Status.PUBLISHED,
            "tags": "",
            "affiliations-TOTAL_FORMS": "0",
            "affiliations-INITIAL_FORMS": "0",
        },
    )
    return "Ada Q. Renamed"


def unpublish_in_bulk(article, editor_client):
    editor_client.post(
        "/admin/archive/article/",
        {"action": "unpublish_selected", "_selected_action": [article.pk]},
    )
    return None  # the article leaves the page


def update_without_signals(article, editor_client):
    Article.objects.filter(pk=article.pk).update(title="Retitled by update()")
    return "Retitled by update()"


def delete(article, editor_client):
    article.delete()
    return None


def link_another_article(article, editor_client):
    other = Article.objects.create(title="A second speech", status=Status.PUBLISHED)
    other.people.add(article.people.get())
    return "A second speech"


def tag_the_person(article, editor_client):
    article.people.get().tags.add("Botany")
    return "Botany"


def rename_a_tag(article, editor_client):
    article.people.get().tags.add("Botany")
    client = Client()
    assert "Botany" in page(client)[1]
    Tag.objects.filter(name="Botany").update(name="Ferns and mosses")
    return "Ferns and mosses"


def raw_sql(article, editor_client):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE archive_article SET title = %s WHERE id = %s", ["Set by raw SQL", article.pk]
        )
    return "Set by raw SQL"


def import_a_file(article, editor_client):
    folder = Path(tempfile.mkdtemp())
    archive = {
        "format": "archive",
        "version": 1,
        "articles": [
            {
                "slug": "imported-speech",
                "title": "An imported speech",
                "people": ["ada-quillfeather"],
                "status": "published",
            }
        ],
    }
    (folder / "archive.json").write_text(json.dumps(archive))
    call_command("import_archive", str(folder / "archive.json"), stdout=StringIO())
    return "An imported speech"


@pytest.mark.parametrize(
    "change",
    [
        rename_in_admin,
        unpublish_in_bulk,
        update_without_signals,
        delete,
        link_another_article,
        tag_the_person,
        rename_a_tag,
        raw_sql,
        import_a_file,
    ],
)
def test_every_kind_of_write_shows_on_the_next_request(change, article, editor, client):
    status, before = page(client)
    assert status == 200 and "Quillfeather speaks" in before
    assert page(client)[1] == before  # cached
    editor_client = Client()
    editor_client.force_login(editor)
    expected = change(article, editor_client)
    status, after = page(client)
    assert status == 200
    assert after != before
    if expected is None:
        assert "Quillfeather speaks" not in after
    else:
        assert expected in after


def test_unpublishing_a_cached_page_makes_it_a_404_at_once(client, person):
    assert page(client)[0] == 200
    Person.objects.filter(pk=person.pk).unpublish()
    assert page(client)[0] == 404


def test_a_staff_preview_is_never_served_to_readers_nor_a_cached_page_to_staff(
    client, person, editor
):
    Person.objects.filter(pk=person.pk).unpublish()
    staff = Client()
    staff.force_login(editor)
    preview = staff.get(PAGE)
    assert preview.status_code == 200 and "Ada Quillfeather" in preview.content.decode()
    assert "private" in preview["Cache-Control"]
    status, content = page(client)
    assert status == 404 and "Ada Quillfeather" not in content

    Person.objects.filter(pk=person.pk).publish()
    assert page(client)[0] == 200  # now cached for readers
    fresh = staff.get(PAGE)
    assert fresh.context is not None  # rendered for staff, not taken from the cache
    assert "private" in fresh["Cache-Control"] and "public" not in fresh["Cache-Control"]


def test_a_rolled_back_write_leaves_no_stale_page_marked_current(client, person):
    before = page(client)[1]
    with transaction.atomic():
        Person.objects.filter(pk=person.pk).update(name="Never committed")
        assert "Never committed" in page(client)[1]
        transaction.set_rollback(True)
    assert page(client)[1] == before
    Person.objects.filter(pk=person.pk).update(name="Committed later")
    assert "Committed later" in page(client)[1]


def test_every_table_public_pages_read_has_the_triggers(db):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT tbl_name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT event_object_table FROM information_schema.triggers")
        with_triggers = {table for (table,) in cursor.fetchall()}
    tables = set(watched_tables())
    assert {"archive_article", "archive_article_people", "taggit_taggeditem"} <= tables
    assert tables <= with_triggers


def test_migrate_remakes_triggers_a_rebuilt_table_lost(db):
    """SQLite drops a table's triggers when a migration rebuilds the table."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER archive_site_state_archive_person_update")
        else:
            cursor.execute("DROP TRIGGER archive_site_state_archive_person ON archive_person")
    person = Person.objects.create(name="Before", status=Status.PUBLISHED)
    stamp = site_version()
    Person.objects.filter(pk=person.pk).update(name="After")
    assert site_version() == stamp
    install_triggers()  # what post_migrate runs
    Person.objects.filter(pk=person.pk).update(name="After again")
    assert site_version() != stamp


@pytest.mark.skipif(not settings.REDIS_URL, reason="REDIS_URL is not set")
def test_with_redis_url_the_cache_is_redis(client, person):
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    assert isinstance(caches["default"], RedisCache)
    first = page(client)
    Person.objects.filter(pk=person.pk).update(name="Seen through Redis")
    assert page(client) != first
