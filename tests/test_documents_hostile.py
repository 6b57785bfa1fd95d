"""Hostile files: none is stored as something a browser would run on the site's origin."""

import io

import pytest

from archive.documents import FileRefused, add_file
from archive.models import Document, Person

from . import document_files as files
from .public_helpers import publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    return publish(Person, name="Someone")


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (files.SVG_WITH_SCRIPT, "drawing.svg"),
        (files.SVG_WITH_SCRIPT, "drawing.txt"),
        (files.SVG_WITH_SCRIPT, "drawing"),
        (files.HTML, "page.html"),
        (files.HTML, "page.txt"),
        (files.HTML, "notes"),
        (b"  \n<html><script>alert(1)</script></html>", "page.md"),
        (files.png(), "picture.svg"),
    ],
)
def test_svg_and_html_are_refused_whatever_their_name(person, data, name):
    with pytest.raises(FileRefused, match="HTML, SVG and XML files are not accepted"):
        add_file(person, io.BytesIO(data), name)
    assert not Document.objects.exists()


def test_a_decompression_bomb_image_is_refused(person):
    data = files.bomb_png()
    assert len(data) < 1000
    with pytest.raises(FileRefused, match="may be a decompression bomb") as refused:
        add_file(person, io.BytesIO(data), "bomb.png")
    assert refused.value.code == "unreadable"
    assert not Document.objects.exists()


def test_an_image_just_over_the_configured_pixel_limit_is_refused(person, settings):
    settings.ARCHIVE_MAX_IMAGE_PIXELS = 40 * 30 - 1
    with pytest.raises(FileRefused, match="more than 1,199 pixels"):
        add_file(person, io.BytesIO(files.png(40, 30)), "a.png")


def test_a_polyglot_pdf_is_kept_as_a_pdf_only(person):
    """Both a PDF and an HTML page: stored as application/pdf, served as that (see the serving
    tests), never as HTML."""
    document = add_file(person, io.BytesIO(files.pdf(1) + files.POLYGLOT_TAIL), "both.pdf")
    assert document.media_type == "application/pdf"


def test_html_first_polyglot_is_refused(person):
    with pytest.raises(FileRefused, match="HTML, SVG and XML"):
        add_file(person, io.BytesIO(files.HTML + files.pdf(1)), "both.pdf")


@pytest.mark.parametrize(
    ("data", "name", "said"),
    [
        (files.plain_zip(), "letter.docx", "a ZIP archive"),
        (b"MZ\x90\x00" + b"\x00" * 64, "setup.pdf", "a program"),
        (b"\x7fELF" + b"\x00" * 64, "notes.txt", "a program"),
        (b"\x00\x00\x00\x18ftypheic" + b"\x00" * 64, "photo.heic", "ISO media file"),
        (b"\x00binary\xff\xfe", "data.bin", "binary data"),
    ],
)
def test_unaccepted_types_are_refused_saying_what_they_are(person, data, name, said):
    with pytest.raises(FileRefused, match=said):
        add_file(person, io.BytesIO(data), name)


def test_an_empty_file_is_refused(person):
    with pytest.raises(FileRefused, match="is empty"):
        add_file(person, io.BytesIO(b""), "empty.txt")


def test_a_name_cannot_climb_out_of_its_folder(person):
    document = add_file(person, io.BytesIO(b"plain words"), "../../etc/pass\x00wd.txt")
    assert document.original_name == "passwd.txt"
    assert document.file.name.startswith("documents/")
    assert ".." not in document.file.name
