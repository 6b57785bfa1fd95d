"""Search, through /search/ and the commands, on whichever database the run uses.

Run on SQLite (the default) and with DATABASE_URL pointing at PostgreSQL: the same behaviour is
required of both back ends.
"""

import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.text import slugify

from archive.models import Article, Event, Organization, Person, Place, Quotation, Status

SEARCH_URL = "/search/"
# These tests read each response's rendering context, which a page from the cache has not.
pytestmark = pytest.mark.usefixtures("rendered_every_time")


def search(client, q, **params):
    response = client.get(SEARCH_URL, {"q": q, **params})
    assert response.status_code == 200
    return response


def hits(response):
    return list(response.context["results"].page.object_list)


def urls(response):
    return [hit.url for hit in hits(response)]


@pytest.fixture
def seed(db):
    call_command("load_seed")


def test_search_url_is_the_public_sites_search_route():
    assert reverse("archive:search") == SEARCH_URL


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("McCain", "/people/john-mccain/"),
        ("John McCain", "/people/john-mccain/"),
        ("Kerry", "/people/john-kerry/"),
        ("john kerry", "/people/john-kerry/"),
        ("Menendez", "/people/robert-menendez/"),
    ],
)
def test_a_persons_name_finds_that_person_first(client, seed, query, expected):
    assert urls(search(client, query))[0] == expected


def test_a_name_also_finds_what_the_person_said_and_did(client, seed):
    found = urls(search(client, "McCain"))
    assert "/quotations/mccain-safe-resettlement-vital-step/" in found
    assert "/events/mccain-press-release-september-9/" in found
    assert found[0] == "/people/john-mccain/"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("MEK", "/organisations/mujahedeen-e-khalq/"),
        ("mujahedeen", "/organisations/mujahedeen-e-khalq/"),
        ("IRGC", "/organisations/revolutionary-guard-corps/"),
        ("MOIS", "/organisations/ministry-of-intelligence/"),
        ("Senator McCain", "/people/john-mccain/"),
    ],
)
def test_acronyms_and_aliases_find_the_record_first(client, seed, query, expected):
    assert urls(search(client, query))[0] == expected


def test_quoted_phrase_needs_the_words_together_and_in_order(client, seed):
    together = urls(search(client, '"Camp Liberty"'))
    assert "/places/camp-liberty/" in together
    assert "/quotations/s-con-res-42-resettled-in-albania/" in together
    # "camps Ashraf and Liberty" has both words, but not as the phrase.
    assert "/quotations/tanter-martin-baghdad-held-iranian-dissidents/" not in together
    loose = urls(search(client, "camp liberty"))
    assert "/quotations/tanter-martin-baghdad-held-iranian-dissidents/" in loose
    assert hits(search(client, '"Liberty Camp"')) == []


def test_prefix_finds_longer_words_and_marks_them(client, seed):
    response = search(client, "resettl")
    found = urls(response)
    assert "/quotations/mccain-safe-resettlement-vital-step/" in found
    assert "<mark>resettlement</mark>" in response.content.decode()


def test_case_and_accents_are_folded_both_ways(client, db):
    place = published_place("Zürich-Émigré Hall", "A hall named in a test.")
    for query in ["zurich", "ZÜRICH", "emigre", "ÉMIGRÉ", "Emigré hall"]:
        assert urls(search(client, query)) == [place.get_absolute_url()], query
    plain = published_place("Plain Hall", "Written without accents: cafe society.")
    assert urls(search(client, "café")) == [plain.get_absolute_url()]


def published_place(name, description):
    return Place.objects.create(name=name, description=description, status=Status.PUBLISHED)


def test_highlighting_is_escaped_and_marks_only_matches(client, db):
    Article.objects.create(
        title="Markup <b>in</b> a title",
        body='Before <script>alert("x")</script> the resettlement & <img src=x onerror=alert(1)>',
        status=Status.PUBLISHED,
    )
    response = search(client, "resettlement script img")
    html = response.content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;<mark>script</mark>&gt;alert(&quot;x&quot;)&lt;/<mark>script</mark>&gt;" in html
    assert "<mark>resettlement</mark>" in html
    assert "<mark>script</mark>" in html
    assert "Markup &lt;b&gt;in&lt;/b&gt; a title" in html


def test_the_query_itself_cannot_inject_markup(client, seed):
    response = search(client, '"><img src=x onerror=alert(1)> <mark>MEK</mark>')
    html = response.content.decode()
    assert "<img src=x" not in html
    assert "&lt;mark&gt;MEK&lt;/mark&gt;" in html


