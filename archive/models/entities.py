"""Who and where: people, organisations and places."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import Record, lines


class Organization(Record):
    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Government or ministry")
        LEGISLATURE = "legislature", _("Legislature or committee")
        MILITARY = "military", _("Armed forces")
        INTELLIGENCE = "intelligence", _("Intelligence service")
        INTERNATIONAL = "international", _("International organisation")
        POLITICAL = "political", _("Political or opposition group")
        NGO = "ngo", _("Non-governmental organisation")
        MEDIA = "media", _("Media")
        OTHER = "other", _("Other")

    name = models.CharField(max_length=300)
    acronym = models.CharField(max_length=40, blank=True)
    aliases = models.TextField(blank=True, help_text="Other names, one per line.")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    description = models.TextField(blank=True)

    list_url_name = "archive:organization_list"
    detail_url_name = "archive:organization_detail"
    schema_type = "Organization"

    class Meta(Record.Meta):
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [
            *Record.Meta.indexes,
            models.Index(fields=["name"], name="archive_org_name"),
            models.Index(fields=["kind"], name="archive_org_kind"),
        ]
        permissions = [("publish_organization", "Can publish organisations")]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    @property
    def alias_list(self):
        return lines(self.aliases)

    @property
    def names(self):
        """Every name the organisation is known by: name, acronym, aliases."""
        return [name for name in [self.name, self.acronym, *self.alias_list] if name]


class Person(Record):
    name = models.CharField(
        max_length=200, help_text="As the sources give it: a surname alone stays a surname."
    )
    sort_name = models.CharField(
        max_length=200, blank=True, help_text="How the name sorts, e.g. “Kerry, John”."
    )
    aliases = models.TextField(blank=True, help_text="Other names, one per line.")
    roles = models.TextField(blank=True, help_text="Roles as the sources state them, one per line.")
    description = models.TextField(blank=True)
    organizations = models.ManyToManyField(
        Organization, through="Affiliation", blank=True, related_name="people"
    )

    list_url_name = "archive:person_list"
    detail_url_name = "archive:person_detail"
    schema_type = "Person"

    class Meta(Record.Meta):
        ordering = ["sort_name", "name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            *Record.Meta.indexes,
            models.Index(fields=["sort_name", "name"], name="archive_person_sort"),
        ]
        permissions = [("publish_person", "Can publish people")]

    def __str__(self):
        return self.name

    def clean(self):
        if not self.sort_name:
            self.sort_name = self.default_sort_name(self.name)
        super().clean()

    def save(self, *args, **kwargs):
        if not self.sort_name:
            self.sort_name = self.default_sort_name(self.name)
        super().save(*args, **kwargs)

    @staticmethod
    def default_sort_name(name):
        parts = (name or "").split()
        if len(parts) < 2:
            return name or ""
        return f"{parts[-1]}, {' '.join(parts[:-1])}"

    @property
    def alias_list(self):
        return lines(self.aliases)

    @property
    def role_list(self):
        return lines(self.roles)

    @property
    def names(self):
        return [self.name, *self.alias_list]


class Affiliation(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="affiliations")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="affiliations"
    )
    role = models.CharField(max_length=200, blank=True, help_text="As the source states it.")

    class Meta:
        ordering = ["person", "organization"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organization", "role"], name="archive_affiliation_unique"
            )
        ]

    def __str__(self):
        role = f" ({self.role})" if self.role else ""
        return f"{self.person.name}: {self.organization.name}{role}"


class Place(Record):
    class Kind(models.TextChoices):
        CAMP = "camp", _("Camp")
        CITY = "city", _("City")
        COUNTRY = "country", _("Country")
        REGION = "region", _("Region")
        BUILDING = "building", _("Building")
        OTHER = "other", _("Other")

    name = models.CharField(max_length=200)
    aliases = models.TextField(blank=True, help_text="Other names, one per line.")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    description = models.TextField(blank=True)

    list_url_name = "archive:place_list"
    detail_url_name = "archive:place_detail"
    schema_type = "Place"

    class Meta(Record.Meta):
        ordering = ["name"]
        verbose_name = _("place")
        verbose_name_plural = _("places")
        indexes = [
            *Record.Meta.indexes,
            models.Index(fields=["name"], name="archive_place_name"),
            models.Index(fields=["kind"], name="archive_place_kind"),
        ]
        permissions = [("publish_place", "Can publish places")]

    def __str__(self):
        return self.name

    @property
    def alias_list(self):
        return lines(self.aliases)

    @property
    def names(self):
        return [self.name, *self.alias_list]
