"""The one way a file joins the archive: ``add_file(record, fileobj, name, **meta)``.

The admin and the imports both come through here. A file is

1. copied into a temporary spool while it is hashed (SHA-256) and measured, and refused past
   ``ARCHIVE_MAX_UPLOAD_BYTES`` without reading the rest;
2. recognised from its content (``types.sniff``) and refused unless its type is accepted and
   its name, if it has an extension, agrees ("letter.pdf" that is not a PDF is refused);
3. read: images under the pixel limit (a decompression bomb is refused), PDFs for their page
   count; both give preview images (``previews``), made now and kept in storage;
4. stored through Django's storage API (``STORAGES["default"]``: the local ``MEDIA_ROOT`` or
   S3-compatible storage) under its SHA-256, and recorded as a ``Document``.

Any refusal raises ``FileRefused`` (a ``ValidationError``) with a message a person can act on;
nothing is stored then. ``prepare`` does steps 1-3 alone, so a form can check a file in its
``clean()`` and ``store`` it on save.
"""

import hashlib
import os
import tempfile
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.dispatch import Signal

from ..models import Document, Status
from . import previews, types

CHUNK = 1024 * 1024
SPOOL_IN_MEMORY = 8 * 1024 * 1024
METADATA = ("title", "description", "date", "source", "language", "status")

# Sent (inside the transaction) when a document has been added with a new file: text extraction
# (``text``/``text_state``) and search indexing listen for it. Arguments: ``document``.
document_added = Signal()


class FileRefused(ValidationError):
    """The file cannot be added; the message says why and what to do."""


@dataclass
class Prepared:
    """A checked file, ready to store."""

    name: str
    spool: object
    sha256: str
    size: int
    media_type: str
    facts: previews.Facts

    def close(self):
        self.spool.close()


def megabytes(size):
    if size < 100 * 1024:
        return f"{size:,} bytes"
    return f"{size / (1024 * 1024):.1f} MB"


def clean_name(name):
    """The file's own name (no folders), safe in a storage path and a header; keeps any script."""
    name = unicodedata.normalize("NFC", os.path.basename(str(name or "").replace("\\", "/")))
    name = "".join(char for char in name if char.isprintable() and char not in '/\\:*?"<>|')
    name = name.strip(" .")
    stem, extension = os.path.splitext(name)
    return (stem[:150] or "file") + extension[:16].lower()


