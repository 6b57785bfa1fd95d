"""WordPress export files (WXR 1.0 to 1.2): posts and pages become articles.

The file is parsed as it is read (flat memory) by defusedxml's parser: a document that declares
entities (the "billion laughs" expansion attack) or refers to external ones is refused.

Mapping, per item: status publish -> published, anything else (draft, private, pending,
scheduled, password-protected) -> draft; ``wp:post_date`` -> publication date (the day); the
author's display name -> byline; the first category -> section, further categories and the tags
-> tags; the permalink -> source URL; the GUID -> source identifier (the natural key); the
content, sanitised to an allow-list, -> body (see ``html.py``), and exactly as exported ->
capture text; the excerpt as plain text -> summary. Attachments, comments, menu items and other
item types are counted and skipped; so are posts without a title, since an article needs one.
"""

from collections import deque
from urllib.parse import unquote

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, ParseError
from django.core.validators import slug_unicode_re

from ..models.base import SLUG_MAX_LENGTH
from ..sanitise import html_to_text
from .html import html_blocks
from .records import Notice, Skipped

ARTICLE_TYPES = {"post", "page"}
SKIPPED_TYPES = {"attachment": "attachment", "nav_menu_item": "menu item"}
NOT_CONTENT_STATUSES = {"trash", "auto-draft", "inherit"}
PREFIXES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
}
ITEM_DEPTH = 3  # rss > channel > item


def read_wxr(source, problems, **options):
    """Yield (kind, data, location) for each post and page, and Skipped for everything else."""
    target = _WxrTarget()
    parser = DefusedXMLParser(target=target)
    target.expat = parser.parser
    try:
        for chunk in source.chunks():
            parser.feed(chunk)
            yield from _records(target, source)
        parser.close()
    except ParseError as error:
        line = error.position[0] if error.position else None
        problems.add(
            source.location(line, target.item_label()),
            f"the XML is malformed or cut short ({_reason(error)}); export the file again",
            target.open_element(),
        )
        return
    except DefusedXmlException as error:
        problems.add(
            source.location(target.expat.CurrentLineNumber),
            f"the file declares XML entities ({type(error).__name__}: {error}); WordPress "
            "exports never do, and they are refused as an entity-expansion or external-file "
            "attack",
            "DOCTYPE",
        )
        return
    yield from _records(target, source)
    if target.root != "rss" or target.wxr_version is None:
        problems.add(
            source.location(1),
            "not a WordPress export: expected <rss> with a <wp:wxr_version>",
            "wp:wxr_version",
        )


def _reason(error):
    return str(error).split(":")[0]


def _qualified(tag):
    """“wp:post_type” for “{http://wordpress.org/export/1.2/}post_type”."""
    if not tag.startswith("{"):
        return tag
    namespace, name = tag[1:].split("}", 1)
    if "wordpress.org/export/" in namespace:
        prefix = "excerpt" if namespace.rstrip("/").endswith("excerpt") else "wp"
    else:
        prefix = PREFIXES.get(namespace, "")
    return f"{prefix}:{name}" if prefix else name


class _WxrTarget:
    """Receives the parser's events; gathers each <item>'s fields and the authors' names."""

    def __init__(self):
        self.expat = None
        self.stack = []
        self.texts = []
        self.root = None
        self.wxr_version = None
        self.authors = {}
        self.author = None
        self.item = None
        self.item_number = 0
        self.finished = deque()
        self.guids = {}  # GUID -> where it was first seen
        self.post_names = set()

    def start(self, tag, attrib):
        name = _qualified(tag)
        self.stack.append(name)
        self.texts.append([])
        depth = len(self.stack)
        if depth == 1:
            self.root = name
        elif depth == ITEM_DEPTH and name == "item":
            self.item_number += 1
            self.item = {
                "line": self.expat.CurrentLineNumber,
                "number": self.item_number,
                "fields": {},
                "categories": [],
                "comments": 0,
            }
        elif depth == ITEM_DEPTH and name == "wp:author":
            self.author = {}
        elif depth == ITEM_DEPTH + 1 and self.item is not None:
            if name == "category":
                self.item["categories"].append([attrib.get("domain", ""), ""])
            elif name == "wp:comment":
                self.item["comments"] += 1

    def data(self, text):
        # Only the text of an item's, an author's or the channel's own fields is kept; the
        # whitespace between items would otherwise pile up on the channel as the file goes on.
        if len(self.stack) >= ITEM_DEPTH:
            self.texts[-1].append(text)

    def end(self, tag):
        name = self.stack.pop()
        text = "".join(self.texts.pop())
        depth = len(self.stack) + 1
        if depth == ITEM_DEPTH and name == "item":
            self.finished.append(self.item)
            self.item = None
        elif depth == ITEM_DEPTH and name == "wp:author":
            login = self.author.get("wp:author_login", "").strip()
            if login:
                self.authors[login] = self.author.get("wp:author_display_name", "").strip()
            self.author = None
        elif depth == ITEM_DEPTH and name == "wp:wxr_version":
            self.wxr_version = text.strip()
        elif depth == ITEM_DEPTH + 1 and self.author is not None:
            self.author[name] = text
        elif depth == ITEM_DEPTH + 1 and self.item is not None:
            if name == "category":
                self.item["categories"][-1][1] = text
            else:
                self.item["fields"].setdefault(name, text)

    def close(self):
        return None

    def open_element(self):
        return self.stack[-1] if self.stack else None

    def item_label(self):
        if self.item is None:
            return None
        return f"item {self.item['number']}"


