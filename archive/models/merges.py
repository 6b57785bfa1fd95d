"""Merges as they were done, kept so each can be reverted (``archive/merging.py``)."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse


class Merge(models.Model):
    """One merge: the revision it is recorded in ("Merged X into Y", holding the duplicates as
    they were and the survivor and every moved record as they became) and what reverting it
    must undo (``undo``: which links, rows and old slugs moved from which duplicate, what the
    survivor gained). Attached to the revision as its meta data as the revision is saved."""

    revision = models.OneToOneField(
        "reversion.Revision", on_delete=models.CASCADE, related_name="merge"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    survivor_id = models.PositiveBigIntegerField()
    description = models.CharField(max_length=1000)
    undo = models.JSONField(default=dict)
    reverted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-revision_id"]

    def __str__(self):
        return self.description + (" (reverted)" if self.reverted_at else "")

    def get_absolute_url(self):
        return reverse("admin:archive_merge_change", args=[self.pk])