def test_drafts_never_appear_in_results_counts_or_facets(client, db):
    published = Article.objects.create(
        title="Quillwort report",
        section="Open section",
        publication_date="2015",
        status=Status.PUBLISHED,
    )
    published.tags.set(["open tag"])
    draft = Article.objects.create(
        title="Quillwort draft",
        section="Hidden section",
        publication_date="2001",
        status=Status.DRAFT,
    )
    draft.tags.set(["hidden tag"])
    Person.objects.create(name="Quillwort Draftsperson", status=Status.DRAFT)
    hidden_person = Person.objects.create(name="Hiddenname Person", status=Status.DRAFT)
    quotation = Quotation.objects.create(text="Quillwort grows here.", status=Status.PUBLISHED)
    quotation.people.set([hidden_person])

    response = search(client, "quillwort")
    results = response.context["results"]
    assert set(urls(response)) == {published.get_absolute_url(), quotation.get_absolute_url()}
    assert results.total == 2
    facets = {name: {v.value: v.count for v in values} for name, values in results.facets.items()}
    assert facets["kind"] == {"article": 1, "quotation": 1}
    assert facets["section"] == {"Open section": 1}
    assert facets["year"] == {"2015": 1}
    assert facets["tag"] == {"open-tag": 1}
    html = response.content.decode()
    for secret in ["Hidden section", "hidden tag", "2001", "Draftsperson", "Hiddenname"]:
        assert secret not in html
    # A draft linked to a published record does not lend it its name either.
    assert hits(search(client, "Hiddenname")) == []
    assert hits(search(client, "Draftsperson")) == []


HOSTILE_QUERIES = [
    '"unbalanced quote',
    'two "unbalanced" quotes"',
    "AND",
    "OR",
    "NOT",
    "NEAR",
    "NEAR(mek kerry, 2)",
    "mek AND",
    "OR mek",
    "NOT mek",
    "*",
    "mek*",
    "**",
    "title:x",
    "heading:mek",
    "body:resettlement",
    "{heading names}:mek",
    "^mek",
    "(mek",
    "mek)",
    "-mek",
    "+mek",
    "'",
    "''; DROP TABLE archive_article; --",
    "%",
    "_",
    "\\",
    "mek" * 3_400,
    "x " * 5_000,
    "a" * 10_000,
    "\x00\x01\x02\x1b[31m\x7f",
    "mek\x00kerry",
    "\u202e\u200f\u200b",
    "🔥💥🏳️‍🌈",
    "mek 🔥",
    "שלום עולם",
    "مجاهدين خلق",
    "\ue000mark\ue001",
    "&amp; &lt;",
    "ǅ ß İ",
    "\ufeff",
    "",
    " ",
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_any_query_string_gets_a_page(client, seed, query):
    response = search(client, query)
    assert len(response.context["results"].query) <= 200
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"},
        {"page": "0"},
        {"page": "-3"},
        {"page": "9" * 5000},
        {"page": "99999"},
        {"page": "1.5"},
        {"kind": "nonsense"},
        {"kind": "__class__"},
        {"year": "nineteen"},
        {"year": "99999999999999999999"},
        {"year": "-1"},
        {"tag": "\x00"},
        {"tag": "x" * 5000},
        {"section": "' OR 1=1 --"},
    ],
)
def test_any_filter_or_page_value_gets_a_page(client, seed, params):
    response = search(client, "resettlement", **params)
    assert response.context["results"].total >= 0


def test_repeated_and_missing_parameters(client, seed):
    assert client.get(SEARCH_URL).status_code == 200
    assert client.get(f"{SEARCH_URL}?q=mek&q=kerry&kind=person&kind=x").status_code == 200


def test_long_queries_are_capped(client, seed):
    response = search(client, "MEK " * 3_000)
    assert 190 < len(response.context["results"].query) <= 200
    assert urls(response)[0] == "/organisations/mujahedeen-e-khalq/"


def test_facets_count_and_narrow(client, seed):
    results = search(client, "resettlement").context["results"]
    kinds = {v.value: v.count for v in results.facets["kind"]}
    assert sum(kinds.values()) == results.total
    assert kinds["quotation"] >= 2
    assert {v.value for v in results.facets["tag"]} >= {"resettlement"}
    assert {v.value for v in results.facets["section"]} == {"Iranian Opposition"}

    quotations = search(client, "resettlement", kind="quotation").context["results"]
    assert quotations.total == kinds["quotation"]
    assert {hit.kind for hit in quotations.page.object_list} == {"quotation"}

    tagged = search(client, "resettlement", tag="resettlement").context["results"]
    assert [hit.kind for hit in tagged.page.object_list] == ["article"]
    sectioned = search(client, "resettlement", section="Iranian Opposition").context["results"]
    assert [hit.kind for hit in sectioned.page.object_list] == ["article"]

    years = {v.value: v.count for v in search(client, "attack").context["results"].facets["year"]}
    assert years == {"2009": 1, "2011": 1, "2013": 1}
    in_2011 = search(client, "attack", year="2011")
    assert urls(in_2011) == ["/events/2011-attack-on-camp-ashraf/"]


