"""PostgreSQL's word lists (search migration 0004) find exactly what its GIN index finds.

Every word query is answered from ``archive_search_postings`` plus the entries written since
(``archive_search_recent``); these tests compare that answer with the full-text match itself,
through edits, deletions, drafts, merges and rebuilds, on names in several scripts.
"""

import itertools

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from archive.importers import run as import_run
from archive.models import Article, Organization, Person, Place, Status
from archive.search import facets
from archive.search.backends import get_backend
from archive.search.backends import postgresql as postgresql_backend
from archive.search.models import SearchEntry
from archive.search.text import parse_query
from tests.fixtures.importing import lines_file, run_import

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
]

PEOPLE = ["Maryam Rajavi", "Мариам Раджави", "مریم رجوی", "玛丽亚姆·拉贾维", "Maria Rajavian"]
BODIES = [
    "The resistance reported on the resettlement of residents at the camp.",
    "Resettled residents reported the sanctions; the regime resisted reports.",
    "Свобода и права человека: резолюция о правах женщин.",
    "آزادی و حقوق بشر در ایران؛ گزارش درباره زنان",
    "人权报告 自由 伊朗 抵抗",
    "Regime officials resist the report about Ashraf.",
]


def query_texts():
    """Every prefix of one to six letters of every word written below, and pairs of words."""
    words = set()
    for text in [*PEOPLE, *BODIES, "Ashraf Liberty Tirana"]:
        words.update(parse_query(text).text.split())
    prefixes = {word[:size] for word in words for size in range(1, 7)}
    pairs = [" ".join(pair) for pair in itertools.combinations(sorted(words)[:12], 2)]
    return sorted(prefixes) + pairs + ["report resettl", "the zzzz", "reside camp regime"]


def build_records():
    people = [Person.objects.create(name=name, status=Status.PUBLISHED) for name in PEOPLE]
    place = Place.objects.create(name="Camp Ashraf", status=Status.PUBLISHED)
    organization = Organization.objects.create(name="Liberty Tirana", status=Status.PUBLISHED)
    articles = []
    for number, body in enumerate(BODIES):
        article = Article.objects.create(
            title=f"Report {number} on resettlement",
            body=body,
            section="News",
            status=Status.PUBLISHED,
        )
        article.people.add(people[number % len(people)])
        article.places.add(place)
        article.organizations.add(organization)
        article.tags.add("Iran", "Human rights")
        articles.append(article)
    return people, articles


def compare_with_the_full_text_index():
    """Asserts, for every query, that the lists find what GIN finds; returns how many found."""
    backend = get_backend()
    data = facets.current(backend)
    found = 0
    for text in query_texts():
        query = parse_query(text)
        if not query:
            continue
        full_text = sorted(facets.parse_ids(backend.match_ids(query)).tolist())
        naming = sorted(facets.parse_ids(backend.naming_ids(query)).tolist())
        assert backend.matching(query, data).tolist() == full_text, text
        assert backend.naming(query, data).tolist() == naming, text
        found += bool(full_text)
    return found


def rows_in(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (this module's names)
        return cursor.fetchone()[0]


def waiting():
    return rows_in("archive_search_recent")


def listed_terms():
    return rows_in("archive_search_postings")


@pytest.mark.django_db
def test_word_lists_find_what_the_full_text_index_finds_through_edits(client, monkeypatch):
    people, articles = build_records()
    # Written one by one: they all wait (with the entries they replaced), found by testing each.
    assert waiting() >= SearchEntry.objects.count() > 10
    assert listed_terms() == 0
    assert compare_with_the_full_text_index() > 50

    call_command("rebuild_search_index")
    assert waiting() == 0
    assert listed_terms() > 150
    assert compare_with_the_full_text_index() > 50

    # Edited, unpublished and deleted records: their old ids stay listed, and are dropped.
    people[0].name = "Maryam Qajar-Azodanlu"
    people[0].save()
    articles[1].status = Status.DRAFT
    articles[1].save()
    articles[2].delete()
    Person.objects.create(name="Resettlement Reporter", status=Status.PUBLISHED)
    assert waiting() > 0
    assert compare_with_the_full_text_index() > 50
    # The person first, then the two published articles that name her.
    results = client.get("/search/", {"q": "qajar"}).context["results"]
    assert [hit.url for hit in results.hits][:1] == [people[0].get_absolute_url()]
    assert results.total == 3

    # Past MERGE_AFTER waiting entries, the writing transaction moves them into the lists.
    monkeypatch.setattr(postgresql_backend, "MERGE_AFTER", 1)
    people[1].name = "Мариам Азоданлу"
    people[1].save()
    assert waiting() == 0
    assert compare_with_the_full_text_index() > 50
    results = client.get("/search/", {"q": "азоданлу"}).context["results"]
    assert [hit.url for hit in results.hits][:1] == [people[1].get_absolute_url()]
    assert results.total == 1  # the article naming her is a draft


@pytest.mark.django_db
def test_search_pages_count_and_filter_from_the_word_lists(client):
    build_records()
    call_command("rebuild_search_index")
    results = client.get("/search/", {"q": "report"}).context["results"]
    assert results.total == SearchEntry.objects.filter(kind="article").count() == len(BODIES)
    assert {facet.value: facet.count for facet in results.facets["kind"]} == {"article": 6}
    tagged = client.get("/search/", {"q": "resi", "tag": "iran"}).context["results"]
    assert tagged.total == 3  # "resistance", "resettled ... resisted", "resist"
    assert all("<mark>" in hit.snippet for hit in tagged.hits)


@pytest.mark.django_db
def test_an_import_moves_its_records_into_the_word_lists_once(client, monkeypatch, tmp_path):
    monkeypatch.setattr(postgresql_backend, "MERGE_AFTER", 1)
    monkeypatch.setattr(import_run, "CHUNK_SIZE", 2)  # five chunks
    people = [
        {"record": "person", "slug": f"p{number}", "name": name, "status": "published"}
        for number, name in enumerate(PEOPLE * 2)
    ]
    run_import(lines_file(tmp_path, *people))
    assert waiting() == 0
    # One row per term: the chunks' entries were moved together, at the end of the import.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT max(rows) FROM (SELECT count(*) AS rows FROM archive_search_postings"
            " GROUP BY term) AS t"
        )
        assert cursor.fetchone()[0] == 1
    assert compare_with_the_full_text_index() > 20
    assert client.get("/search/", {"q": "раджави"}).context["results"].total == 2


@pytest.mark.django_db
def test_changing_an_entrys_vector_in_place_is_refused():
    Person.objects.create(name="Orrin Lanternfish", status=Status.PUBLISHED)
    # Other columns may change in place (nothing listed depends on them).
    SearchEntry.objects.update(section="Updated in place")
    with (
        pytest.raises(DatabaseError, match="rewritten, not updated"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE archive_searchentry SET vector = to_tsvector('simple', 'x')")


@pytest.mark.django_db(transaction=True)
def test_emptying_the_index_empties_its_word_lists():
    Person.objects.create(name="Orrin Lanternfish", status=Status.PUBLISHED)
    call_command("rebuild_search_index")
    Person.objects.create(name="Orrin Mapleheart", status=Status.PUBLISHED)
    assert listed_terms() > 0 and waiting() == 1
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE archive_searchentry CASCADE")
    assert listed_terms() == waiting() == 0