def _records(target, source):
    while target.finished:
        yield from _item_records(target.finished.popleft(), target, source)


def _item_records(item, target, source):
    fields = item["fields"]
    post_type = fields.get("wp:post_type", "").strip()
    status = fields.get("wp:status", "").strip()
    title = html_to_text(fields.get("title", ""))
    label = f"item {item['number']}" + (f" “{title[:60]}”" if title else "")
    location = source.location(item["line"], label)
    for _ in range(item["comments"]):
        yield Skipped("comment", location)
    if post_type not in ARTICLE_TYPES:
        yield Skipped(SKIPPED_TYPES.get(post_type, "other WordPress item"), location)
        return
    if status in NOT_CONTENT_STATUSES:
        yield Skipped("article", location, f"WordPress status “{status}”: not imported")
        return
    if not title:
        yield Skipped("article", location, "no title (an article needs one): not imported")
        return
    categories = [html_to_text(text) for domain, text in item["categories"] if domain == "category"]
    tags = [html_to_text(text) for domain, text in item["categories"] if domain == "post_tag"]
    creator = fields.get("dc:creator", "").strip()
    post_date = fields.get("wp:post_date", "").strip()
    protected = bool(fields.get("wp:post_password", "").strip())
    content = fields.get("content:encoded", "")
    data = {
        "title": title,
        "status": "published" if status == "publish" and not protected else "draft",
        "publication_date": "" if post_date.startswith("0000") else post_date[:10],
        "byline": target.authors.get(creator) or creator,
        "section": categories[0] if categories else "",
        "tags": [name for name in dict.fromkeys([*categories[1:], *tags]) if name],
        "source_url": fields.get("link", "").strip(),
        "source_guid": _unique_guid(fields.get("guid", "").strip(), location, target),
        "summary": html_to_text(fields.get("excerpt:encoded", "")),
        "body": html_blocks(content),
        "body_format": "html",
        "capture_text": content,
    }
    slug = _post_name_slug(fields.get("wp:post_name", ""), target)
    if slug:
        data["slug"] = slug
    if data["source_guid"] != fields.get("guid", "").strip():
        yield Notice(
            location,
            f"its GUID is also the GUID of {target.guids[fields['guid'].strip()]}; "
            "this post is identified by its permalink instead",
        )
    yield "article", data, location


def _unique_guid(guid, location, target):
    """A GUID repeated in one export (WordPress lets it happen) cannot tell the posts apart;
    only its first post keeps it, and the others are identified by their permalinks."""
    if not guid or guid in target.guids:
        return ""
    target.guids[guid] = f"{location.record} (line {location.line})"
    return guid


def _post_name_slug(post_name, target):
    """The post's own permanent name (``wp:post_name``, percent-decoded: "%e4%b8%96" is "世")
    as its slug, if it is a valid slug and the first in this export to have it (a page and a
    post may share one); otherwise the slug is made from the title."""
    slug = unquote(post_name.strip())
    if not slug or len(slug) > SLUG_MAX_LENGTH or not slug_unicode_re.match(slug):
        return ""
    if slug in target.post_names:
        return ""
    target.post_names.add(slug)
    return slug
