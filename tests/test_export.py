"""export_archive: the whole archive, deterministic, and a lossless round trip."""

import json

import pytest

from archive.models import RECORD_MODELS, Article, Person
from tests.fixtures.importing import FIXTURES, database_state, export, run_import, write

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
    from taggit.models import Tag

    Tag.objects.all().delete()


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_export_import_export_is_byte_identical(full_archive, tmp_path, fmt):
    first = export("--format", fmt)
    path = write(tmp_path, f"archive.{fmt}", first)
    empty_the_archive()
    assert database_state()[0]["Article"] == 0
    run_import(path)
    assert export("--format", fmt) == first


def test_export_holds_every_kind_drafts_links_tags_and_captures(full_archive):
    document = json.loads(export())
    assert (document["format"], document["version"]) == ("archive", 1)
    assert [key for key in document if key not in ("format", "version")] == [
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
    assert kinds.index("quotation") > kinds.index("article") > kinds.index("organization")
    assert len(lines) - 1 == sum(model.objects.count() for model in RECORD_MODELS)
    assert not (tmp_path / "out.jsonl.partial").exists()


def test_export_of_an_empty_archive_imports(db, tmp_path):
    text = export()
    assert json.loads(text)["people"] == []
    run_import(write(tmp_path, "empty.json", text))
    assert Person.objects.count() == 0
