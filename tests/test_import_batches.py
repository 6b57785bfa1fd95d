"""New records are validated one by one and inserted together, their search entries built from
what the import holds: the outcome must be exactly what writing them one by one gave."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive.models import Article, Event, Person
from archive.search.index import rebuild
from archive.search.models import SearchEntry
from tests.fixtures.importing import assert_import_fails, lines_file, run_import


def index_rows():
    """Every search entry as the search reads it (linked names as a set: their order is
    whatever the database gives)."""
    rows = {}
    for entry in SearchEntry.objects.prefetch_related("tags"):
        rows[entry.kind, entry.object_id] = (
            entry.slug,
            entry.section,
            entry.year,
            entry.date,
            entry.title,
            entry.heading,
            entry.names,
            sorted(entry.related.splitlines()),
            entry.tag_names,
            entry.body,
            sorted(tag.pk for tag in entry.tags.all()),
        )
    return rows


MIXED = [
    {"record": "organization", "slug": "unhcr", "name": "Refugee Agency", "acronym": "UNHCR",
     "aliases": ["The Agency"], "status": "published"},
    {"record": "organization", "slug": "hidden-org", "name": "Hidden Org", "status": "draft"},
    {"record": "place", "slug": "tirana", "name": "Tirana", "aliases": ["Tiranë"],
     "status": "published"},
    {"record": "person", "slug": "jane-roe", "name": "Jane Roe", "aliases": ["J. Roe"],
     "status": "published", "tags": ["Refugees", "asylum"],
     "affiliations": [{"organization": "unhcr", "role": "envoy"},
                      {"organization": "hidden-org", "role": ""}]},
    {"record": "person", "slug": "draft-person", "name": "Draft Person", "status": "draft"},
    {"record": "event", "slug": "arrival", "title": "Arrival in Tirana", "date": "2016-09",
     "place": "tirana", "people": ["jane-roe", "draft-person"], "organizations": ["unhcr"],
     "status": "published", "created_at": "2016-09-12T08:30:00+00:00"},
    {"record": "event", "slug": "undated", "title": "Undated meeting", "status": "published"},
    {"record": "article", "slug": "report", "title": "A report", "status": "published",
     "publication_date": "2016-09-12", "section": "Reports", "byline": "Jane Roe",
     "body": "<p>First</p>\n\n<p>Second &amp; last</p>", "body_format": "html",
     "people": ["jane-roe", "draft-person"], "organizations": ["unhcr", "hidden-org"],
     "places": ["tirana"], "events": ["arrival"], "tags": ["Zebra", "asylum", "Refugees"],
     "created_at": "2016-09-12T08:30:00+00:00", "updated_at": "2017-01-02T03:04:05+00:00"},
    {"record": "article", "slug": "undated-note", "title": "A note", "status": "published"},
    {"record": "article", "slug": "draft-article", "title": "Draft", "status": "draft",
     "people": ["jane-roe"]},
    {"record": "quotation", "slug": "words", "text": "We will not forget.", "date": "2016",
     "people": ["jane-roe"], "organizations": ["unhcr"], "article": "report",
     "status": "published", "tags": ["asylum"]},
]  # fmt: skip


def test_index_entries_of_an_import_are_those_a_rebuild_writes(db, tmp_path):
    run_import(lines_file(tmp_path, *MIXED))
    imported = index_rows()
    assert ("article", Article.objects.get(slug="report").pk) in imported
    assert not any(kind == "article" and pk == Article.objects.get(slug="draft-article").pk
                   for kind, pk in imported)  # fmt: skip

    rebuild()

    assert index_rows() == imported


def test_given_times_are_kept_on_new_records(db, tmp_path):
    run_import(lines_file(tmp_path, *MIXED))

    article = Article.objects.get(slug="report")
    assert article.created_at.isoformat() == "2016-09-12T08:30:00+00:00"
    assert article.updated_at.isoformat() == "2017-01-02T03:04:05+00:00"
    event = Event.objects.get(slug="arrival")
    assert event.created_at.isoformat() == "2016-09-12T08:30:00+00:00"
    assert event.updated_at > article.updated_at  # not given: the time of the import


def test_a_slug_met_twice_in_one_batch_is_refused(db, tmp_path):
    people = [{"record": "person", "slug": f"p{n}", "name": f"P {n}"} for n in range(5)]
    path = lines_file(tmp_path, *people, {"record": "person", "slug": "p2", "name": "Other"})

    assert_import_fails(path, expect=["the slug “p2” is already used by the person at"])


def test_a_source_guid_met_twice_in_one_batch_is_refused(db, tmp_path):
    articles = [
        {"record": "article", "slug": "a", "title": "A", "source_guid": "g-1"},
        {"record": "article", "slug": "b", "title": "B", "source_guid": "g-1"},
    ]

    assert_import_fails(lines_file(tmp_path, *articles), expect=["same source_guid"])


def test_articles_of_one_title_without_slugs_get_slugs_of_their_own(db, tmp_path):
    articles = [
        {"record": "article", "title": "Same title", "source_guid": f"g-{n}"} for n in range(3)
    ]
    run_import(lines_file(tmp_path, *articles))

    assert sorted(Article.objects.values_list("slug", flat=True)) == [
        "same-title",
        "same-title-2",
        "same-title-3",
    ]


def test_new_records_cost_queries_per_chunk_not_per_record(db, tmp_path):
    """One INSERT per run of a kind (and per table of links), not one per record."""
    people = [{"record": "person", "slug": f"p{n}", "name": f"P {n}"} for n in range(10)]

    def queries(count):
        Article.objects.all().delete()
        Person.objects.all().delete()
        articles = [
            {"record": "article", "slug": f"a{n}", "title": f"A {n}", "status": "published",
             "people": [f"p{n % 10}"], "tags": [f"t{n % 3}"]}
            for n in range(count)
        ]  # fmt: skip
        path = lines_file(tmp_path, *people, *articles)
        with CaptureQueriesContext(connection) as context:
            run_import(path)
        return len(context.captured_queries)

    # A few more statements where a batch is split (SQLite's limit on parameters), never
    # hundreds more.
    few = queries(40)
    assert queries(400) < few + 10


def test_links_of_any_shape_are_reported_not_a_crash(db, tmp_path):
    """Link slugs are looked up for a whole chunk before any record is checked."""
    records = [
        {"record": "organization", "slug": "org", "name": "Org"},
        {"record": "person", "slug": "p", "name": "P",
         "affiliations": [{"organization": ["org"]}, {"organization": {"a": 1}}, "org"]},
        {"record": "article", "slug": "a", "title": "A", "people": [{"slug": "p"}, ["p"], 3]},
        {"record": "quotation", "slug": "q", "text": "Words", "article": {"slug": "a"}},
    ]  # fmt: skip

    assert_import_fails(
        lines_file(tmp_path, *records),
        expect=["each affiliation needs an organisation slug", "expected a list of slugs",
                "expected a slug"],
    )  # fmt: skip
