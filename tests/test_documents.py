"""Files attached to records: added through archive.documents.add_file (the one path)."""

import hashlib
import io
from urllib.parse import quote

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from archive.documents import FileRefused, add_file
from archive.models import Article, Document, Event, Person, Status

from . import document_files as files
from .fixtures.admin_forms import person_change_form
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


# Serving ---------------------------------------------------------------------------------


def published_file(data, name, record=None, **meta):
    record = record or publish(Person, name="Camp Liberty resident")
    return add_file(record, io.BytesIO(data), name, status=Status.PUBLISHED, **meta)


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_a_published_pdf_is_served_inline_with_protective_headers(client):
    data = files.pdf(1)
    document = published_file(data, "resolution.pdf")
    response = client.get(document.get_download_url())
    assert response.status_code == 200
    assert body(response) == data
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="resolution.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["Content-Length"] == str(len(data))


def test_a_download_answers_one_byte_range_so_players_can_seek(client):
    data = files.pdf(3)
    document = published_file(data, "resolution.pdf")
    url = document.get_download_url()
    size = len(data)
    whole = client.get(url)
    assert (whole.status_code, whole["Accept-Ranges"]) == (200, "bytes")
    for header, first, last in [
        ("bytes=0-99", 0, 99),
        ("bytes=100-", 100, size - 1),
        ("bytes=-50", size - 50, size - 1),
        ("bytes=10-999999999", 10, size - 1),
    ]:
        response = client.get(url, headers={"Range": header})
        assert response.status_code == 206, header
        assert body(response) == data[first : last + 1], header
        assert response["Content-Range"] == f"bytes {first}-{last}/{size}"
        assert response["Content-Length"] == str(last - first + 1)
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
        assert response["X-Content-Type-Options"] == "nosniff"

    past_the_end = client.get(url, headers={"Range": f"bytes={size}-"})
    assert past_the_end.status_code == 416
    assert past_the_end["Content-Range"] == f"bytes */{size}"
    assert past_the_end["Content-Security-Policy"] == "sandbox; default-src 'none'"

    etag = whole["ETag"]
    same_version = client.get(url, headers={"Range": "bytes=0-9", "If-Range": etag})
    assert (same_version.status_code, body(same_version)) == (206, data[:10])
    # The whole file, as RFC 9110 allows: several ranges, another version, another unit, nonsense.
    for headers in [
        {"Range": "bytes=0-9,20-29"},
        {"Range": "bytes=0-9", "If-Range": '"another version"'},
        {"Range": "items=0-9"},
        {"Range": "bytes=9-0"},
        {"Range": "bytes=-"},
    ]:
        response = client.get(url, headers=headers)
        assert (response.status_code, body(response)) == (200, data), headers


def test_a_range_of_a_draft_file_is_not_found(client):
    document = published_file(files.pdf(1), "minutes.pdf")
    document.status = Status.DRAFT
    document.save()
    response = client.get(document.get_download_url(), headers={"Range": "bytes=0-9"})
    assert response.status_code == 404


def test_office_documents_and_text_are_downloads(client):
    docx = published_file(files.docx(), "letter.docx")
    text = published_file(b"plain words", "notes.txt")
    response = client.get(docx.get_download_url())
    assert response["Content-Disposition"] == 'attachment; filename="letter.docx"'
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    response = client.get(text.get_download_url())
    assert response["Content-Disposition"] == 'attachment; filename="notes.txt"'
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"


def test_a_non_ascii_name_is_given_as_filename_star(client):
    document = published_file(files.png(), "نامه سرگشاده.png")
    disposition = client.get(document.get_download_url())["Content-Disposition"]
    assert disposition == "inline; filename*=utf-8''" + quote("نامه سرگشاده.png")


def test_a_polyglot_pdf_is_served_as_a_pdf_in_a_sandbox(client):
    document = published_file(files.pdf(1) + files.POLYGLOT_TAIL, "both.pdf")
    response = client.get(document.get_download_url())
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_previews_are_served_as_webp_with_the_same_headers(client):
    document = published_file(files.png(800, 400), "photo.png")
    response = client.get(document.preview_url(320))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert Image.open(io.BytesIO(body(response))).size == (320, 160)
    assert client.get(document.preview_url(999)).status_code == 404


@pytest.mark.parametrize("hidden", ["document", "record"])
def test_drafts_files_are_404_everywhere(client, hidden):
    record = publish(Person, name="Someone") if hidden == "document" else draft(Person, name="X")
    status = Status.DRAFT if hidden == "document" else Status.PUBLISHED
    document = add_file(record, io.BytesIO(files.png(800, 400)), "a.png", status=status)
    for url in [
        document.get_absolute_url(),
        document.get_download_url(),
        document.preview_url(320),
    ]:
        assert client.get(url).status_code == 404, url
    if hidden == "document":
        page = client.get(record.get_absolute_url()).content.decode()
        assert document.get_absolute_url() not in page
        assert document.preview_url(320) not in page


