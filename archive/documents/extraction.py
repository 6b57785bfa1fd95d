"""The words of a PDF or text file, read when the file is added, so search can find them.

``extract(document)`` runs on ``document_added`` (the one add path, ``add_file``): it reads the
stored file and fills ``text`` and ``text_state``. The work is bounded whatever the file: at
most ``ARCHIVE_DOCUMENT_TEXT_MAX_PAGES`` pages, ``ARCHIVE_DOCUMENT_TEXT_MAX_CHARS`` characters
and ``ARCHIVE_DOCUMENT_TEXT_SECONDS`` seconds (the text read until then is kept). A PDF whose
pages hold no text at all (a scan, pictures of pages) is marked "no text (scanned)": its words
can only be found after OCR, which the archive does not do.
"""

import logging
import time

from django.conf import settings

from ..models.documents import TextState

log = logging.getLogger(__name__)

PDF = "application/pdf"
PLAIN_TEXT = "text/plain"
EXTRACTED_TYPES = {PDF, PLAIN_TEXT}


def extract(document):
    """Fill ``document.text`` and ``text_state`` from its stored file and save them (a PDF or
    plain text file; other types are left alone)."""
    if document.media_type not in EXTRACTED_TYPES:
        return
    try:
        with document.file.open("rb") as stored:
            data = stored.read()
    except OSError:
        log.warning("Document %s: its file cannot be read for text", document.pk)
        return
    text, state = text_of(data, document.media_type)
    if (text, state) == (document.text, document.text_state):
        return
    document.text, document.text_state = text, state
    document.save(update_fields=["text", "text_state"])


def text_of(data, media_type):
    """(text, text state) of a file's bytes."""
    limit = settings.ARCHIVE_DOCUMENT_TEXT_MAX_CHARS
    if media_type == PLAIN_TEXT:
        # At most four bytes a character: no need to decode more than this.
        text = data[: limit * 4].decode("utf-8", errors="replace")[:limit]
        return _tidy(text), TextState.EXTRACTED
    return _pdf_text(data, limit)


def _pdf_text(data, limit):
    import pypdfium2

    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError:
        return "", TextState.FAILED
    pages = []
    length = 0
    deadline = time.monotonic() + settings.ARCHIVE_DOCUMENT_TEXT_SECONDS
    try:
        for number in range(min(len(pdf), settings.ARCHIVE_DOCUMENT_TEXT_MAX_PAGES)):
            if length >= limit or time.monotonic() > deadline:
                break
            page = pdf[number]
            try:
                textpage = page.get_textpage()
                try:
                    text = _tidy(textpage.get_text_bounded())
                finally:
                    textpage.close()
            except pypdfium2.PdfiumError:
                text = ""
            finally:
                page.close()
            if text:
                pages.append(text)
                length += len(text) + 2
    finally:
        pdf.close()
    text = "\n\n".join(pages)[:limit]
    return text, TextState.EXTRACTED if text else TextState.SCANNED


def _tidy(text):
    """Lines without trailing spaces or control characters (PostgreSQL refuses NUL; PDFs often
    hold form feeds and odd line ends)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = (
        "".join(c for c in line if c.isprintable() or c == "\t").rstrip()
        for line in text.split("\n")
    )
    return "\n".join(lines).strip()


def document_added(sender, document, **kwargs):
    extract(document)