def test_facet_links_keep_the_query_and_drop_the_page(client, seed):
    html = search(client, "resettlement", page="1").content.decode()
    assert 'href="?q=resettlement&amp;kind=quotation"' in html


def make_people(count, word="Xylograph"):
    return Person.objects.bulk_create(
        Person(name=f"{word} {number}", slug=slugify(f"{word} {number}"), status=Status.PUBLISHED)
        for number in range(count)
    )


def reindex_all(model):
    from archive.search.index import reindex

    reindex(model, model.objects.values_list("pk", flat=True))


def test_pagination(client, db, settings):
    make_people(settings.ARCHIVE_PAGE_SIZE + 5)
    reindex_all(Person)
    first = search(client, "xylograph")
    assert first.context["results"].total == settings.ARCHIVE_PAGE_SIZE + 5
    assert len(hits(first)) == settings.ARCHIVE_PAGE_SIZE
    assert 'href="?q=xylograph&amp;page=2"' in first.content.decode()
    second = search(client, "xylograph", page="2")
    assert len(hits(second)) == 5
    assert not set(urls(first)) & set(urls(second))
    assert len(hits(search(client, "xylograph", page="999"))) == 5
    assert urls(search(client, "xylograph", page="abc")) == urls(first)


@pytest.mark.parametrize("query", ["xylograph", '"xylograph 1"', "xylog"])
@pytest.mark.parametrize("rank_window", [10_000, 5])
@pytest.mark.parametrize("filters", [{}, {"kind": "person", "tag": "inkwork"}])
def test_queries_per_page_do_not_grow_with_the_results(
    client, db, settings, query, rank_window, filters
):
    settings.ARCHIVE_SEARCH_RANK_WINDOW = rank_window

    def count_queries():
        with CaptureQueriesContext(connection) as captured:
            response = search(client, query, **filters)
        results = response.context["results"]
        # Every result is listed (entries rewritten in place are read out of id order).
        assert len(hits(response)) == min(results.ranked, settings.ARCHIVE_PAGE_SIZE) > 0
        return len(captured)

    make_people(6)
    tag_all_people("Inkwork")
    reindex_all(Person)
    few = count_queries()
    make_people(200, word="Xylograph Extra")
    tag_all_people("Inkwork")
    reindex_all(Person)
    assert count_queries() == few


def tag_all_people(name):
    """Tag every person not tagged ``name`` yet, in bulk (no signals: reindex afterwards)."""
    from django.contrib.contenttypes.models import ContentType
    from taggit.models import Tag, TaggedItem

    tag, _ = Tag.objects.get_or_create(name=name, defaults={"slug": slugify(name)})
    tagged = TaggedItem.objects.filter(tag=tag).values_list("object_id", flat=True)
    person_type = ContentType.objects.get_for_model(Person)
    TaggedItem.objects.bulk_create(
        TaggedItem(tag=tag, content_type=person_type, object_id=pk)
        for pk in Person.objects.exclude(pk__in=list(tagged)).values_list("pk", flat=True)
    )


def make_broad_archive():
    """A person named Quillwort, then eight articles mentioning quillwort in passing."""
    person = Person.objects.create(name="Ada Quillwort", status=Status.PUBLISHED)
    articles = [
        Article.objects.create(
            title=f"Field notes {number}",
            body=f"Among the ferns, quillwort number {number}.",
            status=Status.PUBLISHED,
        )
        for number in range(8)
    ]
    return person, articles


def test_broad_queries_rank_the_newest_matches_and_the_named_and_say_so(client, db, settings):
    person, articles = make_broad_archive()
    settings.ARCHIVE_SEARCH_RANK_WINDOW = 3
    response = search(client, "quillwort")
    results = response.context["results"]
    # Counts and facets still cover every match.
    assert results.total == 9
    assert {v.value: v.count for v in results.facets["kind"]} == {"person": 1, "article": 8}
    # Ranked: the three newest matches, and the person the query names although older.
    assert results.ranked == 4
    assert urls(response)[0] == person.get_absolute_url()
    assert set(urls(response)[1:]) == {a.get_absolute_url() for a in articles[-3:]}
    html = response.content.decode()
    assert "too many to rank them all quickly, so the list ranks 4 of them" in html
    assert "9 results for" in html

    # Filters narrow the matches first; the window applies to what is left.
    only_articles = search(client, "quillwort", kind="article").context["results"]
    assert (only_articles.total, only_articles.ranked) == (8, 3)
    newest_articles = {a.get_absolute_url() for a in articles[-3:]}
    assert set(urls(search(client, "quillwort", kind="article"))) == newest_articles

    settings.ARCHIVE_SEARCH_RANK_WINDOW = 9
    everything = search(client, "quillwort")
    assert everything.context["results"].ranked == 9
    assert len(urls(everything)) == 9
    assert "too many to rank" not in everything.content.decode()


