"""What every record in the archive shares: slug, status, timestamps, tags, provenance."""

import unicodedata
from functools import lru_cache

from django.contrib.contenttypes.fields import GenericRelation
from django.db import connections, models, transaction
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from taggit.managers import TaggableManager

SLUG_MAX_LENGTH = 200
STATUS_CHUNK_SIZE = 500
# A record linked to more than this many others (a person in one article in seven, the tag on
# most articles) is "busy": lists of what links to it walk the list's own order instead.
BUSY_LINKS = 1000

# Sent by ``RecordQuerySet.set_status`` inside its transaction, with the changed records'
# ``pks``: ``QuerySet.update`` sends no ``post_save``, so the search app listens for this.
statuses_changed = Signal()


def make_slug(text):
    """The slug a name makes, in whatever script it is written: "Сергей Лавров" ->
    "сергей-лавров", "Xinhua 新华社" -> "xinhua-新华社". Latin letters become ASCII as they
    always did ("Manëz" -> "manez"), so slugs made before scripts were kept stay the same."""
    text = unicodedata.normalize("NFC", str(text or ""))
    return slugify("".join(_latin_as_ascii(char) for char in text), allow_unicode=True)


@lru_cache(maxsize=4096)
def _latin_as_ascii(char):
    if char.isascii() or not unicodedata.name(char, "").startswith("LATIN"):
        return char
    return unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode("ascii")


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class RecordQuerySet(models.QuerySet):
    def published(self):
        """The one definition of what the public may see."""
        return self.filter(status=Status.PUBLISHED)

    def publish(self):
        """Publish these records; returns how many changed. See ``set_status``."""
        return self.set_status(Status.PUBLISHED)

    def unpublish(self):
        """Return these records to draft; returns how many changed. See ``set_status``."""
        return self.set_status(Status.DRAFT)

    def set_status(self, status):
        """The one way to change the status of many records at once.

        ``QuerySet.update`` sends no ``post_save``, so this sends ``statuses_changed`` (in the
        same transaction), which the search app answers by reindexing the records and every
        record whose search document carries their names.
        """
        with transaction.atomic():
            pks = list(self.exclude(status=status).values_list("pk", flat=True))
            for start in range(0, len(pks), STATUS_CHUNK_SIZE):
                chunk = pks[start : start + STATUS_CHUNK_SIZE]
                changed = self.model._default_manager.filter(pk__in=chunk)
                models.QuerySet.update(changed, status=status, updated_at=timezone.now())
            statuses_changed.send(sender=self.model, pks=pks)
        return len(pks)

    def update(self, **kwargs):
        if "status" in kwargs:
            raise TypeError(
                "update(status=...) would skip the search index: use publish() or unpublish()."
            )
        return super().update(**kwargs)

    def linked_to(self, field_name, target, links_known=None):
        """These records whose many-to-many ``field_name`` (or ``"tags"``) holds ``target``,
        by the query plan that suits how many records link to it (see ``BUSY_LINKS``).

        A record linked to few: an IN over its links, then sorted (a few rows to sort). A busy
        one: each record, walked in the list's order down its index, is tested for a link
        (EXISTS), so the first page stops after a few hundred rows instead of sorting the
        13,000 articles of the busiest person (0.5 s at 100,000 articles). How many records
        link to ``target`` may be given (``links_known``, e.g. a tag's kept count); otherwise
        the links are counted (one query on an index).
        """
        if field_name == "tags":
            from django.contrib.contenttypes.models import ContentType
            from taggit.models import TaggedItem

            kind = ContentType.objects.get_for_model(self.model)
            links = TaggedItem.objects.filter(content_type=kind, tag=target)
            source = "object_id"
        else:
            field = self.model._meta.get_field(field_name)
            through = field.remote_field.through
            links = through.objects.filter(**{field.m2m_reverse_field_name(): target})
            source = field.m2m_field_name()
        if links_known is None:
            links_known = links.count()
        if links_known > BUSY_LINKS:
            return self.filter(models.Exists(links.filter(**{source: models.OuterRef("pk")})))
        return self.filter(pk__in=links.values(source))

    def with_published(self, *relations):
        """Prefetch, for each relation named, only the published records it leads to, so a
        page never shows a draft: a to-many relation's into ``public_<relation>``, a foreign
        key's in its place (a draft there becomes None)."""
        prefetches = []
        for name in relations:
            field = self.model._meta.get_field(name)
            to_attr = None if field.many_to_one else f"public_{name}"
            published = field.related_model.objects.published()
            prefetches.append(models.Prefetch(name, queryset=published, to_attr=to_attr))
        return self.prefetch_related(*prefetches)

    def dated(self, field_name):
        """Records whose partial date ``field_name`` has a year (not unknown, not year-less)."""
        return self.exclude(**{field_name: ""}).exclude(**{f"{field_name}__startswith": "--"})

    def years(self, field_name, descending=False):
        """The distinct years ("2016") of a partial date field, in order.

        One query that leaps from year to year down an index on the field (a recursive CTE
        asking for the latest date before each year found), instead of reading every date:
        0.2 ms instead of 40 at 100,000 articles.
        """
        dated = self.dated(field_name).order_by().values(field_name)
        sql, params = dated.query.sql_with_params()
        column = connections[self.db].ops.quote_name(self.model._meta.get_field(field_name).column)
        # A year's dates start with its digits: ">= '0'" lets the index seek past the rest.
        latest = (
            f"SELECT SUBSTR(MAX(dated.{column}), 1, 4) FROM ({sql}) AS dated "  # noqa: S608
            f"WHERE dated.{column} >= '0'"
        )
        with connections[self.db].cursor() as cursor:
            cursor.execute(
                f"WITH RECURSIVE found(year) AS (SELECT ({latest}) "  # noqa: S608
                f"UNION ALL SELECT ({latest} AND dated.{column} < found.year) "
                "FROM found WHERE found.year IS NOT NULL) "
                "SELECT year FROM found WHERE year IS NOT NULL",
                [*params, *params],
            )
            years = [year for (year,) in cursor.fetchall()]
        return years if descending else years[::-1]


