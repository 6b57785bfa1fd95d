"""The JSON archive format and JSON Lines: the whole graph, idempotent, all or nothing."""

import hashlib
import json
from io import StringIO

import pytest
from django.core.management import call_command

from archive.models import Article, ImportRun, Person, Quotation
from tests.fixtures.importing import database_state, export, run_import, write

pytestmark = pytest.mark.django_db


def archive_json(**sections):
    return json.dumps({"format": "archive", "version": 1, **sections})


def test_json_lines_import_links_records_of_earlier_lines(seed, tmp_path):
    lines = [
        {"format": "archive", "version": 1},
        {"record": "organization", "slug": "example-ngo", "name": "Example NGO"},
        {
            "record": "person",
            "slug": "jane-example",
            "name": "Jane Example",
            "aliases": ["J. Example"],
            "affiliations": [{"organization": "example-ngo", "role": "Director"}],
            "tags": ["testing"],
        },
        {
            "record": "quotation",
            "slug": "jane-example-said",
            "text": "Words said.",
            "people": ["jane-example", "john-kerry"],
            "article": "a-shift-in-us-sympathies-regarding-the-mujahedeen-e-khalq",
            "date": "2016",
        },
    ]
    path = write(tmp_path, "more.jsonl", "\n".join(json.dumps(line) for line in lines) + "\n\n")
    output = run_import(path)
    assert "person        1 created" in output
    quotation = Quotation.objects.get(slug="jane-example-said")
    assert {p.slug for p in quotation.people.all()} == {"jane-example", "john-kerry"}
    assert quotation.article.slug.startswith("a-shift")
    jane = Person.objects.get(slug="jane-example")
    assert jane.alias_list == ["J. Example"]
    assert jane.affiliations.get().role == "Director"
    assert [tag.name for tag in jane.tags.all()] == ["testing"]


def test_import_twice_changes_nothing(seed, tmp_path):
    path = write(tmp_path, "all.json", export())
    before = database_state()
    output = run_import(path)
    assert "article       0 created, 0 updated, 1 unchanged, 0 skipped" in output
    assert "quotation     0 created, 0 updated, 13 unchanged, 0 skipped" in output
    counts, exported = database_state()
    assert exported == before[1]
    assert counts == {**before[0], "ImportRun": before[0]["ImportRun"] + 1}


def test_changed_record_is_updated_in_place(seed, tmp_path):
    person = {
        "slug": "john-kerry",
        "name": "John Kerry",
        "roles": ["Secretary of State", "Senator"],
    }
    output = run_import(write(tmp_path, "kerry.json", archive_json(people=[person])))
    assert "person  0 created, 1 updated, 0 unchanged" in output
    kerry = Person.objects.get(slug="john-kerry")
    assert kerry.role_list == ["Secretary of State", "Senator"]
    assert kerry.aliases == "Kerry"  # fields not given are left as they are
    assert Person.objects.count() == 13
    assert kerry.import_run == ImportRun.objects.first()


def test_article_found_by_source_url_keeps_its_slug(db, tmp_path):
    article = {"title": "Report", "source_url": "https://example.org/report", "status": "draft"}
    run_import(write(tmp_path, "a.json", archive_json(articles=[article])))
    slug = Article.objects.get().slug
    article["summary"] = "Now with a summary."
    output = run_import(write(tmp_path, "a.json", archive_json(articles=[article])))
    assert "article  0 created, 1 updated" in output
    assert Article.objects.get().slug == slug == "report"


def test_slug_of_another_articles_source_is_refused_not_overwritten(db, tmp_path):
    first = {"slug": "report", "title": "Report", "source_guid": "https://a.example/?p=1"}
    run_import(write(tmp_path, "a.json", archive_json(articles=[first])))
    second = {"slug": "report", "title": "Other", "source_guid": "https://b.example/?p=9"}
    with pytest.raises(Exception, match="belongs to another article"):
        run_import(write(tmp_path, "b.json", archive_json(articles=[second])))
    assert Article.objects.get().title == "Report"


def test_dry_run_shows_the_changes_and_writes_nothing(seed, tmp_path):
    person = {"slug": "new-person", "name": "New Person"}
    changed = {"slug": "john-kerry", "name": "John Forbes Kerry"}
    path = write(tmp_path, "p.json", archive_json(people=[person, changed]))
    before = database_state()
    output = run_import(path, "--dry-run")
    assert output.startswith("Dry run: nothing was written. Would import:")
    assert "person  1 created, 1 updated, 0 unchanged, 0 skipped" in output
    assert database_state() == before


