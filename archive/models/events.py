"""What happened when."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import Record, RecordQuerySet
from .dates import PartialDate, PartialDateField
from .entities import Organization, Person, Place


class EventQuerySet(RecordQuerySet):
    def chronological(self):
        """Dated events first (by date), then days without a year, then events with no date."""
        return self.annotate(
            undated=models.Case(
                models.When(date="", then=models.Value(2)),
                models.When(date__startswith="--", then=models.Value(1)),
                default=models.Value(0),
                output_field=models.IntegerField(),
            )
        ).order_by("undated", "date", "title", "pk")


class Event(Record):
    title = models.CharField(max_length=300)
    date = PartialDateField()
    end_date = PartialDateField(help_text="Only for events that lasted; same format as the date.")
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    people = models.ManyToManyField(
        Person, blank=True, related_name="events", verbose_name="participants (people)"
    )
    organizations = models.ManyToManyField(
        Organization,
        blank=True,
        related_name="events",
        verbose_name="participants (organisations)",
    )
    description = models.TextField(blank=True)

    objects = EventQuerySet.as_manager()

    slug_source = "title"
    list_url_name = "archive:event_list"
    detail_url_name = "archive:event_detail"
    schema_type = "Event"

    class Meta(Record.Meta):
        ordering = ["date", "title"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            *Record.Meta.indexes,
            models.Index(fields=["date", "title"], name="archive_event_date"),
        ]
        permissions = [("publish_event", "Can publish events")]

    def __str__(self):
        # The date may still be the plain string it was assigned as, before a save or reload.
        date = PartialDate(self.date)
        return f"{self.title} ({date.display})" if date else self.title

    def clean(self):
        super().clean()
        if self.end_date and not self.date:
            raise ValidationError({"end_date": "An end date needs a start date."})
        if self.end_date and self.date and str(self.end_date) < str(self.date):
            raise ValidationError({"end_date": "The end date is before the start date."})
