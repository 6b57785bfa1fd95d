"""Every public page costs the same number of SQL queries with 2 and with 200 linked records."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag, TaggedItem

from archive.models import (
    Affiliation,
    Article,
    Event,
    Organization,
    Person,
    Place,
    Quotation,
    Status,
)

# What rendering a page costs, so the page cache stays out (tests/test_page_cache.py covers it).
pytestmark = pytest.mark.usefixtures("rendered_every_time")

# The cost of each page: the same for 2 and for 200 linked records.
EXPECTED_QUERIES = {
    "/": 12,
    "/articles/": 6,
    "/people/": 4,
    "/organisations/": 4,
    "/places/": 4,
    "/events/": 5,
    "/quotations/": 6,
    "/tags/": 3,
    "/tags/common/": 8,
    "/timeline/": 12,
    "/articles/a-0/": 14,  # + its original and translations, + its published files
    "/people/p-0/": 17,  # + the record's published files
    "/organisations/o-0/": 17,  # + the record's published files
    "/places/pl-0/": 8,  # + the record's published files
    "/events/e-0/": 9,  # + the record's published files
    "/quotations/q-0/": 7,  # + its original and translations, + its published files
    "/articles/?tag=common": 7,
    "/articles/?person=p-0": 8,
    "/events/?place=pl-0": 6,
    "/quotations/?organisation=o-0": 8,
    "/feeds/articles.atom": 2,
    "/feeds/tags/common.rss": 4,
    "/feeds/people/p-0.atom": 4,
    "/sitemap.xml": 12,
    "/sitemap-article.xml": 3,
    "/sitemap-person.xml": 3,
}


def make(model, count, prefix, **fields):
    field = model.slug_source
    records = [
        model(slug=f"{prefix}-{i}", status=Status.PUBLISHED, **{field: f"{prefix} {i}"}, **fields)
        for i in range(count)
    ]
    if model is Person:
        for record in records:
            record.sort_name = record.name
    return model.objects.bulk_create(records)


def link(relation, sources, targets):
    """Link every source to every target through the many-to-many ``relation``."""
    through = relation.through
    source_field = relation.field.m2m_field_name() + "_id"
    target_field = relation.field.m2m_reverse_field_name() + "_id"
    through.objects.bulk_create(
        [
            through(**{source_field: source.pk, target_field: target.pk})
            for source in sources
            for target in targets
        ],
        ignore_conflicts=True,
    )


def tag(records, names):
    tags = Tag.objects.bulk_create([Tag(name=name, slug=name) for name in names])
    items = []
    for record in records:
        content_type = ContentType.objects.get_for_model(record)
        items += [TaggedItem(tag=t, content_type=content_type, object_id=record.pk) for t in tags]
    TaggedItem.objects.bulk_create(items)


def build_archive(n):
    """n records of every kind; the first of each ("hub") linked to all n of every other kind,
    and every record linked to the hubs, so lists and detail pages both carry n links."""
    people = make(Person, n, "p")
    organizations = make(Organization, n, "o")
    places = make(Place, n, "pl")
    events = make(Event, n, "e", date="2016-09-12", place=places[0])
    articles = make(Article, n, "a", body="p 0 met o 0 at pl 0.", section="News")
    quotations = make(Quotation, n, "q", date="2016", article=articles[0])
    for relation, hub_sources, targets in [
        (Article.people, articles, people),
        (Article.organizations, articles, organizations),
        (Article.places, articles, places),
        (Article.events, articles, events),
        (Event.people, events, people),
        (Event.organizations, events, organizations),
        (Quotation.people, quotations, people),
        (Quotation.organizations, quotations, organizations),
    ]:
        link(relation, hub_sources[:1], targets)
        link(relation, hub_sources, targets[:1])
    Affiliation.objects.bulk_create(
        [Affiliation(person=people[0], organization=o, role="Member") for o in organizations]
        + [Affiliation(person=p, organization=organizations[0], role="Chair") for p in people[1:]]
    )
    for records in [people, organizations, places, events, articles, quotations]:
        tag(records[:1], [f"t{i}" for i in range(n)] if records is articles else [])
    tag([*people, *organizations, *places, *events, *articles, *quotations], ["common"])


@pytest.mark.parametrize("url", EXPECTED_QUERIES)
@pytest.mark.parametrize("n", [2, 200])
def test_query_count_does_not_grow_with_the_data(client, db, django_assert_num_queries, url, n):
    build_archive(n)
    assert client.get(url).status_code == 200  # warms the content-type cache
    with django_assert_num_queries(EXPECTED_QUERIES[url]):
        response = client.get(url)
    assert response.status_code == 200
    if url.startswith("/articles/a-0/"):
        assert response.content.decode().count('href="/people/p-') >= n


def test_the_hub_pages_really_show_all_their_links(client, db):
    build_archive(30)
    content = client.get("/articles/a-0/").content.decode()
    for prefix in [
        "/people/p-",
        "/organisations/o-",
        "/places/pl-",
        "/events/e-",
        "/quotations/q-",
    ]:
        assert len(set(content.split(f'href="{prefix}')[1:])) >= 30, prefix
    content = client.get("/people/p-0/").content.decode()
    assert content.count('href="/organisations/o-') >= 30


@pytest.mark.parametrize(
    "page, section, list_url",
    [
        ("/people/p-0/", "articles", "/articles/?person=p-0"),
        ("/people/p-0/", "events", "/events/?person=p-0"),
        ("/people/p-0/", "quotations", "/quotations/?person=p-0"),
        ("/organisations/o-0/", "articles", "/articles/?organisation=o-0"),
        ("/places/pl-0/", "events", "/events/?place=pl-0"),
        ("/events/e-0/", "articles", "/articles/?event=e-0"),
    ],
)
def test_lists_that_grow_with_the_archive_show_a_page_and_link_to_the_rest(
    client, db, settings, page, section, list_url
):
    """A person named in thousands of articles: the page shows the first few, counts them all
    and links to the whole list, narrowed to this person and paginated."""
    settings.ARCHIVE_PAGE_SIZE = 10
    build_archive(25)
    prefix = {"articles": "/articles/a-", "events": "/events/e-", "quotations": "/quotations/q-"}
    content = client.get(page).content.decode()
    listed = content.split(f'id="{section}"')[1].split("</section>")[0]
    assert listed.count(f'href="{prefix[section]}') == 10
    assert "(25)" in listed
    assert f'href="{list_url}"' in listed
    assert ": all 25</a>" in listed
    found = set()
    for number in (1, 2, 3):
        response = client.get(f"{list_url}&page={number}")
        assert response.status_code == 200
        found.update(response.content.decode().split(f'href="{prefix[section]}')[1:])
    assert len({href.split('"')[0] for href in found}) == 25


def test_lists_narrowed_by_a_draft_or_unknown_record_are_not_found(client, db):
    build_archive(3)
    Person.objects.filter(slug="p-1").unpublish()
    assert client.get("/articles/?person=p-0").status_code == 200
    assert client.get("/articles/?person=p-1").status_code == 404
    assert client.get("/articles/?person=nobody").status_code == 404
    assert client.get("/events/?place=nowhere").status_code == 404


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plans")
def test_the_article_list_reads_indexes_not_every_published_row(client, db):
    """At 100,000 articles reading every published row cost 0.8 s per list page."""
    # The plans from the statistics the database holds. A test that imports runs ANALYZE in
    # its transaction: the rollback takes the rows back, but the connection keeps planning
    # from what ANALYZE found in that test's few rows, where reading them all is cheapest.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE sqlite_schema")  # reads the statistics tables again
    build_archive(20)
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/articles/").status_code == 200
    plans = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            if '"archive_article"' in query["sql"]:
                cursor.execute(f"EXPLAIN QUERY PLAN {query['sql']}")
                plans.extend(row[-1] for row in cursor.fetchall())
    article_reads = [step for step in plans if "archive_article " in f"{step} "]
    assert article_reads
    for step in article_reads:
        assert not step.startswith("SCAN archive_article"), step
        # Looking rows up by key through the status index is fine; walking it is not.
        assert "USING INDEX archive_article_status (status=?)" not in step, step


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plans")
def test_a_page_finds_its_translations_by_key_whatever_the_statistics(client, db):
    """With statistics where nearly every article has no original, SQLite judged the foreign
    key's index useless and read the whole table for the translations (100 ms at 100,000)."""
    build_archive(30)
    original = Article.objects.get(slug="a-0")
    Article.objects.filter(slug="a-1").update(translation_of=original, language="fa")
    plans = []
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        for url in ["/articles/a-0/", "/articles/a-1/"]:
            with CaptureQueriesContext(connection) as captured:
                assert 'hreflang="' in client.get(url).content.decode()
            with connection.cursor() as cursor:
                for query in captured.captured_queries:
                    if '"translation_of_id" =' in query["sql"]:
                        cursor.execute(f"EXPLAIN QUERY PLAN {query['sql']}")
                        plans.extend(row[-1] for row in cursor.fetchall())
        transaction.set_rollback(True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE sqlite_schema")  # plan from the statistics as they were again
    reads = [step for step in plans if "archive_article " in f"{step} "]
    assert len(reads) >= 4  # the original by key, the translations by the index, twice
    for step in reads:
        assert "PRIMARY KEY" in step or "USING INDEX archive_article_translations" in step, step


def test_the_timeline_names_an_events_few_articles_and_links_to_many(client, db):
    build_archive(30)
    Article.objects.filter(slug="a-1").unpublish()
    page = client.get("/timeline/").content.decode()
    hub = page.split('href="/events/e-0/"')[1].split("<h3>")[0].split("</ol>")[0]
    assert 'href="/articles/a-' not in hub
    assert 'href="/articles/?event=e-0">29 articles about this event</a>' in hub
    other = page.split('href="/events/e-1/"')[1].split("<h3>")[0].split("</ol>")[0]
    assert 'href="/articles/a-0/"' in other
    listed = client.get("/articles/?event=e-0")
    assert listed.context["paginator"].count == 29
