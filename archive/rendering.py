"""An article body as safe HTML, with the names of the records it mentions linked.

The stored body stays verbatim; links exist only in what is rendered. Every piece of stored
text is escaped before it reaches the page, and the only markup added is the paragraph, list
and link tags built here, so a body can never inject markup.

Names are linked for the people, organisations and places the article is linked to (the
records its editor said it mentions), so a common word that happens to be someone's alias in
another article ("Liberty", "Martin") is not linked where it means something else. A name
links the first time it occurs; a name two records share is ambiguous and is not linked.
"""

import re

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from .sanitise import html_to_text, sanitise_html

# "•" then any whitespace, including the no-break space the seed capture uses.
BULLET = re.compile(r"^•\s*")
# Shorter names would link fragments of ordinary text.
MIN_NAME_LENGTH = 2


class NameLinker:
    """Finds the known names in a text and wraps the first mention of each record in a link."""

    def __init__(self, records):
        targets, ambiguous = {}, set()
        for record in records:
            url = record.get_absolute_url()
            for name in record.names:
                name = name.strip()
                if len(name) < MIN_NAME_LENGTH:
                    continue
                if name in targets and targets[name][0] != url:
                    ambiguous.add(name)
                targets.setdefault(name, (url, record))
        self.targets = {name: target for name, target in targets.items() if name not in ambiguous}
        self.linked = set()
        if self.targets:
            # Longest first, so "Camp Ashraf" wins over "Ashraf" where both could match.
            names = sorted(self.targets, key=lambda name: (-len(name), name))
            alternatives = "|".join(re.escape(name) for name in names)
            self.pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")
        else:
            self.pattern = None

    def __call__(self, text):
        """The text escaped, with links added; never links inside a link."""
        if self.pattern is None:
            return escape(text)
        pieces, position = [], 0
        for match in self.pattern.finditer(text):
            url, record = self.targets[match.group()]
            key = (type(record), record.pk)
            if key in self.linked:
                continue
            self.linked.add(key)
            pieces.append(escape(text[position : match.start()]))
            pieces.append(format_html('<a href="{}">{}</a>', url, match.group()))
            position = match.end()
        pieces.append(escape(text[position:]))
        return "".join(pieces)


def _lines_html(block, link):
    return "<br>".join(link(line) for line in block.split("\n"))


def body_blocks(article):
    """The body's paragraphs, without a first paragraph that only repeats the title."""
    blocks = article.paragraphs
    if blocks and blocks[0].strip() == article.title.strip():
        blocks = blocks[1:]
    return blocks


def render_body(article, records=()):
    """The article body as HTML: paragraphs, lists of "• " items, and links to ``records``.

    A body stored as HTML (imported from WordPress) is sanitised again with the same
    allow-list and shown as it is, without added links.
    """
    if article.body_format == article.BodyFormat.HTML:
        blocks = [block for block in article.paragraphs if html_to_text(block) != article.title]
        return mark_safe("\n".join(sanitise_html(block) for block in blocks))  # noqa: S308
    link = NameLinker(records)
    html, items = [], []

    def close_list():
        if items:
            html.append("<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>")
            items.clear()

    for block in body_blocks(article):
        bullet = BULLET.match(block)
        if bullet:
            items.append(_lines_html(block[bullet.end() :], link))
            continue
        close_list()
        html.append(f"<p>{_lines_html(block, link)}</p>")
    close_list()
    return mark_safe("\n".join(html))  # noqa: S308 (every piece of text above was escaped)
