"""A record of every run that brought data into the archive."""

from django.conf import settings
from django.db import models


class ImportRun(models.Model):
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    command = models.CharField(max_length=100, help_text="What started the run.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    files = models.TextField(blank=True, help_text="The files read, one per line.")
    formats = models.CharField(max_length=200, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    succeeded = models.BooleanField(default=False)
    highest_pks = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="The highest primary key of each kind of record (and of tags) as the run "
        "began: a record above it was created during the run (see undo_import).",
    )
    undone_at = models.DateTimeField(
        null=True, blank=True, help_text="When the run was undone (see undo_import)."
    )
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who undid the run; empty for an undo run from the command line.",
    )

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["started_at"], name="archive_importrun_started")]
        permissions = [("undo_importrun", "Can undo import runs")]

    def __str__(self):
        return f"{self.command} at {self.started_at:%Y-%m-%d %H:%M}" if self.started_at else ""

    @property
    def is_undone(self):
        return self.undone_at is not None
