"""What the browser tests share besides fixtures."""

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.urls import Resolver404, resolve
from django.utils.translation import get_language_from_path

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (fails under CI) and says what to install
    expect = None

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def log_in(page, account):
    """Log into the admin through its login form, as a person would."""
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(account.username)
    page.get_by_label("Password").fill(account.password)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Log out").or_(
        page.get_by_role("button", name="Log out")
    ).wait_for()


# Every kind of public HTML page, by URL name. The crawl below must find each of them.
PUBLIC_PAGE_KINDS = [
    "archive:home",
    "archive:article_list",
    "archive:article_detail",
    "archive:person_list",
    "archive:person_detail",
    "archive:organization_list",
    "archive:organization_detail",
    "archive:place_list",
    "archive:place_detail",
    "archive:event_list",
    "archive:event_detail",
    "archive:quotation_list",
    "archive:quotation_detail",
    "archive:timeline",
    "archive:tag_list",
    "archive:tag_detail",
    "archive:search",
]
NOT_FOUND = "404"
NOT_FOUND_PATH = "/articles/no-article-has-this-address/"
SEARCH_QUERY = "McCain"


class LinkParser(HTMLParser):
    """The targets of a page's links, and the address its search form sends to."""

    def __init__(self):
        super().__init__()
        self.links = []
        self.search_actions = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        if tag == "form" and attributes.get("role") == "search":
            self.search_actions.append(attributes.get("action") or "")


def local_path(base, href):
    """The path (and query) of a link on this site, or None for other sites and fragments."""
    url = urlsplit(urljoin(base, href))
    if url.scheme not in {"http", "https"} or url.netloc not in {"", "testserver"}:
        return None
    return url.path + (f"?{url.query}" if url.query else "")


def find_public_pages(client):
    """One address for every kind of public page, reached by following links from home.

    Returns {kind: path}: the URL name of each HTML page kind found, plus "404". The search
    page is reached through the search form every page carries, with a query for a name.
    """
    found = {}
    queue = deque(["/"])
    seen = {"/"}
    queued_kinds = {"archive:home"}
    while queue:
        path = queue.popleft()
        response = client.get(path)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        kind = resolve(urlsplit(path).path).view_name
        found.setdefault(kind, path)
        parser = LinkParser()
        parser.feed(response.content.decode())
        targets = list(parser.links)
        targets += [f"{action}?q={SEARCH_QUERY}" for action in parser.search_actions]
        for href in targets:
            target = local_path(f"http://testserver{path}", href)
            if target is None or target in seen or target.startswith(("/admin/", "/static/")):
                continue
            if get_language_from_path(target):
                continue  # the crawl stays in English; test_persian_interface.py reads Persian
            seen.add(target)
            try:
                target_kind = resolve(urlsplit(target).path).view_name
            except Resolver404:
                target_kind = None
            # One page of each kind is enough.
            if target_kind is None or target_kind not in queued_kinds:
                queued_kinds.add(target_kind)
                queue.append(target)
    found[NOT_FOUND] = NOT_FOUND_PATH
    return found