def test_run_is_recorded_with_files_counts_and_user(db, tmp_path, django_user_model):
    django_user_model.objects.create_user(username="importer", password="x-long-password")
    path = write(tmp_path, "p.json", archive_json(people=[{"slug": "p", "name": "P"}]))
    output = run_import(path, "--user", "importer")
    run = ImportRun.objects.get()
    assert f"Recorded as import run {run.pk}." in output
    assert (run.command, run.user.username, run.files, run.formats) == (
        "import_archive",
        "importer",
        str(path),
        "json",
    )
    assert run.succeeded and run.finished_at is not None
    assert run.counts == {"person": {"created": 1}}
    assert Person.objects.get().import_run == run


def test_capture_file_keeps_the_sha256_of_the_file(db, tmp_path):
    capture = b"Line one\n\nSite footer\n"
    write(tmp_path, "c.txt", capture)
    article = {
        "slug": "c",
        "title": "C",
        "capture_file": "c.txt",
        "capture_exclude": ["Site footer"],
    }
    run_import(write(tmp_path, "a.json", archive_json(articles=[article])))
    stored = Article.objects.get()
    assert stored.body == "Line one"
    assert stored.capture_sha256 == hashlib.sha256(capture).hexdigest()
    write(tmp_path, "c.txt", b"Line one, recaptured\n")
    output = run_import(tmp_path / "a.json")
    assert "article  0 created, 1 updated" in output
    stored.refresh_from_db()
    assert stored.capture_sha256 == hashlib.sha256(b"Line one, recaptured\n").hexdigest()
    assert stored.capture_verified


def test_progress_bar_on_a_terminal(db, tmp_path):
    class Terminal(StringIO):
        def isatty(self):
            return True

    lines = "".join(
        json.dumps({"record": "place", "slug": f"p{n}", "name": f"P {n}"}) + "\n" for n in range(3)
    )
    path = write(tmp_path, "places.jsonl", lines)
    out = Terminal()
    call_command("import_archive", str(path), stdout=out, stderr=StringIO())
    output = out.getvalue()
    assert "\r  places.jsonl [##########" in output
    assert "  1 records" in output
    assert "Imported:\n  place  3 created, 0 updated, 0 unchanged, 0 skipped\n" in output


def test_plain_output_when_not_a_terminal(db, tmp_path):
    path = write(tmp_path, "places.jsonl", json.dumps({"record": "place", "name": "P"}) + "\n")
    output = run_import(path)
    assert "\r" not in output and "[#" not in output
    assert output.startswith("Imported:\n  place  1 created")


def summary_line(output, kind):
    return next(line for line in output.splitlines() if line.strip().startswith(kind + " "))


def test_json_lines_longer_than_a_chunk_keeps_every_link_and_tag(db, tmp_path):
    """Records are looked up and their links and tags written a chunk of 500 at a time."""
    people = [{"record": "person", "slug": f"person-{n}", "name": f"P {n}"} for n in range(30)]
    articles = [
        {
            "record": "article",
            "slug": f"article-{n}",
            "title": f"Article {n}",
            "people": [f"person-{n % 30}"],
            "tags": [f"t{n % 5}"],
        }
        for n in range(700)
    ]
    lines = [json.dumps(line) for line in people + articles]
    path = write(tmp_path, "many.jsonl", "\n".join(lines) + "\n")

    assert "700 created, 0 updated, 0 unchanged" in summary_line(run_import(path), "article")
    article = Article.objects.get(slug="article-650")
    assert [person.slug for person in article.people.all()] == ["person-20"]
    assert [tag.name for tag in article.tags.all()] == ["t0"]
    assert Article.people.through.objects.count() == 700

    assert "0 created, 0 updated, 700 unchanged" in summary_line(run_import(path), "article")

    articles[650]["people"] = ["person-1"]
    lines = [json.dumps(line) for line in people + articles]
    write(tmp_path, "many.jsonl", "\n".join(lines) + "\n")
    assert "0 created, 1 updated, 699 unchanged" in summary_line(run_import(path), "article")
    assert [person.slug for person in article.people.all()] == ["person-1"]
