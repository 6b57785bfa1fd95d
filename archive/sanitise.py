"""The one HTML allow-list: what stored rich text may contain when it reaches a page.

Imports sanitise HTML with it before storing, and pages sanitise stored HTML with it again
rather than trust the database.
"""

import html
import re

import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "dfn", "div",
    "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "ins",
    "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "strong", "sub", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", "var",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    "del": {"datetime"},
    "ins": {"datetime"},
    "ol": {"start", "reversed"},
    "q": {"cite"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener noreferrer"
LINE_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


def sanitise_html(text):
    """HTML reduced to the allow-list: no scripts, styles, event handlers, images or frames."""
    return nh3.clean(
        text or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def html_to_text(text):
    """Plain text from HTML (titles, excerpts): tags dropped, entities decoded, spaces folded."""
    # A line break separates words as a space would (labels of a form, lines of an address).
    text = LINE_BREAK.sub(" ", text or "")
    plain = html.unescape(nh3.clean(text, tags=set(), strip_comments=True))
    return " ".join(plain.split())
