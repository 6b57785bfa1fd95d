"""What each database's full-text index must be: FTS5 on SQLite, tsvector + GIN on PostgreSQL.

Each test runs only on its own database and is skipped on the other.
"""

import pytest
from django.core.management import call_command
from django.db import connection

from archive.models import Article, Person, Status
from archive.search.models import SearchEntry

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite (FTS5) only")
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")


def fetch(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@sqlite_only
@pytest.mark.django_db
def test_sqlite_fts5_table_indexes_words_folded_in_python():
    (sql,) = fetch("SELECT sql FROM sqlite_master WHERE name = 'archive_search_fts'")[0]
    assert "fts5" in sql
    assert "remove_diacritics 0" in sql  # folding is archive.search.folding's alone
    # Three- and four-letter prefixes ("the"* for "the") are read as one doclist, not merged
    # from every word they begin on every statement (migration 0018_search_prefix_index).
    assert "prefix='3 4'" in sql
    assert "content='archive_searchentry'" in sql
    (trigger,) = fetch(
        "SELECT sql FROM sqlite_master WHERE name = 'archive_searchentry_fts_insert'"
    )[0]
    assert "archive_search_words(new.body)" in trigger


@sqlite_only
@pytest.mark.django_db
def test_sqlite_fts5_index_stays_consistent_through_edits_and_rebuilds(client):
    call_command("load_seed")
    person = Person.objects.get(slug="john-mccain")
    person.aliases = "McCain\nThe Senator from Arizona"
    person.save()
    person.tags.add("senate")
    Article.objects.filter(slug__isnull=False).first().delete()
    call_command("rebuild_search_index")
    # FTS5 verifies its index against the entry table; it raises if they ever drifted apart.
    fetch("INSERT INTO archive_search_fts(archive_search_fts, rank) VALUES ('integrity-check', 1)")
    indexed = fetch("SELECT count(*) FROM archive_search_fts")[0][0]
    assert indexed == SearchEntry.objects.count() > 0


@sqlite_only
@pytest.mark.django_db
def test_sqlite_query_syntax_never_reaches_fts5(client):
    Person.objects.create(name="Near Notable", status=Status.PUBLISHED)
    # As FTS5 syntax these would be an error or an operator; as words they are found.
    for query in [
        "NEAR",
        "NOT",
        "near notable",
        "notable:near",
        '"near" "notable"',
        "NEAR(near notable)",
    ]:
        response = client.get("/search/", {"q": query})
        assert response.status_code == 200
        assert [hit.kind for hit in response.context["results"].hits] == ["person"], query


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db
def test_postgresql_vector_has_a_gin_index():
    indexes = fetch("SELECT indexdef FROM pg_indexes WHERE tablename = 'archive_searchentry'")
    assert any("USING gin (vector)" in indexdef for (indexdef,) in indexes)


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db
def test_postgresql_keeps_entry_rows_narrow_and_names_indexed():
    indexes = fetch("SELECT indexdef FROM pg_indexes WHERE tablename = 'archive_searchentry'")
    assert any("ts_filter(vector" in indexdef for (indexdef,) in indexes)
    (options,) = fetch("SELECT reloptions FROM pg_class WHERE relname = 'archive_searchentry'")[0]
    assert "toast_tuple_target=128" in options


def ranking_copies():
    """{entry id: (vector as text, whether it is compressed)} of archive_search_rank."""
    rows = fetch(
        "SELECT id, vector::text, pg_column_compression(vector) IS NOT NULL"
        " FROM archive_search_rank"
    )
    return {pk: (vector, compressed) for pk, vector, compressed in rows}


def entry_vectors():
    return dict(fetch("SELECT id, vector::text FROM archive_searchentry"))


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db
def test_postgresql_ranks_from_uncompressed_copies_kept_in_step_with_the_entries(client):
    (options,) = fetch("SELECT reloptions FROM pg_class WHERE relname = 'archive_search_rank'")[0]
    assert "toast_tuple_target=8160" in options
    long_body = " ".join(f"word{number} lanternfish" for number in range(400))  # several KB
    article = Article.objects.create(
        title="Lanternfish survey", body=long_body, status=Status.PUBLISHED
    )
    person = Person.objects.create(name="Orrin Lanternfish", status=Status.PUBLISHED)
    copies = ranking_copies()
    assert {pk: vector for pk, (vector, _) in copies.items()} == entry_vectors()
    assert len(copies) == 2
    assert not any(compressed for _, compressed in copies.values())
    # The entry's own vector is stored out of line and compressed; the copy is read in place.
    assert fetch(
        "SELECT pg_column_compression(vector) IS NOT NULL FROM archive_searchentry"
        " WHERE kind = 'article'"
    ) == [(True,)]

    person.name = "Orrin Mapleheart"
    person.save()
    article.status = Status.DRAFT
    article.save()
    assert {pk: vector for pk, (vector, _) in ranking_copies().items()} == entry_vectors()
    assert len(entry_vectors()) == 1
    hits = client.get("/search/", {"q": "mapleheart"}).context["results"].hits
    assert [hit.title for hit in hits] == ["Orrin <mark>Mapleheart</mark>"]

    call_command("rebuild_search_index")
    assert {pk: vector for pk, (vector, _) in ranking_copies().items()} == entry_vectors()
    SearchEntry.objects.all().delete()
    assert ranking_copies() == {}


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db(transaction=True)
def test_postgresql_emptying_the_index_empties_its_ranking_copies():
    Person.objects.create(name="Orrin Lanternfish", status=Status.PUBLISHED)
    assert len(ranking_copies()) == 1
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE archive_searchentry CASCADE")
    assert ranking_copies() == {}


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db
def test_postgresql_search_leaves_the_planner_settings_as_they_were(client):
    Person.objects.create(name="Orrin Maplethorpe", status=Status.PUBLISHED)
    assert client.get("/search/", {"q": "maplethorpe"}).context["results"].total == 1
    assert fetch("SHOW enable_seqscan", [])[0][0] == "on"


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db
def test_postgresql_entries_carry_weighted_folded_vectors():
    person = Person.objects.create(
        name="Émilie Lantéri",
        aliases="The Archivist",
        description="Keeper of records.",
        status=Status.PUBLISHED,
    )
    entry = SearchEntry.objects.get(kind="person", object_id=person.pk)
    vector = fetch("SELECT vector::text FROM archive_searchentry WHERE id = %s", [entry.pk])[0][0]
    assert "'emilie':1A" in vector
    assert "'lanteri':2A" in vector
    lexemes = dict(item.split(":") for item in vector.split(" "))
    assert lexemes["'archivist'"].endswith("A")  # aliases weigh as much as the name
    assert lexemes["'keeper'"].isdigit()  # weight D (the description, least) is not printed
    # Columns are kept apart, so a phrase cannot run from one into the next.
    assert int(lexemes["'keeper'"]) > int(lexemes["'archivist'"][:-1]) + 1


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db
def test_postgresql_folds_accents_without_the_unaccent_extension(client):
    # The stored vector holds folded words, so no unaccent() is needed at query time.
    Person.objects.create(name="Émilie Lantéri", status=Status.PUBLISHED)
    response = client.get("/search/", {"q": "EMILIE lanteri"})
    assert [hit.kind for hit in response.context["results"].hits] == ["person"]


@sqlite_only
@pytest.mark.django_db
def test_sqlite_results_keep_the_bm25_order_of_the_full_prefix_query(client):
    """Dropping prefix parts no other word extends must not change which hits come first."""
    from archive.search.backends.sqlite import BM25, match_expression
    from archive.search.text import parse_query

    call_command("load_seed")
    Person.objects.create(name="Campbell Camper", status=Status.PUBLISHED)  # "camp" extends
    for query in ["camp", "camp liberty", "resettlement", "McCain", "Ashraf attack", "iran"]:
        shown = [hit.url for hit in client.get("/search/", {"q": query}).context["results"].hits]
        full = match_expression(parse_query(query))  # every word as itself OR its prefix
        ids = fetch(
            f"SELECT rowid FROM archive_search_fts WHERE archive_search_fts MATCH %s "  # noqa: S608
            f"ORDER BY {BM25}, rowid LIMIT 20",
            [full],
        )
        ids = [pk for (pk,) in ids]
        entries = SearchEntry.objects.in_bulk(ids)
        assert shown == [entries[pk].get_absolute_url() for pk in ids], query
        assert shown, query


@sqlite_only
@pytest.mark.django_db
def test_sqlite_facet_table_follows_the_entries(client):
    def facet_rows():
        return fetch(
            "SELECT f.id, v.kind, v.section, v.year FROM archive_search_facets AS f "
            "JOIN archive_search_facet_values AS v ON v.id = f.value_id ORDER BY f.id"
        )

    def entry_rows():
        return list(SearchEntry.objects.order_by("id").values_list("id", "kind", "section", "year"))

    call_command("load_seed")
    assert facet_rows() == entry_rows() != []
    article, other = Article.objects.published().first(), Person.objects.published().first()
    article.section = "A section of its own"
    article.save()
    other.delete()
    entry = SearchEntry.objects.filter(kind="person").first()
    SearchEntry.objects.filter(pk=entry.pk).update(section="Updated in place", year=None)
    assert facet_rows() == entry_rows()
    assert ("article", "A section of its own") in {(k, s) for _, k, s, _ in facet_rows()}
    call_command("rebuild_search_index")
    assert facet_rows() == entry_rows() != []
    response = client.get("/search/", {"q": article.title})
    sections = {v.value: v.count for v in response.context["results"].facets["section"]}
    assert sections["A section of its own"] == 1