def _spool(fileobj, name, limit):
    """Copy ``fileobj`` into a temporary spool, hashing as it goes; refuse past ``limit``."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115 (returned)
    digest = hashlib.sha256()
    size = 0
    seekable = getattr(fileobj, "seekable", None)
    if seekable() if seekable else hasattr(fileobj, "seek"):
        fileobj.seek(0)
    for chunk in iter(lambda: fileobj.read(CHUNK), b""):
        size += len(chunk)
        if size > limit:
            spool.close()
            raise FileRefused(
                f"“{name}” is larger than the limit of {megabytes(limit)}: upload a smaller "
                "file (a PDF can be compressed, a long recording split), or ask the site's "
                "administrator to raise ARCHIVE_MAX_UPLOAD_BYTES.",
                code="too_large",
            )
        digest.update(chunk)
        spool.write(chunk)
    spool.seek(0)
    return spool, digest.hexdigest(), size


def _recognise(spool, name):
    extension = os.path.splitext(name)[1].lower()
    if extension in types.REFUSED_EXTENSIONS:
        raise FileRefused(f"“{name}”: {types.MARKUP_REFUSED}", code="markup")
    try:
        media_type = types.sniff(spool, extension)
    except types.Unrecognised as error:
        if str(error) == "HTML, SVG or XML":
            raise FileRefused(f"“{name}”: {types.MARKUP_REFUSED}", code="markup") from None
        claimed = _claimed_type(extension)
        said = f"named as {claimed.label}, but its content is {error}" if claimed else str(error)
        raise FileRefused(
            f"“{name}” is not accepted: it is {said}. Accepted: {types.ACCEPTED_LABELS}.",
            code="unaccepted",
        ) from None
    found = types.ACCEPTED[media_type]
    if extension and extension not in found.extensions:
        claimed = _claimed_type(extension)
        claim = f"named as {claimed.label}" if claimed else f"named “{extension}”"
        raise FileRefused(
            f"“{name}” is {claim}, but its content is {found.label}. Upload the right file, "
            f"or rename it to end in {found.extension}.",
            code="mismatch",
        )
    return media_type


def _claimed_type(extension):
    for file_type in types.ACCEPTED.values():
        if extension in file_type.extensions:
            return file_type
    return None


def _read(spool, name, media_type):
    try:
        if media_type.startswith("image/"):
            return previews.read_image(spool)
        if media_type == "application/pdf":
            return previews.read_pdf(spool)
    except previews.Unreadable as error:
        raise FileRefused(f"“{name}” is refused: {error}", code="unreadable") from None
    return previews.Facts()


def prepare(fileobj, name):
    """Check a file and learn what it is; raises ``FileRefused``. Close the result (or store
    it, which closes it)."""
    name = clean_name(name or getattr(fileobj, "name", ""))
    spool, sha256, size = _spool(fileobj, name, settings.ARCHIVE_MAX_UPLOAD_BYTES)
    try:
        if size == 0:
            raise FileRefused(f"“{name}” is empty.", code="empty")
        media_type = _recognise(spool, name)
        facts = _read(spool, name, media_type)
    except BaseException:
        spool.close()
        raise
    if not os.path.splitext(name)[1]:
        name += types.ACCEPTED[media_type].extension
    return Prepared(name, spool, sha256, size, media_type, facts)


def _save_previews(document, prepared):
    if prepared.facts.picture is None:
        return {}
    digest = prepared.sha256
    names = {}
    try:
        made = previews.previews(prepared.facts.picture)
    except (OSError, ValueError):
        return {}  # a picture Pillow reads but cannot convert: the file is kept, unpreviewed
    for width, data in made.items():
        path = f"thumbnails/{digest[:2]}/{digest}/{width}.webp"
        if not default_storage.exists(path):
            path = default_storage.save(path, ContentFile(data))
        names[str(width)] = path
    return names


def store(record, prepared, **meta):
    """Store a prepared file as a document of ``record`` and return the document.

    A record that already has this very file (the same SHA-256) keeps its one document: the
    metadata given replaces its own and it is returned, so adding the same file twice (an
    import run again) changes nothing else. A file already stored for another record is not
    stored twice.
    """
    unknown = set(meta) - {*METADATA, "import_run"}
    if unknown:
        raise TypeError(f"add_file() got unexpected metadata: {sorted(unknown)}")
    meta.setdefault("status", Status.DRAFT)
    try:
        with transaction.atomic():
            document = Document.objects.of(record).filter(sha256=prepared.sha256).first()
            if document is not None:
                changed = [key for key, value in meta.items() if getattr(document, key) != value]
                for key in changed:
                    setattr(document, key, meta[key])
                if changed:
                    document.full_clean(exclude=["file"])
                    document.save()
                return document
            document = Document(
                record=record,
                original_name=prepared.name,
                sha256=prepared.sha256,
                size=prepared.size,
                media_type=prepared.media_type,
                page_count=prepared.facts.page_count,
                width=prepared.facts.width,
                height=prepared.facts.height,
                **meta,
            )
            if not document.title:
                document.title = os.path.splitext(prepared.name)[0]
            document.full_clean(exclude=["file"])
            stored = (
                Document.objects.filter(sha256=prepared.sha256)
                .values_list("file", flat=True)
                .first()
            )
            if stored and default_storage.exists(stored):
                document.file.name = stored
            else:
                document.file.save(prepared.name, File(prepared.spool), save=False)
            document.thumbnails = _save_previews(document, prepared)
            document.save()
            document_added.send(sender=Document, document=document)
            return document
    finally:
        prepared.close()


def add_file(record, fileobj, name=None, **meta):
    """Check, hash, store and record a file attached to ``record``; returns the ``Document``.

    ``fileobj`` is any binary file object (an upload, an open file); ``name`` the name it came
    with (its extension must agree with its content). ``meta``: title, description, date,
    source, language, status (draft unless given) and import_run. Raises ``FileRefused``.
    """
    return store(record, prepare(fileobj, name), **meta)


def delete_unused_files(sender, instance, **kwargs):
    """After a document is deleted (and the deletion committed), remove its stored file and
    previews unless another document still uses them. Connected in ``ArchiveConfig.ready``."""
    name, digest, thumbnails = instance.file.name, instance.sha256, dict(instance.thumbnails)

    def remove():
        if name and not Document.objects.filter(file=name).exists():
            default_storage.delete(name)
        if not Document.objects.filter(sha256=digest).exists():
            for preview in thumbnails.values():
                default_storage.delete(preview)

    transaction.on_commit(remove)