def lines(text):
    """The non-empty lines of a one-item-per-line text field."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class RecordTime(models.DateTimeField):
    """When a record was added or last changed, set on save as ``auto_now``/``auto_now_add``
    say, unless the record carries the time an import gave for it (``given_times``, by field
    name: an export's times restored in the same INSERT or UPDATE that writes the record)."""

    def pre_save(self, model_instance, add):
        given = getattr(model_instance, "given_times", None) or {}
        if self.attname in given:
            setattr(model_instance, self.attname, given[self.attname])
            return given[self.attname]
        return super().pre_save(model_instance, add)

    def deconstruct(self):
        name, _, args, kwargs = super().deconstruct()
        return name, "django.db.models.DateTimeField", args, kwargs  # the column is the same


class Record(models.Model):
    """Abstract base of every public record.

    Subclasses name the field their slug is made from (``slug_source``), the URL names of their
    list and detail pages (``list_url_name``, ``detail_url_name``) and their schema.org type
    (``schema_type``); ``archive.registry`` reads them.
    """

    slug = models.SlugField(
        max_length=SLUG_MAX_LENGTH,
        unique=True,
        blank=True,
        allow_unicode=True,
        help_text="The record's permanent address. Made from the name when left empty.",
    )
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text="Drafts are never shown to the public.",
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
        help_text="The import that last wrote this record.",
    )
    tags = TaggableManager(blank=True)
    # The files attached to the record (archive.models.documents); deleted with it.
    documents = GenericRelation("archive.Document")

    objects = RecordQuerySet.as_manager()

    slug_source = "name"
    list_url_name = None
    detail_url_name = None
    schema_type = "Thing"

    class Meta:
        abstract = True
        indexes = [
            models.Index(fields=["status"], name="%(app_label)s_%(class)s_status"),
            models.Index(fields=["updated_at"], name="%(app_label)s_%(class)s_updated"),
        ]

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self.make_unique_slug()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse(self.detail_url_name, kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        if not self.slug:
            self.slug = self.make_unique_slug()

    @property
    def is_published(self):
        return self.status == Status.PUBLISHED

    def slug_base(self):
        return make_slug(getattr(self, self.slug_source))[: SLUG_MAX_LENGTH - 10]

    def make_unique_slug(self):
        base = self.slug_base() or self._meta.model_name
        others = type(self)._default_manager.exclude(pk=self.pk)
        taken = set(others.filter(slug__startswith=base).values_list("slug", flat=True))
        slug, number = base, 2
        while slug in taken:
            slug, number = f"{base}-{number}", number + 1
        return slug
