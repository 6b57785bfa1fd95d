"""A WordPress export's items as the XML parser reads them: each <item>'s fields, categories
and comment count, and the authors' display names, gathered from the parser's events so that
a file of any size is read in flat memory."""

from collections import deque

PREFIXES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
}
ITEM_DEPTH = 3  # rss > channel > item


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


class WxrTarget:
    """Receives the parser's events; gathers each <item>'s fields and the authors' names."""

    def __init__(self):
        self.expat = None
        self.stack = []
        self.texts = []
        self.root = None
        self.wxr_version = None
        self.wxr_version_line = None
        self.authors = {}
        self.author = None
        self.item = None
        self.item_number = 0
        self.postmeta = None  # the wp:postmeta being read
        self.finished = deque()
        self.guids = {}  # GUID -> where it was first seen
        self.post_names = set()
        self.language = ""  # the channel's <language> (WordPress writes the site's, "fa-IR")

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
                "meta": {},  # wp:postmeta: key -> value (the first of each key)
            }
        elif depth == ITEM_DEPTH and name == "wp:author":
            self.author = {}
        elif depth == ITEM_DEPTH + 1 and self.item is not None:
            if name == "category":
                self.item["categories"].append([attrib.get("domain", ""), ""])
            elif name == "wp:comment":
                self.item["comments"] += 1
            elif name == "wp:postmeta":
                self.postmeta = {}

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
        elif depth == ITEM_DEPTH and name == "language":
            self.language = text.strip()
        elif depth == ITEM_DEPTH and name == "wp:wxr_version":
            self.wxr_version = text.strip()
            self.wxr_version_line = self.expat.CurrentLineNumber
        elif depth == ITEM_DEPTH + 1 and self.author is not None:
            self.author[name] = text
        elif depth == ITEM_DEPTH + 1 and self.item is not None:
            if name == "category":
                self.item["categories"][-1][1] = text
            elif name == "wp:postmeta":
                key = self.postmeta.get("wp:meta_key", "").strip()
                if key:
                    self.item["meta"].setdefault(key, self.postmeta.get("wp:meta_value", ""))
                self.postmeta = None
            else:
                self.item["fields"].setdefault(name, text)
        elif depth == ITEM_DEPTH + 2 and self.postmeta is not None:
            self.postmeta[name] = text

    def close(self):
        return None

    def open_element(self):
        return self.stack[-1] if self.stack else None

    def item_label(self):
        if self.item is None:
            return None
        return f"item {self.item['number']}"
