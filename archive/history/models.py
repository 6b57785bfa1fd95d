"""What reversion's ``Revision`` does not say: which import run (if any) a revision belongs to
and what kind of change it was."""

from django.db import models
from reversion.models import Revision


class RevisionOrigin(models.Model):
    """Where a revision came from: an import run, an admin edit, a bulk action, a revert."""

    revision = models.OneToOneField(Revision, on_delete=models.CASCADE, related_name="origin")
    import_run = models.ForeignKey(
        "archive.ImportRun",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="revisions",
    )
    action = models.CharField(
        max_length=30, blank=True, help_text="What made the change: admin, import, revert, …"
    )

    class Meta:
        ordering = ["-revision_id"]

    def __str__(self):
        what = self.action or "change"
        return f"{what} (revision {self.revision_id})"