def test_filtered_broad_queries_rank_the_newest_and_the_named_that_pass_the_filters(
    client, db, settings
):
    person, articles = make_broad_archive()
    for record in [person, articles[0], articles[1], *articles[5:]]:
        record.tags.add("Ferns")
    settings.ARCHIVE_SEARCH_RANK_WINDOW = 3
    response = search(client, "quillwort", tag="ferns")
    results = response.context["results"]
    assert results.total == 6
    assert {v.value: v.count for v in results.facets["kind"]} == {"person": 1, "article": 5}
    assert [(v.value, v.count) for v in results.facets["tag"]] == [("ferns", 6)]
    # The three newest tagged matches, and the tagged person the query names although older.
    assert results.ranked == 4
    assert urls(response)[0] == person.get_absolute_url()
    assert set(urls(response)[1:]) == {a.get_absolute_url() for a in articles[5:]}
    # A filter that leaves the named person out leaves it out of the ranking too.
    only_articles = search(client, "quillwort", tag="ferns", kind="article")
    assert (only_articles.context["results"].total, only_articles.context["results"].ranked) == (
        5,
        3,
    )
    assert set(urls(only_articles)) == {a.get_absolute_url() for a in articles[5:]}
    assert search(client, "quillwort", tag="no-such-tag").context["results"].total == 0


def test_facet_counts_follow_every_change_even_rolled_back_ones(client, db):
    from django.db import transaction

    make_broad_archive()

    def article_count():
        facets = search(client, "quillwort").context["results"].facets
        return {v.value: v.count for v in facets["kind"]}["article"]

    assert article_count() == 8
    with transaction.atomic():
        Article.objects.create(title="Quillwort in spring", status=Status.PUBLISHED)
        assert article_count() == 9
        transaction.set_rollback(True)
    assert article_count() == 8
    Article.objects.filter(title="Field notes 0").unpublish()
    assert article_count() == 7
    tagged = Article.objects.get(title="Field notes 1")
    tagged.tags.add("Ferns")
    tags = search(client, "quillwort").context["results"].facets["tag"]
    assert [(v.value, v.count) for v in tags] == [("ferns", 1)]


def test_the_index_follows_edits(client, db):
    person = Person.objects.create(name="Ottoline Quarrender", status=Status.PUBLISHED)
    assert urls(search(client, "Quarrender")) == [person.get_absolute_url()]

    person.name = "Ottoline Vavasour"
    person.sort_name = ""  # made again from the name
    person.save()
    assert hits(search(client, "Quarrender")) == []
    assert urls(search(client, "Vavasour")) == [person.get_absolute_url()]

    person.aliases = "The Ferryman"
    person.save()
    assert urls(search(client, "ferryman")) == [person.get_absolute_url()]

    person.status = Status.DRAFT
    person.save()
    assert hits(search(client, "Vavasour")) == []
    person.status = Status.PUBLISHED
    person.save()
    assert urls(search(client, "Vavasour")) == [person.get_absolute_url()]

    person.delete()
    assert hits(search(client, "Vavasour")) == []


def test_the_index_follows_tag_changes(client, db):
    article = Article.objects.create(title="Tag follow-up", status=Status.PUBLISHED)
    article.tags.add("Wintergreen")
    results = search(client, "wintergreen").context["results"]
    assert [hit.url for hit in results.page.object_list] == [article.get_absolute_url()]
    assert [v.value for v in results.facets["tag"]] == ["wintergreen"]

    from taggit.models import Tag

    tag = Tag.objects.get(name="Wintergreen")
    tag.name = "Snowberry"
    tag.save()
    assert hits(search(client, "wintergreen")) == []
    assert urls(search(client, "snowberry")) == [article.get_absolute_url()]

    article.tags.remove("Snowberry")
    assert hits(search(client, "snowberry")) == []
    article.tags.set(["Bilberry"])
    assert urls(search(client, "bilberry")) == [article.get_absolute_url()]
    Tag.objects.filter(name="Bilberry").delete()
    assert hits(search(client, "bilberry")) == []
    assert urls(search(client, "follow")) == [article.get_absolute_url()]


