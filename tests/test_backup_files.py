"""Backups carry the records' files: a backup restored into an empty database (and an empty
media folder) gives back every document with its file, previews and searchable text."""

import io
from pathlib import Path

import pytest
from django.db import connection

from archive.documents import add_file
from archive.models import Article, Document, Status
from tests.test_backups import backup, empty_database, every_row, restore

from . import document_files as made

pytestmark = pytest.mark.django_db(transaction=True)

MINUTES = Path(__file__).parent / "fixtures" / "documents" / "minutes.pdf"


def stored(root):
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in Path(root).rglob("*")
        if path.is_file()
    }


def test_documents_and_their_files_are_backed_up_and_restored(db, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    article = Article.objects.create(title="Minutes", status=Status.PUBLISHED)
    with MINUTES.open("rb") as stream:
        add_file(article, stream, "minutes.pdf", status=Status.PUBLISHED)
    add_file(article, io.BytesIO(made.png(700, 500)), "photo.png")
    files = stored(tmp_path / "media")
    assert len(files) >= 4  # two files and their previews
    output = backup(tmp_path / "backup")
    assert "Backed up" in output
    before = every_row(connection)

    settings.MEDIA_ROOT = str(tmp_path / "restored-media")
    with empty_database(tmp_path) as target:
        assert f"and {len(files)} media files" in restore(tmp_path / "backup")
        assert every_row(target) == before
        restored = list(Document.objects.using(target.alias).order_by("pk"))
    assert stored(tmp_path / "restored-media") == files
    assert [document.verify() for document in restored] == [True, True]
    assert "palimpsest" in restored[0].text
