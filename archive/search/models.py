"""The search index: one row per published record, in the shape search needs.

The row carries what a result shows (kind, title, date, link) and what facets count (kind,
section, year, tags), so a results page never touches the records themselves. The full-text
part lives beside it: an FTS5 table over the text columns on SQLite, the ``vector`` column
with a GIN index on PostgreSQL (see the archive app's migration ``0003_search``).

The tables keep the names they had while the model belonged to the archive app
(``archive_searchentry`` and its tag links), so moving the model into this app moved no data,
and the raw SQL of the archive app's migrations (FTS5 table, triggers, indexes) still fits.
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse


class SearchEntry(models.Model):
    # Small columns first: a row's columns are read in order, and facets need only these (on
    # SQLite they are counted from the narrow archive_search_facets table, see 0003_search).
    kind = models.CharField(max_length=20, help_text="The record's model name, e.g. “person”.")
    object_id = models.BigIntegerField()
    slug = models.CharField(max_length=200)
    section = models.CharField(max_length=200, blank=True)
    year = models.IntegerField(null=True, blank=True)
    date = models.CharField(max_length=40, blank=True, help_text="The date as the page shows it.")
    title = models.CharField(max_length=500, help_text="What a result is called.")
    # Null, not blank, when not known: SQLite adds a nullable column in place, where a NOT NULL
    # one would remake the table and lose the full-text triggers on it.
    language = models.CharField(
        max_length=35, null=True, blank=True, help_text="The text's language (BCP 47)."
    )
    tags = models.ManyToManyField(
        "taggit.Tag", blank=True, related_name="+", db_table="archive_searchentry_tags"
    )
    # The indexed text, weighted from heading (most) to body (least).
    heading = models.TextField(blank=True)
    names = models.TextField(blank=True, help_text="The record's other names and aliases.")
    related = models.TextField(blank=True, help_text="Names of the published records it links.")
    tag_names = models.TextField(blank=True)
    body = models.TextField(blank=True)
    vector = SearchVectorField(null=True, editable=False, help_text="PostgreSQL only.")

    class Meta:
        db_table = "archive_searchentry"
        verbose_name_plural = "search entries"
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="archive_searchentry_record")
        ]
        indexes = [
            models.Index(fields=["kind", "section", "year"], name="archive_searchentry_facets")
        ]

    def __str__(self):
        return f"{self.kind}: {self.title}"

    def get_absolute_url(self):
        return reverse(f"archive:{self.kind}_detail", kwargs={"slug": self.slug})
