"""Addresses that never break: the slugs records had before, per kind.

When a record's slug changes (an edit in the admin, an import's update, a merge) its old slug
is kept here, pointing at the record. A detail page that finds no current record at a slug asks
this table, and answers 301 to the record's current address if the record is public; the table
points at the record, not at the next slug, so a slug changed twice still leads straight to the
current address. A current slug always wins over an old one (a new record may take a slug another
record gave up), and an old slug is unique per kind: the latest record to give it up keeps it.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse

from .base import SLUG_MAX_LENGTH


class OldSlugQuerySet(models.QuerySet):
    def of_kind(self, model):
        """The old slugs of one kind, in one query with its join (no content type lookup)."""
        return self.filter(
            content_type__app_label=model._meta.app_label,
            content_type__model=model._meta.model_name,
        )

    def remember(self, record, slug):
        """Keep ``slug`` as an old address of ``record`` (taking it over from another record
        of the kind that gave it up before)."""
        if not slug:
            return
        kind = ContentType.objects.get_for_model(type(record))
        self.update_or_create(content_type=kind, slug=slug, defaults={"object_id": record.pk})

    def moved(self, model, slugs):
        """{old slug: pk} of the ``model`` records that gave up ``slugs`` and still exist: one
        query."""
        found = self.of_kind(model).filter(
            slug__in=slugs, object_id__in=model._default_manager.values("pk")
        )
        return dict(found.values_list("slug", "object_id"))

    def record_at(self, records, slug):
        """The record among ``records`` (one kind's queryset, e.g. its ``published()``) whose
        old slug is ``slug``, or None: one query."""
        ids = self.of_kind(records.model).filter(slug=slug).values("object_id")
        return records.filter(pk__in=ids).first()


class OldSlug(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    slug = models.SlugField(max_length=SLUG_MAX_LENGTH, allow_unicode=True, db_index=False)
    object_id = models.PositiveBigIntegerField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OldSlugQuerySet.as_manager()

    class Meta:
        ordering = ["content_type", "slug"]
        verbose_name = "old address"
        verbose_name_plural = "old addresses"
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "slug"], name="archive_oldslug_unique_per_kind"
            )
        ]

    def __str__(self):
        return f"{self.content_type.model} “{self.slug}”"

    def get_absolute_url(self):
        """The old address itself (which answers 301 while the record is public)."""
        model = self.content_type.model_class()
        return reverse(model.detail_url_name, kwargs={"slug": self.slug})
