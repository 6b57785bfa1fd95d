"""Records' files in the JSON archive and JSON Lines: imported from the archive's folder (never
outside it), all or nothing, idempotent; exported with --with-files; export -> import -> export
gives the same bytes and the same files."""

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management.base import CommandError

from archive.models import Article, Document, Person, Status
from archive.models.documents import TextState
from tests.fixtures.importing import assert_import_fails, export, lines_file, run_import, write

from . import document_files as made

pytestmark = pytest.mark.django_db

DOCUMENTS = Path(__file__).parent / "fixtures" / "documents"
MINUTES = DOCUMENTS / "minutes.pdf"
SCANNED = DOCUMENTS / "scanned.pdf"


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def stored_files():
    """Every file under storage's documents/ folder."""
    found, stack = [], ["documents"]
    while stack:
        folder = stack.pop()
        if not default_storage.exists(folder):
            continue
        dirs, names = default_storage.listdir(folder)
        stack += [f"{folder}/{name}" for name in dirs]
        found += [f"{folder}/{name}" for name in names]
    return sorted(found)


def archive_file(folder, name="archive.json", **sections):
    return write(folder, name, json.dumps({"format": "archive", "version": 1, **sections}))


LETTER = {
    "file": "files/minutes.pdf",
    "title": "Minutes of the committee",
    "description": "Read aloud at the meeting.",
    "date": "2016-08-19",
    "language": "en",
    "status": "published",
}


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "files").mkdir()
    shutil.copy(MINUTES, tmp_path / "files" / "minutes.pdf")
    shutil.copy(SCANNED, tmp_path / "files" / "scanned.pdf")
    return tmp_path


def test_a_records_files_are_imported_with_their_metadata_and_text(folder):
    article = {"slug": "minutes", "title": "Minutes", "status": "published", "files": [LETTER]}
    output = run_import(archive_file(folder, articles=[article]))
    assert "  file     1 created, 0 updated" in output
    (document,) = Document.objects.all()
    assert document.record == Article.objects.get(slug="minutes")
    assert (document.title, document.description, str(document.date), document.language) == (
        "Minutes of the committee",
        "Read aloud at the meeting.",
        "2016-08-19",
        "en",
    )
    assert document.status == Status.PUBLISHED
    assert document.sha256 == sha256(MINUTES)
    assert document.text_state == TextState.EXTRACTED
    assert document.import_run is not None and document.verify()


def test_json_lines_records_of_any_kind_carry_files(folder):
    path = lines_file(
        folder,
        {"record": "person", "slug": "ada", "name": "Ada Example", "status": "published",
         "files": [{"file": "files/scanned.pdf", "status": "published"}]},
        {"record": "article", "slug": "a", "title": "A", "files": [LETTER]},
    )  # fmt: skip
    run_import(path)
    person_file = Document.objects.of(Person.objects.get(slug="ada")).get()
    assert (person_file.title, person_file.text_state) == ("scanned", TextState.SCANNED)
    assert Document.objects.of(Article.objects.get(slug="a")).count() == 1


def test_importing_the_same_files_twice_changes_nothing(folder):
    article = {"slug": "minutes", "title": "Minutes", "files": [LETTER, LETTER]}
    path = archive_file(folder, articles=[article])
    run_import(path)
    (document,) = Document.objects.all()
    updated = document.updated_at
    output = run_import(path)
    assert "0 created, 0 updated, 2 unchanged" in output
    document.refresh_from_db()
    assert Document.objects.count() == 1 and document.updated_at == updated
    changed = {**LETTER, "title": "Minutes, corrected"}
    run_import(archive_file(folder, articles=[{**article, "files": [changed]}]))
    document.refresh_from_db()
    assert (Document.objects.count(), document.title) == (1, "Minutes, corrected")


def test_one_file_on_two_records_is_stored_once(folder):
    articles = [
        {"slug": "one", "title": "One", "files": [LETTER]},
        {"slug": "two", "title": "Two", "files": [LETTER]},
    ]
    run_import(archive_file(folder, articles=articles))
    assert Document.objects.count() == 2
    assert len(stored_files()) == 1


@pytest.mark.parametrize(
    ("name", "expect"),
    [
        ("files/missing.pdf", "file “files/missing.pdf” not found in"),
        ("/etc/hostname", "“/etc/hostname” points outside the import's folder"),
        ("../outside.pdf", "“../outside.pdf” points outside the import's folder"),
        ("files/../../outside.pdf", "“files/../../outside.pdf” points outside the import's"),
        ("files/link.pdf", "“files/link.pdf” points outside the import's folder"),
    ],
)
def test_a_missing_or_outside_file_is_a_problem_and_nothing_is_written(folder, name, expect):
    write(folder.parent, "outside.pdf", MINUTES.read_bytes())
    (folder / "files" / "link.pdf").symlink_to(folder.parent / "outside.pdf")
    good = {"slug": "good", "title": "Good", "files": [LETTER]}
    bad = {"slug": "bad", "title": "Bad", "files": [{"file": name}]}
    path = archive_file(folder, articles=[good, bad])
    assert_import_fails(path, expect=["articles[2] (“bad”), field “files”", f"file 1: {expect}"])
    assert Document.objects.count() == 0
    assert stored_files() == []  # the good record's file was stored, then removed again


