"""Feeds, sitemap, JSON-LD and the metadata that makes every page citable."""

import pytest
from defusedxml import ElementTree

from archive.models import Article, Person
from archive.registry import RECORD_MODELS
from archive.sitemaps import RecordSitemap

from ..public_helpers import (
    ARTICLE_URL,
    LIST_PAGES,
    SITEMAP_NAMESPACE,
    draft,
    parse,
    publish,
    sitemap_files,
    sitemap_urls,
)

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = SITEMAP_NAMESPACE


def atom_entries(response):
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return root.findall(f"{ATOM}entry")


def rss_items(response):
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == "rss"
    return root.find("channel").findall("item")


# Feeds


def test_article_feeds_parse_and_list_published_articles(client, seeded):
    draft(Article, title="Draft article", slug="draft-article")
    entries = atom_entries(client.get("/feeds/articles.atom"))
    assert [e.find(f"{ATOM}title").text for e in entries] == [
        "A Shift in U.S. Sympathies Regarding the Mujahedeen e-Khalq?"
    ]
    entry = entries[0]
    assert entry.find(f"{ATOM}link").get("href") == f"http://testserver{ARTICLE_URL}"
    assert entry.find(f"{ATOM}updated").text
    # The publication date is unknown, so the feed does not invent one.
    assert entry.find(f"{ATOM}published") is None
    assert {c.get("term") for c in entry.findall(f"{ATOM}category")} == {
        "Iranian opposition",
        "refugees",
        "resettlement",
        "responsibility to protect",
    }
    items = rss_items(client.get("/feeds/articles.rss"))
    assert [item.find("link").text for item in items] == [f"http://testserver{ARTICLE_URL}"]
    assert items[0].find("pubDate") is None


def test_article_feed_gives_a_publication_date_only_when_the_day_is_known(client, db):
    publish(Article, title="Known day", publication_date="2016-09-12")
    publish(Article, title="Known month", publication_date="2016-09")
    entries = {
        e.find(f"{ATOM}title").text: e for e in atom_entries(client.get("/feeds/articles.atom"))
    }
    assert entries["Known day"].find(f"{ATOM}published").text.startswith("2016-09-12")
    assert entries["Known month"].find(f"{ATOM}published") is None


def test_feed_is_capped(client, db):
    for number in range(30):
        publish(Article, title=f"Article {number}")
    assert len(atom_entries(client.get("/feeds/articles.atom"))) == 20


def test_tag_and_person_feeds(client, seeded):
    for url in ["/feeds/tags/refugees.atom", "/feeds/people/john-mccain.atom"]:
        entries = atom_entries(client.get(url))
        assert [e.find(f"{ATOM}id").text for e in entries] == [f"http://testserver{ARTICLE_URL}"]
    for url in ["/feeds/tags/refugees.rss", "/feeds/people/john-mccain.rss"]:
        assert len(rss_items(client.get(url))) == 1
    publish(Person, name="Nobody Mentioned", slug="nobody")
    assert atom_entries(client.get("/feeds/people/nobody.atom")) == []


def test_pages_advertise_their_feeds(client, seeded):
    links = parse(client.get("/people/john-mccain/")).links
    assert ("link", "/feeds/people/john-mccain.atom", "alternate") in links
    assert ("link", "/feeds/articles.atom", "alternate") in links


# Sitemap


def test_sitemap_lists_exactly_the_published_records_and_the_main_pages(client, seeded):
    for model in RECORD_MODELS:
        draft(model, **{model.slug_source: f"Draft {model.__name__}", "slug": "a-draft"})
    elements = sitemap_urls(client)
    urls = [url.find(f"{SITEMAP}loc").text for url in elements]
    assert len(urls) == len(set(urls))
    expected_records = {
        f"http://testserver{record.get_absolute_url()}"
        for model in RECORD_MODELS
        for record in model.objects.published()
    }
    assert len(expected_records) == 1 + 13 + 16 + 7 + 13 + 13
    main_pages = {f"http://testserver{path}" for path in ["/", *LIST_PAGES]}
    assert set(urls) == expected_records | main_pages
    assert not [url for url in urls if "a-draft" in url]
    records = [url for url in elements if url.find(f"{SITEMAP}loc").text in expected_records]
    assert all(url.find(f"{SITEMAP}lastmod") is not None for url in records)


def test_the_sitemap_is_an_index_of_files_within_the_protocols_limit(client, seeded, monkeypatch):
    """Past 50,000 addresses one file breaks the sitemap protocol: the index lists files of at
    most ``limit`` addresses each (here 5, for 13 published people)."""
    assert RecordSitemap.limit <= 50_000
    monkeypatch.setattr(RecordSitemap, "limit", 5)
    index = ElementTree.fromstring(client.get("/sitemap.xml").content)
    assert index.tag == f"{SITEMAP}sitemapindex"
    files = sitemap_files(client)
    people_files = [path for path in files if path.startswith("/sitemap-person.xml")]
    assert people_files == [
        "/sitemap-person.xml",
        "/sitemap-person.xml?p=2",
        "/sitemap-person.xml?p=3",
    ]
    people = []
    for path in people_files:
        urls = ElementTree.fromstring(files[path]).findall(f"{SITEMAP}url")
        assert 1 <= len(urls) <= 5
        people += [url.find(f"{SITEMAP}loc").text for url in urls]
    assert sorted(people) == sorted(
        f"http://testserver{person.get_absolute_url()}" for person in Person.objects.published()
    )