def test_the_index_follows_links_and_linked_names(client, db):
    speaker = Person.objects.create(name="Perpetua Ironside", status=Status.PUBLISHED)
    group = Organization.objects.create(name="Lanternfish Council", status=Status.PUBLISHED)
    quotation = Quotation.objects.create(text="Words worth keeping.", status=Status.PUBLISHED)
    event = Event.objects.create(title="A meeting", status=Status.PUBLISHED)

    quotation.people.add(speaker)
    group.events.add(event)  # from the other side of the link
    assert quotation.get_absolute_url() in urls(search(client, "Ironside"))
    assert event.get_absolute_url() in urls(search(client, "Lanternfish"))

    speaker.aliases = "Old Ironsides"
    speaker.name = "Perpetua Steelbrook"
    speaker.save()
    assert quotation.get_absolute_url() in urls(search(client, "Steelbrook"))

    speaker.status = Status.DRAFT
    speaker.save()
    assert hits(search(client, "Steelbrook")) == []

    group.events.clear()
    assert event.get_absolute_url() not in urls(search(client, "Lanternfish"))
    group.events.add(event)
    group.delete()
    assert hits(search(client, "Lanternfish")) == []


def test_bulk_writes_are_indexed_by_the_reindex_hook(client, db):
    from archive.search.index import reindex

    people = make_people(3, word="Bulkwort")
    assert hits(search(client, "bulkwort")) == []
    reindex(Person, [person.pk for person in people])
    assert len(hits(search(client, "bulkwort"))) == 3

    Person.objects.filter(pk=people[0].pk).unpublish()
    assert len(hits(search(client, "bulkwort"))) == 2


def write_archive(path, **sections):
    path.write_text(json.dumps({"format": "archive", "version": 1, **sections}), "utf-8")
    return path


def test_the_index_follows_imports(client, db, tmp_path):
    first = write_archive(
        tmp_path / "first.json",
        people=[
            {
                "slug": "imported-person",
                "name": "Isidore Pennyroyal",
                "aliases": ["Candlewick"],
                "status": "published",
            }
        ],
        quotations=[
            {
                "slug": "imported-quotation",
                "text": "Imported words about marshmallow.",
                "people": ["imported-person"],
                "status": "published",
                "tags": ["sweets"],
            }
        ],
    )
    call_command("import_archive", str(first))
    assert urls(search(client, "Pennyroyal"))[0] == "/people/imported-person/"
    assert "/quotations/imported-quotation/" in urls(search(client, "Pennyroyal"))
    assert urls(search(client, "marshmallow", tag="sweets")) == ["/quotations/imported-quotation/"]

    second = write_archive(
        tmp_path / "second.json",
        people=[
            {
                "slug": "imported-person",
                "name": "Isidore Pennyroyal",
                "aliases": ["Fennel"],
                "status": "published",
            }
        ],
    )
    call_command("import_archive", str(second))
    assert urls(search(client, "Candlewick")) == []
    assert urls(search(client, "Fennel")) == [
        "/people/imported-person/",
        "/quotations/imported-quotation/",
    ]


def test_an_import_dry_run_leaves_the_index_alone(client, db, tmp_path):
    path = write_archive(
        tmp_path / "dry.json",
        people=[{"slug": "dry-person", "name": "Dryden Marchpane", "status": "published"}],
    )
    call_command("import_archive", str(path), "--dry-run")
    assert hits(search(client, "Marchpane")) == []


def test_rebuild_command_restores_a_lost_index(client, seed, capsys):
    from archive.search.models import SearchEntry

    expected = urls(search(client, "McCain"))
    SearchEntry.objects.all().delete()
    assert hits(search(client, "McCain")) == []

    call_command("rebuild_search_index", "--dry-run")
    assert "Dry run" in capsys.readouterr().out
    assert hits(search(client, "McCain")) == []

    call_command("rebuild_search_index")
    published = sum(
        model.objects.published().count()
        for model in [Article, Person, Organization, Place, Event, Quotation]
    )
    assert f"Indexed {published} published records." in capsys.readouterr().out
    assert urls(search(client, "McCain")) == expected


def test_rebuild_command_for_one_kind(client, seed, capsys):
    from archive.search.models import SearchEntry

    SearchEntry.objects.all().delete()
    call_command("rebuild_search_index", "--kind", "person")
    assert set(SearchEntry.objects.values_list("kind", flat=True)) == {"person"}
    assert urls(search(client, "McCain")) == ["/people/john-mccain/"]
