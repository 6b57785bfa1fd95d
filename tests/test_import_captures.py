"""Text captures: .txt and .md with YAML front matter; the text kept verbatim, its SHA-256 kept."""

import hashlib

import pytest

from archive.models import Article
from tests.fixtures.importing import FIXTURES, database_state, run_import, write

pytestmark = pytest.mark.django_db


def test_markdown_capture_with_front_matter(db):
    output = run_import(FIXTURES / "report.md")
    assert "article  1 created" in output
    article = Article.objects.get()
    assert article.title == "Arrivals in Tirana"
    assert article.slug == "arrivals-in-tirana"
    assert str(article.publication_date) == "2016-09"
    assert article.section == "Reports"
    assert article.source_url == "https://campwatch.example.org/2016/09/arrivals/"
    assert article.is_published
    assert {tag.name for tag in article.tags.all()} == {"refugees", "Albania"}
    text = (FIXTURES / "report.md").read_text(encoding="utf-8")
    capture = text.split("---\n", 2)[2]
    assert article.capture_text == capture
    assert article.capture_sha256 == hashlib.sha256(capture.encode()).hexdigest()
    assert article.capture_verified
    assert article.paragraphs == [
        "# Arrivals in Tirana",
        "The first group arrived in Tirana in September.\nThey were met at the airport.",
        "A second paragraph, *kept* verbatim <script>as text</script>.",
    ]


def test_text_capture_without_front_matter(db):
    run_import(FIXTURES / "diary.txt")
    article = Article.objects.get()
    raw = (FIXTURES / "diary.txt").read_bytes()
    assert article.title == "Camp Liberty diary"
    assert article.status == "draft"
    assert article.paragraphs == ["Day one: the buses came.", "Day two: nothing happened."]
    assert article.capture_text.encode() == raw  # line endings and all
    assert article.capture_sha256 == hashlib.sha256(raw).hexdigest()
    assert str(article.publication_date) == ""


def test_importing_captures_twice_changes_nothing(db):
    run_import(FIXTURES / "report.md", FIXTURES / "diary.txt")
    before = database_state()
    output = run_import(FIXTURES / "report.md", FIXTURES / "diary.txt")
    assert "article  0 created, 0 updated, 2 unchanged" in output
    assert database_state()[1] == before[1]


def test_source_name_and_markdown_title(db, tmp_path):
    path = write(
        tmp_path, "note.md", "---\nsource: The Example Times\n---\n\n# A heading\n\nText.\n"
    )
    run_import(path)
    article = Article.objects.get()
    assert (article.title, article.source_name, article.source_url) == (
        "A heading",
        "The Example Times",
        "",
    )
    assert article.body == "Text."


def test_recapture_updates_text_and_hash(db, tmp_path):
    path = write(tmp_path, "note.txt", "A title\nFirst text.\n")
    run_import(path)
    write(tmp_path, "note.txt", "A title\nSecond text.\n")
    output = run_import(path)
    assert "article  0 created, 1 updated" in output
    article = Article.objects.get()
    assert article.body == "Second text."
    assert article.capture_sha256 == hashlib.sha256(b"A title\nSecond text.\n").hexdigest()
