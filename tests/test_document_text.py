"""The words of attached PDFs and text files: read when the file is added, searchable with the
record (only published files of published records), kept in step as files come and go.

Run on SQLite and with DATABASE_URL pointing at PostgreSQL: both back ends must agree.
"""

import io
from pathlib import Path

import pytest

from archive.documents import add_file
from archive.models import Article, Document, Person, Status
from archive.models.documents import TextState

from . import document_files as files
from .public_helpers import publish

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("rendered_every_time")]

FIXTURES = Path(__file__).parent / "fixtures" / "documents"
MINUTES = FIXTURES / "minutes.pdf"  # a text layer: "… the palimpsest resolution aloud …"
SCANNED = FIXTURES / "scanned.pdf"  # the same words as a picture only


def attach(record, path, **meta):
    with open(path, "rb") as stream:
        return add_file(record, stream, path.name, **meta)


def search(client, q):
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    return response


def hit_urls(response):
    return [hit.url for hit in response.context["results"].page.object_list]


@pytest.fixture
def article():
    return publish(Article, title="Committee business", body="The committee met.")


def test_a_pdfs_text_is_extracted_when_it_is_added(article):
    document = attach(article, MINUTES)
    document.refresh_from_db()
    assert document.text_state == TextState.EXTRACTED
    assert "palimpsest resolution aloud" in document.text
    assert document.text.splitlines()[0] == "Minutes of the fixture committee, 19 August 2016."


def test_a_scanned_pdf_without_text_is_marked_so(article):
    document = attach(article, SCANNED)
    document.refresh_from_db()
    assert (document.text, document.text_state) == ("", TextState.SCANNED)
    assert document.get_text_state_display() == "No text (scanned)"


def test_a_text_files_words_are_extracted(article):
    document = add_file(article, io.BytesIO(b"Notes on the ledger.\r\n"), "notes.txt")
    document.refresh_from_db()
    assert (document.text, document.text_state) == ("Notes on the ledger.", TextState.EXTRACTED)


def test_images_have_no_text_to_extract(article):
    document = add_file(article, io.BytesIO(files.png()), "photo.png")
    document.refresh_from_db()
    assert (document.text, document.text_state) == ("", "")


def test_extraction_is_bounded_by_pages_and_characters(article, settings):
    settings.ARCHIVE_DOCUMENT_TEXT_MAX_CHARS = 20
    document = attach(article, MINUTES)
    document.refresh_from_db()
    assert document.text == "Minutes of the fixtur"[:20]
    settings.ARCHIVE_DOCUMENT_TEXT_MAX_CHARS = 1000
    settings.ARCHIVE_DOCUMENT_TEXT_MAX_PAGES = 0
    other = publish(Article, title="Other")
    document = attach(other, MINUTES)
    document.refresh_from_db()
    assert document.text == ""


def test_a_published_files_words_find_its_record_and_say_which_file(client, article):
    attach(article, MINUTES, title="Minutes, August 2016", status=Status.PUBLISHED)
    response = search(client, "palimpsest")
    assert hit_urls(response) == [article.get_absolute_url()]
    (hit,) = response.context["results"].page.object_list
    assert hit.document == "Minutes, August 2016"
    assert "<mark>palimpsest</mark>" in hit.snippet
    html = response.content.decode()
    assert "In the attached document “Minutes, August 2016”:" in html


def test_words_in_the_record_itself_are_shown_from_the_record(client, article):
    attach(article, MINUTES, status=Status.PUBLISHED)
    (hit,) = search(client, "committee").context["results"].page.object_list
    assert hit.document == ""
    assert "<mark>committee</mark> met" in hit.snippet


def test_draft_files_and_files_of_draft_records_are_not_searchable(client, article):
    document = attach(article, MINUTES)  # a draft file
    assert hit_urls(search(client, "palimpsest")) == []
    document.status = Status.PUBLISHED
    document.save()
    assert hit_urls(search(client, "palimpsest")) == [article.get_absolute_url()]
    Article.objects.filter(pk=article.pk).unpublish()
    assert hit_urls(search(client, "palimpsest")) == []
    Article.objects.filter(pk=article.pk).publish()
    assert hit_urls(search(client, "palimpsest")) == [article.get_absolute_url()]


def test_the_index_follows_a_files_change_and_deletion(client, article):
    document = attach(article, MINUTES, status=Status.PUBLISHED)
    document.title = "The renamed minutes"
    document.save()
    (hit,) = search(client, "palimpsest").context["results"].page.object_list
    assert hit.document == "The renamed minutes"
    document.delete()
    assert hit_urls(search(client, "palimpsest")) == []
    assert hit_urls(search(client, "committee")) == [article.get_absolute_url()]


def test_any_kind_of_record_carries_its_files_words(client):
    person = publish(Person, name="Ada Example")
    attach(person, MINUTES, status=Status.PUBLISHED)
    assert hit_urls(search(client, "quartermaster ledger")) == [person.get_absolute_url()]


def test_rebuilding_the_index_keeps_the_files_words(client, article):
    from django.core.management import call_command

    attach(article, MINUTES, status=Status.PUBLISHED)
    call_command("rebuild_search_index", stdout=io.StringIO())
    assert hit_urls(search(client, "palimpsest")) == [article.get_absolute_url()]


def test_a_search_page_costs_the_same_queries_with_files(client, django_assert_max_num_queries):
    for number in range(3):
        record = publish(Article, title=f"Minutes {number}")
        attach(record, MINUTES, title=f"Minutes file {number}", status=Status.PUBLISHED)
    search(client, "palimpsest")  # the facet arrays are read once per process
    with django_assert_max_num_queries(8) as few:
        search(client, "palimpsest")
    queries = len(few)
    for number in range(3, 9):
        record = publish(Article, title=f"Minutes {number}")
        attach(record, MINUTES, title=f"Minutes file {number}", status=Status.PUBLISHED)
    search(client, "palimpsest")
    with django_assert_max_num_queries(queries):
        search(client, "palimpsest")
    assert Document.objects.count() == 9
