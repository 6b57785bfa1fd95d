"""Published texts and the captures they were taken from."""

import hashlib

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..sanitise import html_to_text
from .base import Record
from .dates import PartialDateField
from .entities import Organization, Person, Place
from .events import Event
from .translations import Translatable, language_field, translation_link, translations_index


def sha256_of(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Article(Translatable, Record):
    class BodyFormat(models.TextChoices):
        TEXT = "text", "Plain text"
        HTML = "html", "Sanitised HTML"

    title = models.CharField(max_length=500)
    summary = models.TextField(blank=True)
    body = models.TextField(
        blank=True, help_text="The source text: one paragraph or list item per blank-line block."
    )
    body_format = models.CharField(
        max_length=10,
        choices=BodyFormat.choices,
        default=BodyFormat.TEXT,
        help_text="Plain text is shown as written. HTML (from WordPress imports) is shown "
        "through the same allow-list it was sanitised with.",
    )
    section = models.CharField(
        max_length=200, blank=True, help_text="The source's category, e.g. “Iranian Opposition”."
    )
    byline = models.CharField(max_length=300, blank=True, help_text="Empty when unknown.")
    source_name = models.CharField(
        "source publication", max_length=300, blank=True, help_text="Empty when unknown."
    )
    source_url = models.URLField("source URL", max_length=1000, blank=True)
    source_guid = models.CharField(
        "source identifier",
        max_length=1000,
        blank=True,
        help_text="A stable identifier from the system the article came from (a WordPress GUID).",
    )
    publication_date = PartialDateField()
    capture_text = models.TextField(
        blank=True, help_text="The original text exactly as it was received."
    )
    capture_sha256 = models.CharField(
        "capture SHA-256", max_length=64, blank=True, help_text="Recorded when captured."
    )
    people = models.ManyToManyField(Person, blank=True, related_name="articles")
    organizations = models.ManyToManyField(Organization, blank=True, related_name="articles")
    places = models.ManyToManyField(Place, blank=True, related_name="articles")
    events = models.ManyToManyField(Event, blank=True, related_name="articles")
    language = language_field()
    translation_of = translation_link("the article in its original language")

    slug_source = "title"
    list_url_name = "archive:article_list"
    detail_url_name = "archive:article_detail"
    schema_type = "NewsArticle"

    class Meta(Record.Meta):
        ordering = ["-publication_date", "title"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [
            *Record.Meta.indexes,
            models.Index(fields=["publication_date"], name="archive_article_pubdate"),
            models.Index(fields=["section"], name="archive_article_section"),
            # The public list, its year and section menus: published articles in date order,
            # their dates and sections read from the index alone (at 100,000 articles 0.1, 40
            # and 20 ms instead of 225, 270 and 300 ms of reading every row).
            models.Index(fields=["status", "publication_date"], name="archive_article_pub_dated"),
            # The list's own order, so a page deep in the list, or the first articles of a
            # busy person in that order, are read from the index without sorting (and, with
            # the id, on PostgreSQL from the index alone; SQLite's indexes hold it anyway).
            models.Index(
                fields=["status", "-publication_date", "title"],
                include=["id"],
                name="archive_article_pub_order",
            ),
            models.Index(fields=["status", "section"], name="archive_article_pub_section"),
            models.Index(fields=["source_guid"], name="archive_article_guid"),
            models.Index(fields=["source_url"], name="archive_article_url"),
            models.Index(fields=["language"], name="archive_article_language"),
            translations_index("archive_article_translations"),
        ]
        permissions = [("publish_article", "Can publish articles")]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.capture_text and not self.capture_sha256:
            self.capture_sha256 = sha256_of(self.capture_text)

    @property
    def paragraphs(self):
        # Browsers send a textarea's line breaks as CRLF: a blank line is a blank line either way.
        body = self.body.replace("\r\n", "\n").replace("\r", "\n")
        return [block.strip("\n") for block in body.split("\n\n") if block.strip()]

    def related_articles(self, limit=5):
        """Other published articles that share a published person, organisation, place or event,
        or a tag, with this one: two queries whatever the number of links. Each article, newest
        first down the list's order index, is tested for a shared link (EXISTS), so the query
        stops at the fifth found; collecting every article that shares the tag on most of
        them and sorting took 0.8 s at 100,000 articles."""
        from taggit.models import TaggedItem

        shared = models.Q()
        for field_name, model in [
            ("people", Person),
            ("organizations", Organization),
            ("places", Place),
            ("events", Event),
        ]:
            through = self._meta.get_field(field_name).remote_field.through
            target = f"{model._meta.model_name}_id"
            mine = through.objects.filter(
                article_id=self.pk, **{f"{target}__in": model.objects.published().values("pk")}
            ).values(target)
            shared |= models.Exists(
                through.objects.filter(article_id=models.OuterRef("pk"), **{f"{target}__in": mine})
            )
        article_items = TaggedItem.objects.filter(
            content_type__app_label=self._meta.app_label,
            content_type__model=self._meta.model_name,
        )
        my_tags = article_items.filter(object_id=self.pk).values("tag_id")
        shared |= models.Exists(
            article_items.filter(object_id=models.OuterRef("pk"), tag_id__in=my_tags)
        )
        related = type(self).objects.published().exclude(pk=self.pk).filter(shared)
        # Keys first: the walk reads the index alone (on PostgreSQL too), then five rows.
        keys = list(related.values_list("pk", flat=True)[:limit])
        found = type(self).objects.published().in_bulk(keys)
        return [found[key] for key in keys]

    @property
    def body_text(self):
        """The body as plain text, whatever its format (for search and descriptions)."""
        if self.body_format == self.BodyFormat.HTML:
            return "\n\n".join(html_to_text(block) for block in self.paragraphs)
        return self.body

    @property
    def edited_since_capture(self):
        """Whether the text as shown differs from the capture: None without a capture; False
        when every paragraph of the body is a paragraph of the capture, in the capture's order
        (the lines an import left out as page furniture are not edits); True otherwise.
        Whitespace within a paragraph does not count."""
        if not self.capture_text:
            return None
        from ..importers.captures import capture_paragraphs

        captured = iter(" ".join(line.split()) for line in capture_paragraphs(self.capture_text))
        shown = [" ".join(block.split()) for block in self.body_text.split("\n\n")]
        # A subsequence: each shown paragraph found further on in the capture.
        return not all(any(line == block for line in captured) for block in shown if block)

    @property
    def capture_verified(self):
        """True when the stored capture still hashes to the SHA-256 recorded when captured."""
        return bool(self.capture_text) and sha256_of(self.capture_text) == self.capture_sha256