# JSON-LD and meta tags


@pytest.mark.parametrize(
    ("url", "schema_type"),
    [
        (ARTICLE_URL, "NewsArticle"),
        ("/people/john-mccain/", "Person"),
        ("/organisations/unhcr/", "Organization"),
        ("/places/camp-ashraf/", "Place"),
        ("/events/2016-07-14-s-con-res-42-approved/", "Event"),
        ("/quotations/mccain-imperative-residents-recognized/", "Quotation"),
    ],
)
def test_every_detail_page_is_described_for_machines(client, seeded, url, schema_type):
    response = client.get(url)
    page = parse(response)
    assert len(page.json_ld) == 1
    data = page.json_ld[0]
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == schema_type
    permalink = f"http://testserver{url}"
    assert data["url"] == permalink
    content = response.content.decode()
    assert f'<link rel="canonical" href="{permalink}">' in content
    assert page.meta["og:url"] == [permalink]
    assert page.meta["og:title"][0]
    assert page.meta["description"][0]
    assert page.meta["og:description"] == page.meta["description"]
    title = content[content.index("<title>") + 7 : content.index("</title>")]
    assert title.endswith(" – Archive") and len(title) > len(" – Archive") + 3


def test_json_ld_matches_the_page(client, seeded):
    data = parse(client.get(ARTICLE_URL)).json_ld[0]
    assert data["headline"] == "A Shift in U.S. Sympathies Regarding the Mujahedeen e-Khalq?"
    assert data["articleSection"] == "Iranian Opposition"
    assert "datePublished" not in data  # unknown, so not stated
    assert "author" not in data
    assert len(data["mentions"]) == 13 + 16 + 7
    assert len(data["about"]) == 13
    assert "refugees" in data["keywords"]
    person = parse(client.get("/people/john-mccain/")).json_ld[0]
    assert person["name"] == "John McCain"
    assert person["alternateName"] == ["McCain", "Senator McCain"]
    assert person["affiliation"][0]["url"].endswith(
        "/organisations/senate-armed-services-committee/"
    )
    event = parse(client.get("/events/2016-07-14-s-con-res-42-approved/")).json_ld[0]
    assert event["startDate"] == "2016-07-14"
    assert event["attendee"][0]["name"] == "John McCain"
    undated = parse(client.get("/events/mois-statement-august-2/")).json_ld[0]
    assert "startDate" not in undated
    assert undated["location"]["name"] == "Camp Liberty"
    quotation = parse(client.get("/quotations/mccain-imperative-residents-recognized/")).json_ld[0]
    assert quotation["spokenByCharacter"][0]["name"] == "John McCain"
    assert quotation["isPartOf"]["url"] == f"http://testserver{ARTICLE_URL}"


def test_json_ld_cannot_be_broken_out_of(client, seeded):
    Person.objects.filter(slug="john-mccain").update(
        description="</script><script>alert(1)</script> & <!--"
    )
    response = client.get("/people/john-mccain/")
    content = response.content.decode()
    assert "<script>alert(1)" not in content
    assert parse(response).json_ld[0]["description"] == (
        "</script><script>alert(1)</script> & <!--"
    )


def test_article_carries_citation_metadata_only_for_what_is_known(client, seeded):
    page = parse(client.get(ARTICLE_URL))
    assert page.meta["citation_title"] == [
        "A Shift in U.S. Sympathies Regarding the Mujahedeen e-Khalq?"
    ]
    assert page.meta["citation_public_url"] == [f"http://testserver{ARTICLE_URL}"]
    assert "citation_date" not in page.meta
    assert "citation_author" not in page.meta
    assert page.meta["og:type"] == ["article"]
    assert "article:published_time" not in page.meta
    assert page.meta["article:section"] == ["Iranian Opposition"]


def test_known_article_metadata_is_stated(client, db):
    article = publish(
        Article,
        title="Known",
        byline="A. Writer",
        source_name="The Gazette",
        source_url="https://example.org/known",
        publication_date="2016-09",
    )
    response = client.get(article.get_absolute_url())
    page = parse(response)
    assert page.meta["citation_date"] == ["2016/09"]
    assert page.meta["citation_author"] == ["A. Writer"]
    assert page.meta["citation_publisher"] == ["The Gazette"]
    assert page.meta["article:published_time"] == ["2016-09"]
    data = page.json_ld[0]
    assert data["datePublished"] == "2016-09"
    assert data["publisher"] == {"@type": "Organization", "name": "The Gazette"}
    assert data["isBasedOn"] == "https://example.org/known"
    content = " ".join(response.content.decode().split())
    assert '<time datetime="2016-09">September 2016</time>' in content
    assert 'href="https://example.org/known"' in content


def test_a_source_url_that_is_not_a_web_address_is_never_linked(client, db):
    article = publish(Article, title="Odd", source_url="javascript:alert(1)")
    content = client.get(article.get_absolute_url()).content.decode()
    assert 'href="javascript:' not in content