def test_staff_preview_a_draft_file_marked_and_uncached(editor_client):
    document = add_file(publish(Person, name="Someone"), io.BytesIO(files.png()), "a.png")
    response = editor_client.get(document.get_absolute_url())
    assert response.status_code == 200
    assert "Draft — not visible to the public" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    response = editor_client.get(document.get_download_url())
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_a_missing_stored_file_is_a_404_not_a_500(client):
    document = published_file(b"words", "notes.txt")
    default_storage.delete(document.file.name)
    assert client.get(document.get_download_url()).status_code == 404


# Pages ---------------------------------------------------------------------------------


def test_a_files_page_shows_its_metadata_record_hash_and_citation(client):
    article = publish(Article, title="Senate resolution")
    document = published_file(
        files.pdf(2),
        "res.pdf",
        record=article,
        title="S. CON. RES. 42",
        description="The resolution as introduced.",
        date="2016-08-19",
        source="https://www.congress.gov/",
        language="en",
    )
    response = client.get(f"/files/{document.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    for text in [
        "S. CON. RES. 42",
        "The resolution as introduced.",
        "19 August 2016",
        article.get_absolute_url(),
        document.sha256,
        "2 pages",
        "Cite this file",
        document.get_download_url(),
        f'srcset="{document.preview_url(320)} 320w',
    ]:
        assert text in page, text
    assert '"@type": "DigitalDocument"' in page
    assert f'"sha256": "{document.sha256}"' in page
    assert '"isPartOf"' in page


def test_a_records_page_lists_its_published_files_in_constant_queries(client, rendered_every_time):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    person = publish(Person, name="Someone")
    published_file(files.png(), "one.png", record=person)

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(person.get_absolute_url())
        assert response.status_code == 200
        return len(queries), response.content.decode()

    few, _ = count()
    for n in range(6):
        published_file(files.png(colour=(n, n, n)), f"more-{n}.png", record=person)
    add_file(person, io.BytesIO(files.pdf(1)), "draft.pdf")  # a draft: not listed
    many, page = count()
    assert few == many
    assert page.count('class="document"') == 7
    assert "draft.pdf" not in page
    assert '"subjectOf"' in page


def test_audio_and_video_get_native_players(client):
    person = publish(Person, name="Someone")
    mp3 = published_file(b"ID3\x04" + b"\x00" * 64, "speech.mp3", record=person)
    published_file(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64, "rally.mp4", record=person)
    page = client.get(person.get_absolute_url()).content.decode()
    assert f'<audio controls preload="none" src="{mp3.get_download_url()}">' in page
    assert "<video controls" in page
    assert '"@type": "AudioObject"' in page


def test_a_deleted_documents_file_goes_unless_another_uses_it(django_capture_on_commit_callbacks):
    one, two = publish(Person, name="One"), publish(Person, name="Two")
    shared = add_file(one, io.BytesIO(files.png(800, 400)), "a.png")
    add_file(two, io.BytesIO(files.png(800, 400)), "b.png")
    with django_capture_on_commit_callbacks(execute=True):
        shared.delete()
    assert default_storage.exists(shared.file.name)
    assert default_storage.exists(shared.thumbnails["320"])
    with django_capture_on_commit_callbacks(execute=True):
        two.delete()
    assert stored_names() == []


# Admin ---------------------------------------------------------------------------------


def admin_url(model, action, *args):
    return reverse(f"admin:archive_{model._meta.model_name}_{action}", args=args)


def person_with_files(person, *rows, initial=()):
    """The person's change form, with ``rows`` of new files (dicts of fields)."""
    data = {
        **person_change_form(person),
        "documents-TOTAL_FORMS": str(len(initial) + len(rows)),
        "documents-INITIAL_FORMS": str(len(initial)),
        "documents-MIN_NUM_FORMS": "0",
        "documents-MAX_NUM_FORMS": "1000",
    }
    for n, row in enumerate([*initial, *rows]):
        fields = {
            "title": "",
            "description": "",
            "date": "",
            "source": "",
            "language": "",
            "status": Status.DRAFT,
            **row,
        }
        data.update({f"documents-{n}-{key}": value for key, value in fields.items()})
    return data


def upload(data, name):
    return SimpleUploadedFile(name, data)


def test_an_editor_attaches_a_file_in_the_admin(editor_client):
    person = draft(Person, name="Someone")
    data = files.pdf(2)
    row = {
        "upload": upload(data, "letter.pdf"),
        "title": "Open letter",
        "date": "19 August 2016",
        "source": "Scanned from the original",
        "language": "en",
        "description": "Signed by 12 members.",
        "status": Status.PUBLISHED,
    }
    response = editor_client.post(
        admin_url(Person, "change", person.pk), person_with_files(person, row)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    document = Document.objects.get()
    assert document.record == person
    assert (document.title, str(document.date), document.language) == (
        "Open letter",
        "2016-08-19",
        "en",
    )
    assert (document.page_count, document.media_type, document.status) == (
        2,
        "application/pdf",
        "published",
    )
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    page = editor_client.get(admin_url(Person, "change", person.pk)).content.decode()
    assert document.sha256 in page
    assert 'enctype="multipart/form-data"' in page


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (files.png(), "resolution.pdf", "is named as PDF document, but its content is PNG image"),
        (files.SVG_WITH_SCRIPT, "drawing.svg", "HTML, SVG and XML files are not accepted"),
        (files.HTML, "page.html", "HTML, SVG and XML files are not accepted"),
        (files.bomb_png(), "bomb.png", "may be a decompression bomb"),
    ],
)
def test_a_refused_upload_is_an_error_on_the_form(editor_client, data, name, message):
    person = draft(Person, name="Someone")
    form = person_with_files(person, {"upload": upload(data, name)})
    response = editor_client.post(admin_url(Person, "change", person.pk), form)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Document.objects.exists()


