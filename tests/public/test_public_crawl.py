"""Every page of the public site reachable from the home page answers, and is well formed."""

from collections import Counter, deque
from urllib.parse import urlsplit

import pytest
from django.test import Client

from archive.registry import RECORD_MODELS

from ..public_helpers import LIST_PAGES, parse

SKIPPED_PREFIXES = ("/admin/", "/static/")


def internal(href):
    parts = urlsplit(href)
    if parts.scheme in ("http", "https") and parts.netloc != "testserver":
        return None
    if parts.scheme not in ("", "http", "https") or not parts.path.startswith("/"):
        return None
    if parts.path.startswith(SKIPPED_PREFIXES):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(client, start="/"):
    """Follow every internal link from ``start``: {url: response}."""
    seen, queue, pages = {start}, deque([start]), {}
    while queue:
        url = queue.popleft()
        response = client.get(url)
        pages[url] = response
        if not response["Content-Type"].startswith("text/html") or response.status_code != 200:
            continue
        for _tag, href, _rel in parse(response).links:
            target = internal(href)
            if target and target not in seen:
                seen.add(target)
                queue.append(target)
    return pages


@pytest.fixture(scope="module")
def pages(seed_for_module, django_db_blocker):
    """The whole crawl, done once for the module's tests, which only read its responses."""
    with django_db_blocker.unblock():
        return crawl(Client())


def test_every_page_reachable_from_home_answers_200(pages):
    failures = {url: r.status_code for url, r in pages.items() if r.status_code != 200}
    assert failures == {}
    assert len(pages) > 80


def test_every_published_record_of_the_seed_is_reachable_from_home(pages, seeded):
    for model in RECORD_MODELS:
        for record in model.objects.published():
            assert record.get_absolute_url() in pages, record


def test_the_crawl_reaches_every_kind_of_page(pages):
    for url in [
        *LIST_PAGES,
        "/tags/refugees/",
        "/feeds/articles.atom",
        "/feeds/articles.rss",
        "/feeds/people/john-mccain.atom",
        "/feeds/tags/refugees.rss",
        "/sitemap.xml",
        "/articles/?section=Iranian%20Opposition",
    ]:
        assert url in pages


def test_every_html_page_has_landmarks_one_h1_headings_in_order_and_unique_ids(pages):
    for url, response in pages.items():
        if not response["Content-Type"].startswith("text/html"):
            continue
        page = parse(response)
        levels = [level for level, _text in page.headings]
        assert levels.count(1) == 1, url
        assert levels[0] == 1, url
        for before, after in zip(levels, levels[1:], strict=False):
            assert after <= before + 1, (url, page.headings)
        assert [name for name, count in Counter(page.ids).items() if count > 1] == [], url
        assert {"header", "nav", "main", "footer"} <= set(page.landmarks), url
        html = response.content.decode()
        assert '<a class="skip-link" href="#main">' in html
        assert '<main id="main"' in html
        assert html.count("<main") == 1, url


def test_every_html_page_uses_only_local_assets(pages):
    for url, response in pages.items():
        if not response["Content-Type"].startswith("text/html"):
            continue
        for tag, href, _rel in parse(response).links:
            if tag == "link":
                local = href.startswith("/") and not href.startswith("//")
                assert local or href.startswith("http://testserver/"), (url, href)
        assert b"<script src" not in response.content, url
        assert b"@import" not in response.content, url
