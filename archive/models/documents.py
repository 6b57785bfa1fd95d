"""Files kept with records: the PDF of a resolution, a scanned letter, a photograph, a recording.

A document belongs to one record of any kind in the registry through a generic relation
(content type + id): one table, one admin inline that works on every kind, and a new kind
needs nothing here. Every record has ``documents`` (a ``GenericRelation`` on ``Record``), so a
record's page lists its files with one prefetch query whatever its kind.

The file is added only through ``archive.documents.add_file`` (the admin and imports use it),
which checks its type from its content, hashes, measures and stores it.
"""

import hashlib

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse

from .base import RecordTime, Status
from .dates import PartialDateField

HASH_CHUNK = 1024 * 1024


class TextState(models.TextChoices):
    """What text extraction (filled by ``archive.documents`` hooks) made of the file."""

    NONE = "", "Not extracted"
    EXTRACTED = "extracted", "Text extracted"
    SCANNED = "no text (scanned)", "No text (scanned)"
    FAILED = "failed", "Extraction failed"


def document_path(document, filename):
    """Where a file is stored: under its own SHA-256, so its address says nothing guessable
    about the record and two uploads of the same name never collide."""
    digest = document.sha256 or "unhashed"
    return f"documents/{digest[:2]}/{digest}/{filename}"


class DocumentQuerySet(models.QuerySet):
    def published(self):
        """What the public may see: published documents of published records, the records'
        own ``published()`` deciding for each kind (one subquery per kind, no join)."""
        from ..registry import RECORD_MODELS

        types = ContentType.objects.get_for_models(*RECORD_MODELS)
        of_published = models.Q(pk__in=[])
        for model in RECORD_MODELS:
            of_published |= models.Q(
                content_type=types[model],
                object_id__in=model._default_manager.published().values("pk"),
            )
        return self.filter(of_published, status=Status.PUBLISHED)

    def of(self, record):
        """The documents attached to ``record``."""
        return self.filter(
            content_type=ContentType.objects.get_for_model(type(record)), object_id=record.pk
        )


class Document(models.Model):
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+", editable=False
    )
    object_id = models.PositiveBigIntegerField(editable=False)
    record = GenericForeignKey("content_type", "object_id")

    file = models.FileField(upload_to=document_path, max_length=500, editable=False)
    original_name = models.CharField(
        "file name", max_length=255, editable=False, help_text="The name it was uploaded with."
    )
    title = models.CharField(max_length=500, blank=True, help_text="The file name when empty.")
    description = models.TextField(blank=True)
    date = PartialDateField(help_text="When the document was made (partial dates allowed).")
    source = models.CharField(
        max_length=500, blank=True, help_text="Where the file came from (an address or a name)."
    )
    language = models.CharField(
        max_length=35, blank=True, help_text="Its language as a code (en, fa, ar), if known."
    )
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text="Shown to the public only when published and its record is too.",
    )

    sha256 = models.CharField("SHA-256", max_length=64, editable=False, db_index=True)
    size = models.PositiveBigIntegerField(editable=False, help_text="Bytes.")
    media_type = models.CharField(
        max_length=100, editable=False, help_text="Detected from the content, not the name."
    )
    page_count = models.PositiveIntegerField(null=True, blank=True, editable=False)
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # {"<width>": "<storage name>"} of the preview images made when the file was added.
    thumbnails = models.JSONField(default=dict, blank=True, editable=False)

    text = models.TextField(blank=True, editable=False, help_text="Text extracted from the file.")
    text_state = models.CharField(
        max_length=20, choices=TextState.choices, blank=True, default="", editable=False
    )

    created_at = RecordTime(auto_now_add=True)
    updated_at = RecordTime(auto_now=True)
    import_run = models.ForeignKey(
        "archive.ImportRun",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The import that last wrote this document.",
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["title", "id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="archive_document_record"),
            models.Index(fields=["status"], name="archive_document_status"),
        ]
        permissions = [("publish_document", "Can publish documents")]

    def __str__(self):
        return self.title or self.original_name

    def get_absolute_url(self):
        return reverse("archive:document_detail", kwargs={"pk": self.pk})

    def get_download_url(self):
        return reverse("archive:document_file", kwargs={"pk": self.pk})

    def preview_url(self, width):
        return reverse("archive:document_preview", kwargs={"pk": self.pk, "width": width})

    def previews(self):
        """[(width, url)] of the preview images, narrowest first (for srcset)."""
        return [(width, self.preview_url(width)) for width in self.thumbnail_widths()]

    @property
    def preview_srcset(self):
        return ", ".join(f"{url} {width}w" for width, url in self.previews())

    @property
    def preview_src(self):
        """The narrowest preview that is at least 640 wide (or the widest there is)."""
        previews = self.previews()
        if not previews:
            return ""
        return next((url for width, url in previews if width >= 640), previews[-1][1])

    @property
    def is_published(self):
        return self.status == Status.PUBLISHED

    @property
    def kind(self):
        """ "image", "pdf", "audio", "video" or "file": how the file is shown."""
        major = self.media_type.split("/")[0]
        if major in ("image", "audio", "video"):
            return major
        return "pdf" if self.media_type == "application/pdf" else "file"

    def thumbnail_widths(self):
        return sorted(int(width) for width in self.thumbnails)

    def stored_sha256(self):
        """The SHA-256 of the file as stored now (reads the whole file)."""
        digest = hashlib.sha256()
        with self.file.open("rb") as stored:
            for chunk in iter(lambda: stored.read(HASH_CHUNK), b""):
                digest.update(chunk)
        return digest.hexdigest()

    def verify(self):
        """True when the stored file still hashes to the SHA-256 recorded when it was added;
        False when it differs or is missing."""
        try:
            return self.stored_sha256() == self.sha256
        except (FileNotFoundError, OSError):
            return False
