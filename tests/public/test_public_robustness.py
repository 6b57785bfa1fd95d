"""Whatever a reader types in a URL gets a page or a helpful 404, never a server error."""

import pytest
from django.conf import settings

from archive.models import Person

from ..public_helpers import ARTICLE_URL, LIST_PAGES, hrefs, parse, publish

BAD_PAGES = ["0", "-1", "abc", "999999999", "9" * 5000, "1.5", "", " ", "1e3", "０", "%00"]


@pytest.mark.parametrize("url", LIST_PAGES)
@pytest.mark.parametrize("page", BAD_PAGES, ids=lambda page: page[:12] or "empty")
def test_bad_page_numbers_are_a_404_not_an_error(client, seeded, url, page):
    response = client.get(url, {"page": page})
    assert response.status_code == 404
    assert "no such page" in response.content.decode().lower() or "There is no page" in (
        response.content.decode()
    )


@pytest.mark.parametrize("url", LIST_PAGES)
def test_page_one_is_the_list(client, seeded, url):
    assert client.get(url, {"page": "1"}).status_code == 200


def test_lists_cap_their_page_size_and_link_the_pages_keeping_the_filter(client, db):
    # A tag of their own keeps these apart from the seed that other tests of this module load.
    for number in range(45):
        publish(Person, name=f"Person {number:02d}").tags.add("many")
    response = client.get("/people/?tag=many")
    people = {href for href in hrefs(response) if href.startswith("/people/person-")}
    assert len(people) == settings.ARCHIVE_PAGE_SIZE == 20
    assert "?tag=many&page=2" in hrefs(response)
    assert "Page 1 of 3 (45 in all)" in response.content.decode()
    response = client.get("/people/?tag=many&page=3")
    assert len({href for href in hrefs(response) if href.startswith("/people/person-")}) == 5
    assert "?tag=many&page=2" in hrefs(response)
    assert parse(response).headings[0] == (1, "People tagged “many”")
    assert "<title>People tagged “many”, page 3 – Archive</title>" in response.content.decode()
    assert client.get("/people/?tag=many&page=4").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/articles/no-such-article/",
        "/people/no-such-person/",
        "/organisations/x/",
        "/places/x/",
        "/events/x/",
        "/quotations/x/",
        "/tags/no-such-tag/",
        "/feeds/tags/no-such-tag.atom",
        "/feeds/people/no-such-person.rss",
        "/no/such/page/",
        "/people/%C3%A9/",
        "/tags/%00/",
        "/feeds/tags/%00.atom",
    ],
)
def test_unknown_addresses_get_a_helpful_404(client, seeded, url):
    response = client.get(url)
    assert response.status_code == 404
    if "feeds" not in url:
        content = response.content.decode()
        assert "Page not found" in content
        assert {"/articles/", "/people/", "/timeline/", "/"} <= hrefs(response)
        assert 'name="q"' in content  # the search box


def test_404_names_what_was_missing_without_markup(client, seeded):
    response = client.get("/people/no-such-person/")
    assert "The archive has no person at the address “no-such-person”." in (
        response.content.decode()
    )
    response = client.get("/tags/%3Cscript%3E/")
    assert response.status_code == 404
    assert "<script>" not in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"tag": "<script>"},
        {"tag": "x" * 5000},
        {"section": "\x00"},
        {"tag": "a\x00b"},
        {"year": "2016\x00"},
        {"year": "99999"},
        {"year": "-1"},
        {"page": "1", "extra": "ignored"},
    ],
)
def test_hostile_filters_never_cause_an_error(client, seeded, query):
    for url in ["/articles/", "/people/", "/timeline/"]:
        response = client.get(url, query)
        assert response.status_code in (200, 404), (url, query)
        assert b"<script>" not in response.content


def test_repeat_visit_with_the_etag_gets_a_304(client, seeded):
    for url in ["/", ARTICLE_URL, "/people/john-mccain/", "/timeline/", "/feeds/articles.atom"]:
        first = client.get(url)
        assert first.status_code == 200
        etag = first["ETag"]
        again = client.get(url, headers={"if-none-match": etag})
        assert again.status_code == 304, url
        assert again.content == b""
        changed = client.get(url, headers={"if-none-match": '"something-else"'})
        assert changed.status_code == 200


def test_the_etag_changes_when_the_record_changes(client, seeded):
    etag = client.get("/people/john-mccain/")["ETag"]
    Person.objects.filter(slug="john-mccain").update(description="Changed.")
    response = client.get("/people/john-mccain/", headers={"if-none-match": etag})
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_admin(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
