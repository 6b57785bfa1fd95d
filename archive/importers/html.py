"""Rich text from other systems (WordPress): sanitised to an allow-list before it is stored.

The allow-list itself is ``archive.sanitise``; pages pass stored HTML through it again rather
than trust the database. ``html_blocks`` turns WordPress post content
(paragraphs separated by blank lines, as WordPress stores them, mixed with block elements)
into sanitised blocks, one complete element per blank-line block (``<p>…</p>``, ``<ul>…</ul>``),
which is the body's "one paragraph or list item per blank-line block" shape.
"""

import html
import re
from html.parser import HTMLParser

from ..sanitise import sanitise_html

# Elements that form a block of their own; everything else is inline, inside a paragraph.
BLOCK_TAGS = {
    "blockquote", "div", "dl", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "ol", "p", "pre",
    "table", "ul",
}  # fmt: skip
VOID_TAGS = {"br", "hr"}
# The page's own title is its <h1>; headings in a post start one level down.
TOP_HEADING = re.compile(r"<(/?)h1\b", re.IGNORECASE)
BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")
BLANK_LINES_INSIDE = re.compile(r"\n(?:[ \t]*\n)+")


def html_blocks(text):
    """WordPress content as sanitised blocks joined by blank lines (see the module docstring)."""
    splitter = _BlockSplitter()
    splitter.feed(sanitise_html(TOP_HEADING.sub(r"<\1h2", text.replace("\r\n", "\n"))))
    splitter.close()
    blocks = (sanitise_html(block) for block in splitter.finish())
    return "\n\n".join(block for block in blocks if block.strip())


class _BlockSplitter(HTMLParser):
    """Splits sanitised HTML into top-level blocks, wrapping loose text in paragraphs the way
    WordPress does when it shows a post (blank line: new paragraph; single newline: ``<br>``)."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.blocks = []
        self.inline = []  # the paragraph being gathered at the top level
        self.block = []  # the block element being copied
        self.depth = 0  # open block elements

    def handle_starttag(self, tag, attrs):
        markup = _start_tag(tag, attrs)
        if self.depth == 0 and tag in BLOCK_TAGS:
            self._end_paragraph()
            if tag in VOID_TAGS:
                self.blocks.append(markup)
                return
            self.depth = 1
            self.block = [markup]
        elif self.depth:
            if tag in BLOCK_TAGS and tag not in VOID_TAGS:
                self.depth += 1
            self.block.append(markup)
        else:
            self.inline.append(markup)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in VOID_TAGS:
            return
        markup = f"</{tag}>"
        if self.depth:
            self.block.append(markup)
            if tag in BLOCK_TAGS:
                self.depth -= 1
                if self.depth == 0:
                    self.blocks.append(_no_blank_lines("".join(self.block)))
                    self.block = []
        else:
            self.inline.append(markup)

    def handle_data(self, data):
        if self.depth:
            self.block.append(html.escape(data, quote=False))
            return
        parts = BLANK_LINES.split(data)
        for index, part in enumerate(parts):
            if index:
                self._end_paragraph()
            self.inline.append(html.escape(part, quote=False))

    def handle_entityref(self, name):
        self.handle_data(html.unescape(f"&{name};"))

    def handle_charref(self, name):
        self.handle_data(html.unescape(f"&#{name};"))

    def _end_paragraph(self):
        paragraph = "".join(self.inline).strip()
        self.inline = []
        if paragraph:
            self.blocks.append("<p>" + paragraph.replace("\n", "<br>\n") + "</p>")

    def finish(self):
        if self.block:
            self.blocks.append(_no_blank_lines("".join(self.block)))
        self._end_paragraph()
        return self.blocks


def _start_tag(tag, attrs):
    rendered = "".join(f' {name}="{html.escape(value or "", quote=True)}"' for name, value in attrs)
    return f"<{tag}{rendered}>"


def _no_blank_lines(block):
    """Keep a block in one blank-line block: a blank line inside it becomes a line holding a
    single space (invisible in HTML, and in a <pre> the same empty-looking line)."""
    return BLANK_LINES_INSIDE.sub("\n \n", block)
