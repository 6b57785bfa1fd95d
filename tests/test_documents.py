"""Files attached to records: added through archive.documents.add_file (the one path)."""

import hashlib
import io

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from archive.documents import FileRefused, add_file
from archive.models import Article, Document, Event, Person, Status

from . import document_files as files
from .public_helpers import draft, publish

pytestmark = pytest.mark.django_db


def stored_names():
    names = []
    for top in ("documents", "thumbnails"):
        if default_storage.exists(top):
            stack = [top]
            while stack:
                folder = stack.pop()
                dirs, found = default_storage.listdir(folder)
                stack += [f"{folder}/{name}" for name in dirs]
                names += [f"{folder}/{name}" for name in found]
    return sorted(names)


def test_an_image_is_hashed_measured_stored_and_previewed():
    person = publish(Person, name="Maryam Rajavi")
    data = files.png(1000, 500)
    document = add_file(person, io.BytesIO(data), "portrait.png", title="A portrait")

    document.refresh_from_db()
    assert document.record == person
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert (document.size, document.media_type) == (len(data), "image/png")
    assert (document.width, document.height, document.page_count) == (1000, 500, None)
    assert document.status == Status.DRAFT
    assert document.original_name == "portrait.png"
    assert document.file.read() == data
    assert document.verify()
    assert document.thumbnail_widths() == [320, 640]
    with default_storage.open(document.thumbnails["320"]) as preview:
        image = Image.open(preview)
        assert (image.format, image.size) == ("WEBP", (320, 160))
    assert (document.text, document.text_state) == ("", "")


def test_previews_carry_no_exif():
    event = publish(Event, title="Rally")
    document = add_file(event, io.BytesIO(files.jpeg_with_gps()), "rally.jpg")
    assert document.media_type == "image/jpeg"
    for name in document.thumbnails.values():
        with default_storage.open(name) as preview:
            image = Image.open(preview)
            assert not image.getexif()
            assert "exif" not in image.info


def test_a_pdf_gets_its_page_count_and_a_first_page_preview():
    article = publish(Article, title="S. CON. RES. 42")
    document = add_file(article, io.BytesIO(files.pdf(pages=3)), "resolution.pdf")
    assert (document.media_type, document.page_count) == ("application/pdf", 3)
    assert document.title == "resolution"
    assert document.thumbnails
    assert document.kind == "pdf"


@pytest.mark.parametrize(
    ("data", "name", "media_type"),
    [
        (files.docx(), "letter.docx", "application/vnd.openxmlformats-officedocument."
         "wordprocessingml.document"),
        (files.odt(), "letter.odt", "application/vnd.oasis.opendocument.text"),
        ("Statement of 19 August 2016. Ашраф — اشرف\n".encode(), "statement.txt", "text/plain"),
        (b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x00" * 100, "speech.mp3", "audio/mpeg"),
        (b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00" + b"\x00" * 100, "rally.mp4", "video/mp4"),
        (b"\x00\x00\x00\x18ftypM4A \x00\x00\x00\x00" + b"\x00" * 100, "speech.m4a", "audio/mp4"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 100, "speech.wav", "audio/wav"),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm" + b"\x00" * 100, "v.webm",
         "video/webm"),
    ],
)  # fmt: skip
def test_accepted_types_are_recognised_from_their_content(data, name, media_type):
    person = publish(Person, name="Someone")
    document = add_file(person, io.BytesIO(data), name)
    assert document.media_type == media_type


def test_a_name_without_extension_gets_the_one_its_content_has():
    person = publish(Person, name="Someone")
    document = add_file(person, io.BytesIO(files.pdf(1)), "scan")
    assert document.original_name == "scan.pdf"


def test_a_fake_pdf_is_refused_with_a_clear_message_and_nothing_is_stored():
    person = publish(Person, name="Someone")
    with pytest.raises(FileRefused) as refused:
        add_file(person, io.BytesIO(files.png()), "resolution.pdf")
    assert "“resolution.pdf” is named as PDF document, but its content is PNG image" in str(
        refused.value
    )
    with pytest.raises(FileRefused, match="named as PDF document, but its content is binary"):
        add_file(person, io.BytesIO(b"\x00\x01\x02 not a pdf"), "resolution.pdf")
    with pytest.raises(FileRefused, match="starts like a PDF but cannot be read as one"):
        add_file(person, io.BytesIO(b"%PDF-1.7\nnothing else"), "resolution.pdf")
    assert not Document.objects.exists()
    assert stored_names() == []


def test_a_file_over_the_limit_is_refused_before_it_is_read_whole(settings):
    settings.ARCHIVE_MAX_UPLOAD_BYTES = 1000
    person = publish(Person, name="Someone")

    class Endless(io.RawIOBase):
        read_calls = 0

        def read(self, size=-1):
            self.read_calls += 1
            return b"a" * 600

    endless = Endless()
    with pytest.raises(FileRefused, match="larger than the limit of 1,000 bytes") as refused:
        add_file(person, endless, "huge.txt")
    assert refused.value.code == "too_large"
    assert endless.read_calls == 2
    assert not Document.objects.exists()


def test_the_same_file_twice_on_a_record_is_one_document_and_one_stored_file():
    first, second = publish(Person, name="One"), publish(Person, name="Two")
    data = files.pdf(1)
    a = add_file(first, io.BytesIO(data), "letter.pdf", title="Letter")
    again = add_file(first, io.BytesIO(data), "letter.pdf", title="The letter")
    other = add_file(second, io.BytesIO(data), "copy.pdf")
    assert again.pk == a.pk and again.title == "The letter"
    assert Document.objects.count() == 2
    assert other.file.name == a.file.name
    assert len([name for name in stored_names() if name.startswith("documents/")]) == 1


def test_unknown_metadata_is_an_error_not_ignored():
    person = publish(Person, name="Someone")
    with pytest.raises(TypeError, match="unexpected metadata"):
        add_file(person, io.BytesIO(files.png()), "a.png", author="x")


def test_bad_metadata_is_refused_with_the_field():
    person = publish(Person, name="Someone")
    with pytest.raises(Exception, match="not a date"):
        add_file(person, io.BytesIO(files.png()), "a.png", date="someday")
    assert not Document.objects.exists()


def test_published_means_a_published_document_of_a_published_record():
    shown, hidden = publish(Person, name="Shown"), draft(Person, name="Hidden")
    visible = add_file(shown, io.BytesIO(files.png()), "a.png", status=Status.PUBLISHED)
    add_file(shown, io.BytesIO(files.png(colour=(1, 2, 3))), "b.png")  # a draft document
    add_file(hidden, io.BytesIO(files.png()), "c.png", status=Status.PUBLISHED)
    article = publish(Article, title="Shown too")
    on_article = add_file(article, io.BytesIO(files.pdf(1)), "d.pdf", status=Status.PUBLISHED)
    assert set(Document.objects.published()) == {visible, on_article}
    assert list(Document.objects.of(shown).published()) == [visible]


def test_deleting_a_record_deletes_its_documents():
    person = publish(Person, name="Someone")
    add_file(person, io.BytesIO(files.png()), "a.png")
    person.delete()
    assert not Document.objects.exists()
