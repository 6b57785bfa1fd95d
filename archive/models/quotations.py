"""Who said what, where and when."""

from django.db import models
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from .base import Record, make_slug
from .dates import PartialDateField
from .entities import Organization, Person
from .translations import Translatable, language_field, translation_link, translations_index


class Quotation(Translatable, Record):
    class Medium(models.TextChoices):
        STATEMENT = "statement", _("Statement")
        PRESS_RELEASE = "press_release", _("Press release")
        OPEN_LETTER = "open_letter", _("Open letter")
        RESOLUTION = "resolution", _("Resolution")
        SPEECH = "speech", _("Speech")
        INTERVIEW = "interview", _("Interview")
        WRITING = "writing", _("Article or book")
        OTHER = "other", _("Other")

    text = models.TextField("exact words")
    people = models.ManyToManyField(
        Person, blank=True, related_name="quotations", verbose_name="speakers (people)"
    )
    organizations = models.ManyToManyField(
        Organization,
        blank=True,
        related_name="quotations",
        verbose_name="speakers (organisations)",
    )
    date = PartialDateField()
    medium = models.CharField(max_length=20, choices=Medium.choices, default=Medium.STATEMENT)
    article = models.ForeignKey(
        "archive.Article",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="quotations",
        help_text="The article the quotation is taken from.",
    )
    context = models.TextField(blank=True)
    language = language_field()
    translation_of = translation_link("the quotation of the original words")

    slug_source = "text"
    list_url_name = "archive:quotation_list"
    detail_url_name = "archive:quotation_detail"
    schema_type = "Quotation"

    class Meta(Record.Meta):
        ordering = ["-date", "slug"]
        verbose_name = _("quotation")
        verbose_name_plural = _("quotations")
        indexes = [
            *Record.Meta.indexes,
            models.Index(fields=["date"], name="archive_quotation_date"),
            models.Index(fields=["language"], name="archive_quotation_language"),
            translations_index("archive_quotation_translations"),
        ]
        permissions = [("publish_quotation", "Can publish quotations")]

    def __str__(self):
        return f"“{Truncator(self.text).words(12)}”"

    def slug_base(self):
        return make_slug(Truncator(self.text).words(8, truncate=""))[:80]