def test_an_upload_over_the_limit_is_an_error_on_the_form(editor_client, settings):
    settings.ARCHIVE_MAX_UPLOAD_BYTES = 2000
    person = draft(Person, name="Someone")
    form = person_with_files(person, {"upload": upload(b"a" * 2001, "long.txt")})
    response = editor_client.post(admin_url(Person, "change", person.pk), form)
    assert response.status_code == 200
    assert "“long.txt” is larger than the limit of 2,000 bytes" in response.content.decode()
    assert not Document.objects.exists()


def test_a_row_without_a_file_is_an_error(editor_client):
    person = draft(Person, name="Someone")
    form = person_with_files(person, {"title": "Forgot the file"})
    response = editor_client.post(admin_url(Person, "change", person.pk), form)
    assert response.status_code == 200
    assert "Choose a file to attach" in response.content.decode()


def test_a_contributor_attaches_a_draft_file_but_cannot_publish_it(contributor_client):
    person = draft(Person, name="Someone")
    url = admin_url(Person, "change", person.pk)
    refused = person_with_files(
        person, {"upload": upload(files.png(), "a.png"), "status": "published"}
    )
    response = contributor_client.post(url, refused)
    assert response.status_code == 200
    assert "You can save drafts, but not publish" in response.content.decode()
    assert not Document.objects.exists()
    response = contributor_client.post(
        url, person_with_files(person, {"upload": upload(files.png(), "a.png")})
    )
    assert response.status_code == 302
    assert Document.objects.get().status == Status.DRAFT


def test_a_contributor_cannot_change_a_published_records_files(contributor_client):
    person = publish(Person, name="Someone")
    document = add_file(person, io.BytesIO(files.png()), "a.png")
    response = contributor_client.get(admin_url(Document, "change", document.pk))
    assert "Save" not in response.content.decode() or response.status_code == 403
    response = contributor_client.post(
        admin_url(Document, "change", document.pk), {"title": "Changed", "status": "draft"}
    )
    assert response.status_code == 403
    document.refresh_from_db()
    assert document.title == "a"


def test_posting_a_record_without_the_files_rows_leaves_its_files(editor_client):
    person = draft(Person, name="Someone")
    add_file(person, io.BytesIO(files.png()), "a.png")
    form = person_with_files(person)
    for key in [key for key in form if key.startswith("documents-")]:
        del form[key]
    form["description"] = "Changed"
    assert editor_client.post(admin_url(Person, "change", person.pk), form).status_code == 302
    assert Document.objects.count() == 1


def test_the_document_change_page_says_whether_the_file_still_matches(editor_client):
    document = add_file(publish(Person, name="Someone"), io.BytesIO(b"original words"), "a.txt")
    url = admin_url(Document, "change", document.pk)
    assert "Yes: the stored file matches" in editor_client.get(url).content.decode()
    path = document.file.path
    with open(path, "wb") as tampered:
        tampered.write(b"altered words")
    assert (
        "NO: the stored file is missing or no longer matches"
        in editor_client.get(url).content.decode()
    )
    response = editor_client.post(
        admin_url(Document, "changelist"),
        {"action": "verify_selected", "_selected_action": [document.pk]},
        follow=True,
    )
    assert "1 of 1 file(s) no longer match their SHA-256" in response.content.decode()


def test_the_documents_list_costs_the_same_queries_whatever_its_length(editor_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert editor_client.get(admin_url(Document, "changelist")).status_code == 200
        return len(queries)

    def add_some(n):
        for model, field in [(Person, "name"), (Article, "title"), (Event, "title")]:
            record = publish(model, **{field: f"{model.__name__} {n}"})
            add_file(record, io.BytesIO(files.png(colour=(n, 0, 0))), "a.png")

    add_some(0)
    few = count()  # a query per kind of record the page's files belong to, at most
    for n in range(1, 6):
        add_some(n)
    assert count() == few


def test_a_files_page_costs_a_fixed_number_of_queries(
    client, rendered_every_time, django_assert_num_queries
):
    article = publish(Article, title="With tags")
    article.tags.add(*[f"tag {n}" for n in range(20)])
    for record in [publish(Person, name="Someone"), article]:
        document = published_file(files.pdf(1), "a.pdf", record=record)
        with django_assert_num_queries(2):  # the document (if public), its record
            assert client.get(document.get_absolute_url()).status_code == 200
