"""Helpers of the public-site tests (tests/public/) and of others that read public pages:
records and page parsing."""

import json
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

from defusedxml import ElementTree

from archive.models import Status

ARTICLE_SLUG = "a-shift-in-us-sympathies-regarding-the-mujahedeen-e-khalq"
ARTICLE_URL = f"/articles/{ARTICLE_SLUG}/"
# Every list page of the public site, linked from every page's navigation.
LIST_PAGES = [
    "/articles/",
    "/people/",
    "/organisations/",
    "/places/",
    "/events/",
    "/quotations/",
    "/timeline/",
    "/tags/",
]

SITEMAP_NAMESPACE = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
# The sitemaps /sitemap.xml indexes, one per kind.
SITEMAP_SECTIONS = [
    f"/sitemap-{kind}.xml"
    for kind in ["pages", "article", "person", "organization", "place", "event", "quotation"]
]


def sitemap_files(client):
    """{path: XML text} of every sitemap file the index at /sitemap.xml lists, as a crawler
    follows it."""
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    files = {}
    for location in ElementTree.fromstring(index.content).iter(f"{SITEMAP_NAMESPACE}loc"):
        url = urlsplit(location.text)
        path = url.path + (f"?{url.query}" if url.query else "")
        response = client.get(path)
        assert response.status_code == 200, path
        files[path] = response.content.decode()
    return files


def sitemap_urls(client):
    """Every <url> element of every sitemap file, in order."""
    return [
        url
        for text in sitemap_files(client).values()
        for url in ElementTree.fromstring(text).findall(f"{SITEMAP_NAMESPACE}url")
    ]


def publish(model, **fields):
    return model.objects.create(status=Status.PUBLISHED, **fields)


def draft(model, **fields):
    return model.objects.create(status=Status.DRAFT, **fields)


class PageParser(HTMLParser):
    """Collects what the tests look at in a page: links, headings, ids, JSON-LD, meta tags."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.headings, self.ids, self.meta = [], [], [], {}
        self.json_ld, self.landmarks = [], []
        self._in_json_ld = False
        self._heading = None
        self._text = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag in ("a", "link") and attrs.get("href"):
            self.links.append((tag, attrs["href"], attrs.get("rel", "")))
        if tag == "meta":
            key = attrs.get("name") or attrs.get("property")
            if key:
                self.meta.setdefault(key, []).append(attrs.get("content", ""))
        if tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_json_ld, self._text = True, []
        if re.fullmatch(r"h[1-6]", tag):
            self._heading, self._text = int(tag[1]), []
        if tag in ("header", "nav", "main", "footer"):
            self.landmarks.append(tag)

    def handle_endtag(self, tag):
        if tag == "script" and self._in_json_ld:
            self.json_ld.append(json.loads("".join(self._text)))
            self._in_json_ld = False
        if self._heading and tag == f"h{self._heading}":
            self.headings.append((self._heading, " ".join("".join(self._text).split())))
            self._heading = None

    def handle_data(self, data):
        if self._in_json_ld or self._heading:
            self._text.append(data)


def parse(response):
    parser = PageParser()
    parser.feed(response.content.decode())
    parser.close()
    return parser


def hrefs(response):
    return {href for tag, href, rel in parse(response).links if tag == "a"}