def test_json_lines_problems_name_the_line(folder):
    path = lines_file(
        folder,
        {"record": "article", "slug": "a", "title": "A", "files": [LETTER]},
        {"record": "article", "slug": "b", "title": "B", "files": [{"file": "nope.pdf"}]},
    )
    assert_import_fails(path, expect=["archive.jsonl, line 2, article “b”, field “files”"])


def test_a_file_whose_content_is_not_what_its_name_says_is_refused(folder):
    write(folder / "files", "fake.pdf", made.png())
    article = {"slug": "a", "title": "A", "files": [LETTER, {"file": "files/fake.pdf"}]}
    assert_import_fails(
        archive_file(folder, articles=[article]),
        expect=["field “files”: file 2: “fake.pdf” is named as PDF document, but its content"],
    )
    assert stored_files() == []


@pytest.mark.parametrize(
    ("entry", "expect"),
    [
        ({"file": "files/minutes.pdf", "status": "public"}, "status “public” is not one of"),
        ({"file": "files/minutes.pdf", "date": "someday"}, "date:"),
        ({"file": "files/minutes.pdf", "colour": "red"}, "unknown key “colour”"),
        ({"file": "files/minutes.pdf", "title": 7}, "“title” should be text"),
        ({"title": "No file"}, "“file” names the file"),
        ("files/minutes.pdf", "file 1: expected an object"),
    ],
)
def test_bad_file_entries_are_problems(folder, entry, expect):
    article = {"slug": "a", "title": "A", "files": [entry]}
    assert_import_fails(archive_file(folder, articles=[article]), expect=[expect])
    assert stored_files() == []


def test_a_dry_run_stores_no_file(folder):
    run_import(archive_file(folder, articles=[{"slug": "a", "title": "A", "files": [LETTER]}]),
               "--dry-run")  # fmt: skip
    assert Document.objects.count() == 0 and stored_files() == []


def test_export_without_with_files_is_as_before(folder):
    run_import(archive_file(folder, articles=[{"slug": "a", "title": "A", "files": [LETTER]}]))
    assert "files" not in json.loads(export())["articles"][0]


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_export_import_export_with_files_is_byte_identical(seed, folder, tmp_path, fmt):
    write(folder / "files", "notes.txt", "Notes on the ledger.\n")
    write(folder / "files", "photo.png", made.png())
    articles = [
        {"slug": "minutes", "title": "Minutes", "status": "published",
         "files": [LETTER, {"file": "files/scanned.pdf", "title": "Scan"}]},
    ]  # fmt: skip
    people = [{"slug": "ada", "name": "Ada Example", "files": [
        {"file": "files/notes.txt", "title": "Notes", "date": "2016-08", "source": "Her desk"},
        {"file": "files/photo.png", "title": "Portrait", "status": "published"},
    ]}]  # fmt: skip
    run_import(archive_file(folder, articles=articles, people=people))
    first_dir = tmp_path / "first"
    first_dir.mkdir()
    first = first_dir / f"archive.{fmt}"
    export("-o", str(first), "--format", fmt, "--with-files", str(first_dir / "files"))
    text = first.read_text()
    assert '"file": "files/articles/minutes/minutes.pdf"' in text
    assert '"file": "files/people/ada/notes.txt"' in text
    assert sha256(first_dir / "files/articles/minutes/minutes.pdf") == sha256(MINUTES)

    Document.objects.all().delete()
    for model in (Article, Person):
        model.objects.all().delete()
    for name in stored_files():
        default_storage.delete(name)
    run_import(first)
    assert Document.objects.count() == 4
    assert all(document.verify() for document in Document.objects.all())

    second_dir = tmp_path / "second"
    second_dir.mkdir()
    second = second_dir / f"archive.{fmt}"
    export("-o", str(second), "--format", fmt, "--with-files", str(second_dir / "files"))
    assert second.read_bytes() == first.read_bytes()
    written = sorted(p.relative_to(first_dir) for p in (first_dir / "files").rglob("*.*"))
    assert written == sorted(p.relative_to(second_dir) for p in (second_dir / "files").rglob("*.*"))
    for name in written:
        assert (first_dir / name).read_bytes() == (second_dir / name).read_bytes()


def test_two_different_files_of_one_name_on_a_record_are_both_exported(folder, tmp_path):
    (folder / "other").mkdir()
    write(folder / "other", "minutes.pdf", SCANNED.read_bytes())
    article = {"slug": "a", "title": "A", "files": [LETTER, {"file": "other/minutes.pdf"}]}
    run_import(archive_file(folder, articles=[article]))
    out = tmp_path / "out"
    out.mkdir()
    export("-o", str(out / "archive.json"), "--with-files", str(out / "files"))
    files = json.loads((out / "archive.json").read_text())["articles"][0]["files"]
    assert [entry["file"] for entry in files] == [
        "files/articles/a/minutes-2.pdf",
        "files/articles/a/minutes.pdf",
    ]
    assert {sha256(out / entry["file"]) for entry in files} == {sha256(MINUTES), sha256(SCANNED)}


def test_with_files_needs_an_output_file_and_a_folder_inside_its_folder(db, tmp_path):
    with pytest.raises(CommandError, match="--with-files needs -o FILE"):
        export("--with-files", str(tmp_path / "files"))
    with pytest.raises(CommandError, match="name a folder inside"):
        export("-o", str(tmp_path / "out" / "a.json"), "--with-files", str(tmp_path / "files"))
