"""The one HTML allow-list: what stored rich text may contain when it reaches a page.

Imports sanitise HTML with it before storing, and pages sanitise stored HTML with it again
rather than trust the database.

Images are kept only when they show one of the archive's own files by its content
(``/files/sha256/<hex>``, what a WordPress import with ``--uploads`` writes): never another
site's address (a tracker, a hot-linked picture); any other image becomes its alt text.
"""

import html
import re

import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "dfn", "div",
    "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins",
    "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "strong", "sub", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", "var",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    "del": {"datetime"},
    "img": {"src", "alt"},
    "ins": {"datetime"},
    "ol": {"start", "reversed"},
    "q": {"cite"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener noreferrer"
LINE_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
# The address of an archive file by its content, under any script prefix.
OWN_IMAGE = re.compile(r"(?:/[\w.~-]+)*/files/sha256/[0-9a-f]{64}")
# An image left without an address (its source was not allowed): its alt text, if any.
IMAGE_WITHOUT_SOURCE = re.compile(r'<img(?![^>]*\ssrc=)(?:\s+alt="([^"]*)")?\s*/?>')


def _own_images_only(element, attribute, value):
    if element == "img" and attribute == "src" and not OWN_IMAGE.fullmatch(value):
        return None
    return value


def sanitise_html(text):
    """HTML reduced to the allow-list: no scripts, styles, event handlers or frames, and no
    images but the archive's own files."""
    cleaned = nh3.clean(
        text or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_own_images_only,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )
    if "<img" not in cleaned:
        return cleaned
    return IMAGE_WITHOUT_SOURCE.sub(lambda match: match.group(1) or "", cleaned)


def html_to_text(text):
    """Plain text from HTML (titles, excerpts): tags dropped, entities decoded, spaces folded."""
    # A line break separates words as a space would (labels of a form, lines of an address).
    text = LINE_BREAK.sub(" ", text or "")
    plain = html.unescape(nh3.clean(text, tags=set(), strip_comments=True))
    return " ".join(plain.split())
