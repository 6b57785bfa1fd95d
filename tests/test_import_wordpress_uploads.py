"""WordPress exports with the site's uploads folder (--uploads DIR): attachments become files of
their posts, images in post bodies are kept when their files are there, featured images are
shown; without the folder attachments are skipped and the summary says how to include them."""

import hashlib
import re
import shutil
from pathlib import Path

import pytest

from archive.models import Article, Document, Status
from archive.models.documents import TextState
from tests.fixtures.importing import FIXTURES, assert_import_fails, run_import

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("rendered_every_time")]

EXPORT = FIXTURES / "wordpress-uploads.xml"
UPLOADS = FIXTURES / "uploads"
THEME_TEST_DATA = Path("/work/shared/fixtures/wordpress/themeunittestdata.wordpress.xml")


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def image_address(name):
    return f"/files/sha256/{sha256(UPLOADS / '2016/08' / name)}"


def test_without_uploads_attachments_are_skipped_and_the_summary_says_how(db):
    output = run_import(EXPORT)
    assert "attachment  0 created, 0 updated, 0 unchanged, 6 skipped" in output
    assert "6 attachments skipped: to import them as files of their posts" in output
    assert "--uploads DIR" in output
    assert Document.objects.count() == 0
    body = Article.objects.get(slug="camp-visit-report").body
    assert "<img" not in body and "The tents in August." in body  # the caption, as before


def test_attachments_become_files_of_their_posts(db):
    output = run_import(EXPORT, "--uploads", UPLOADS)
    report = Article.objects.get(slug="camp-visit-report")
    files = {d.original_name: d for d in Document.objects.of(report)}
    assert sorted(files) == ["camp.png", "gate.png", "minutes.pdf"]
    minutes = files["minutes.pdf"]
    assert (minutes.title, minutes.description, str(minutes.date)) == (
        "Minutes of the camp committee",
        "Read aloud at the meeting.",
        "2016-08-19",
    )
    assert minutes.status == Status.PUBLISHED  # as its post is
    assert minutes.text_state == TextState.EXTRACTED and minutes.import_run is not None
    assert files["camp.png"].sha256 == sha256(UPLOADS / "2016/08/camp.png")  # not the resized
    draft = Article.objects.get(slug="draft-notes")
    (notes,) = Document.objects.of(draft)  # its attachment came after it in the export
    assert (notes.title, notes.status) == ("Notes for the visit", Status.DRAFT)
    assert "file        4 created" in output
    assert "“2016/08/lost.jpg” is not in the uploads folder: not imported" in output
    assert "not attached to any post: not imported" in output


def test_images_are_kept_with_their_alt_text_and_the_featured_image_shown(db, client):
    run_import(EXPORT, "--uploads", UPLOADS)
    report = Article.objects.get(slug="camp-visit-report")
    page = client.get(report.get_absolute_url()).content.decode()
    camp = image_address("camp.png")
    gate = image_address("gate.png")
    assert f'<img src="{camp}" alt="Tents at the camp">' in page
    assert "The tents in August." in page
    assert f'<img src="{gate}" alt="The gate of the camp">' in page
    assert page.index(gate) < page.index("We visited the camp")  # featured: first
    assert "tracker.example.net" not in page and "a tracking pixel" in page  # alt text only
    response = client.get(camp)
    assert response.status_code == 302
    camp_file = Document.objects.get(sha256=sha256(UPLOADS / "2016/08/camp.png"))
    assert response["Location"] == camp_file.get_download_url()
    assert client.get(response["Location"]).status_code == 200


def test_a_drafts_images_are_not_public(db, client):
    run_import(EXPORT, "--uploads", UPLOADS)
    report = Article.objects.get(slug="camp-visit-report")
    Article.objects.filter(pk=report.pk).unpublish()
    assert client.get(image_address("camp.png")).status_code == 404


def test_importing_again_with_uploads_changes_nothing(db):
    run_import(EXPORT, "--uploads", UPLOADS)
    before = sorted(Document.objects.values_list("pk", "sha256", "updated_at"))
    output = run_import(EXPORT, "--uploads", UPLOADS)
    assert "file        0 created, 0 updated, 4 unchanged" in output
    assert sorted(Document.objects.values_list("pk", "sha256", "updated_at")) == before


def test_an_upload_the_archive_does_not_accept_is_left_out_with_a_note(db, tmp_path):
    uploads = tmp_path / "uploads"
    shutil.copytree(UPLOADS, uploads)
    (uploads / "2016/08/minutes.pdf").write_bytes(b"<html><script>alert(1)</script></html>")
    output = run_import(EXPORT, "--uploads", uploads)
    assert "Left out." in output and "minutes.pdf" in output
    report = Article.objects.get(slug="camp-visit-report")
    assert "minutes.pdf" not in [d.original_name for d in Document.objects.of(report)]


def test_an_upload_linking_outside_the_folder_is_not_read(db, tmp_path):
    uploads = tmp_path / "uploads"
    shutil.copytree(UPLOADS, uploads)
    (tmp_path / "secret.pdf").write_bytes((UPLOADS / "2016/08/minutes.pdf").read_bytes())
    (uploads / "2016/08/minutes.pdf").unlink()
    (uploads / "2016/08/minutes.pdf").symlink_to(tmp_path / "secret.pdf")
    run_import(EXPORT, "--uploads", uploads)
    assert not Document.objects.filter(original_name="minutes.pdf").exists()


def test_uploads_must_name_a_folder(db, tmp_path):
    assert_import_fails(EXPORT, "--uploads", tmp_path / "nowhere", expect=["--uploads names no"])


@pytest.mark.skipif(not THEME_TEST_DATA.exists(), reason="theme unit test data not present")
def test_the_theme_unit_test_exports_attachments_become_files_of_their_posts(db, tmp_path):
    """WordPress's own theme unit test export (38 attachments), with an uploads folder made
    here: a small picture at the path of every attachment."""
    from PIL import Image

    text = THEME_TEST_DATA.read_text()
    addresses = set(re.findall(r"<wp:attachment_url>(.*?)</wp:attachment_url>", text))
    for address in addresses:
        relative = address.split(".files.wordpress.com/", 1)[1]
        path = tmp_path / "uploads" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        colour = int(hashlib.sha256(address.encode()).hexdigest()[:6], 16)
        picture = Image.new("RGB", (8, 8), colour)
        picture.save(path, {".png": "PNG", ".gif": "GIF"}.get(path.suffix.lower(), "JPEG"))
    output = run_import(THEME_TEST_DATA, "--uploads", tmp_path / "uploads")
    assert "attachments skipped" not in output
    attached = Document.objects.count()
    assert attached >= 20, output
    featured = Article.objects.get(slug="template-featured-image-horizontal")
    assert '<img src="/files/sha256/' in featured.body
