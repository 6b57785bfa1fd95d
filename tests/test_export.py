"""export_archive: the whole archive, deterministic, and a lossless round trip."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from taggit.models import Tag

from archive.models import Article, Person
from archive.registry import RECORD_MODELS
from tests.fixtures.importing import (
    FIXTURES,
    assert_import_fails,
    database_state,
    export,
    run_import,
    write,
)

pytestmark = pytest.mark.django_db

EVERY_FORMAT = [
    FIXTURES / "organizations.csv",
    FIXTURES / "places.csv",
    FIXTURES / "people.csv",
    FIXTURES / "events.csv",
    FIXTURES / "report.md",
    FIXTURES / "diary.txt",
    FIXTURES / "wordpress.xml",
]


@pytest.fixture
def full_archive(seed):
    """The seed and a record or more from every import format: drafts, links, tags, captures."""
    run_import(*EVERY_FORMAT)


def empty_the_archive():
    for model in reversed(RECORD_MODELS):
        model.objects.all().delete()
    Tag.objects.all().delete()


OLD = datetime(2019, 3, 4, 5, 6, 7, 890123, tzinfo=UTC)


@pytest.fixture
def archive_with_history(full_archive):
    """Records added long ago, an unused tag, and two tags whose slugs depend on the order
    they were made in: "Camps!" came first and took "camps", so "Camps" has "camps_1"."""
    Article.objects.filter(slug="arrivals-in-tirana").update(
        created_at=OLD, updated_at=OLD + timedelta(days=400)
    )
    Person.objects.filter(slug="john-kerry").update(created_at=OLD)
    first, second = Tag.objects.create(name="Camps!"), Tag.objects.create(name="Camps")
    assert (first.slug, second.slug) == ("camps", "camps_1")
    Article.objects.get(slug="arrivals-in-tirana").tags.add(second, first)
    Tag.objects.create(name="Not used yet")


def what_readers_see():
    """Every record's address and times ("Added to this archive", citations), every tag's."""
    records = {
        model.__name__: sorted(model.objects.values_list("slug", "created_at", "updated_at"))
        for model in RECORD_MODELS
    }
    return records, sorted(Tag.objects.values_list("name", "slug"))


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_export_import_export_is_byte_identical(archive_with_history, tmp_path, fmt):
    before = what_readers_see()
    first = export("--format", fmt)
    path = write(tmp_path, f"archive.{fmt}", first)
    empty_the_archive()
    assert database_state()[0]["Article"] == 0
    run_import(path)
    assert what_readers_see() == before
    assert export("--format", fmt) == first


def test_export_keeps_times_and_every_tag_with_its_slug(archive_with_history):
    document = json.loads(export())
    article = next(a for a in document["articles"] if a["slug"] == "arrivals-in-tirana")
    assert article["created_at"] == "2019-03-04T05:06:07.890123+00:00"
    assert article["updated_at"] == "2020-04-07T05:06:07.890123+00:00"
    assert {"name": "Camps", "slug": "camps_1"} in document["tags"]
    assert {"name": "Not used yet", "slug": "not-used-yet"} in document["tags"]


def test_a_tag_slug_held_by_another_tag_is_a_problem_not_a_swap(db, tmp_path):
    Tag.objects.create(name="Other", slug="camps")
    Tag.objects.create(name="Camps", slug="camps_1")
    taken = {"format": "archive", "version": 1, "tags": [{"name": "Tents", "slug": "camps"}]}
    assert_import_fails(
        write(tmp_path, "taken.json", json.dumps(taken)),
        expect=["tags[1] (“Tents”), field “slug”", "belongs to another tag, “Other”"],
    )
    moved = {"format": "archive", "version": 1, "tags": [{"name": "camps", "slug": "camps"}]}
    assert_import_fails(
        write(tmp_path, "moved.json", json.dumps(moved)),
        expect=["the tag “Camps” already has the slug “camps_1”, not “camps”"],
    )


def test_a_time_that_is_not_iso_8601_with_an_offset_is_a_problem(db, tmp_path):
    for value in ["last Tuesday", "2019-03-04T05:06:07"]:
        person = {"slug": "jane", "name": "Jane", "created_at": value}
        document = {"format": "archive", "version": 1, "people": [person]}
        assert_import_fails(
            write(tmp_path, "times.json", json.dumps(document)),
            expect=["field “created_at”: expected an ISO 8601 date and time with its offset"],
        )


def test_export_holds_every_kind_drafts_links_tags_and_captures(full_archive):
    document = json.loads(export())
    assert (document["format"], document["version"]) == ("archive", 1)
    assert [key for key in document if key not in ("format", "version")] == [
        "tags",
        "organizations",
        "places",
        "people",
        "events",
        "articles",
        "quotations",
    ]
    assert {a["status"] for a in document["articles"]} == {"draft", "published"}
    slugs = [a["slug"] for a in document["articles"]]
    assert slugs == sorted(slugs)
    kerry = next(p for p in document["people"] if p["slug"] == "john-kerry")
    assert kerry["affiliations"] == [
        {"organization": "state-department", "role": "Secretary of State"}
    ]
    seed_article = next(a for a in document["articles"] if a["slug"].startswith("a-shift"))
    stored = Article.objects.get(slug=seed_article["slug"])
    assert seed_article["capture_text"] == stored.capture_text
    assert seed_article["capture_sha256"] == stored.capture_sha256
    assert seed_article["tags"] == sorted(seed_article["tags"], key=str.casefold)
    assert "john-kerry" in seed_article["people"]
    assert list(seed_article)[:3] == ["slug", "status", "title"]


def test_recorded_sha256_survives_the_round_trip_even_when_it_no_longer_matches(
    full_archive, tmp_path
):
    """A backup keeps the hash recorded at capture time; it does not recompute it."""
    article = Article.objects.get(slug="arrivals-in-tirana")
    recorded = article.capture_sha256
    Article.objects.filter(pk=article.pk).update(capture_text=article.capture_text + " edited")
    path = write(tmp_path, "backup.json", export())
    empty_the_archive()
    run_import(path)
    restored = Article.objects.get(slug="arrivals-in-tirana")
    assert restored.capture_sha256 == recorded
    assert not restored.capture_verified


def test_export_to_a_file(full_archive, tmp_path):
    target = tmp_path / "out.jsonl"
    output = export("-o", str(target), "--format", "jsonl")
    assert f"to {target}." in output
    lines = target.read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0]) == {"format": "archive", "version": 1}
    kinds = [json.loads(line)["record"] for line in lines[1:]]
    assert kinds.index("organization") > kinds.index("tag") == 0
    assert kinds.index("quotation") > kinds.index("article") > kinds.index("organization")
    records = sum(model.objects.count() for model in RECORD_MODELS)
    assert len(lines) - 1 == Tag.objects.count() + records
    assert not (tmp_path / "out.jsonl.partial").exists()


def test_export_of_an_empty_archive_imports(db, tmp_path):
    text = export()
    assert json.loads(text)["people"] == []
    run_import(write(tmp_path, "empty.json", text))
    assert Person.objects.count() == 0
