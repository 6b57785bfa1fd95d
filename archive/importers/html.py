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


SHORTCODE_ATTRIBUTES = re.compile(r"""(\w+)\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))""")
CAPTION = re.compile(r"\[caption([^\]]*)\](.*?)\[/caption\]", re.DOTALL | re.IGNORECASE)
GALLERY = re.compile(r"\[gallery[^\]]*\]", re.IGNORECASE)
MEDIA = re.compile(r"\[(audio|video)([^\]]*)\](?:(.*?)\[/\1\])?", re.DOTALL | re.IGNORECASE)
EMBED = re.compile(r"\[embed[^\]]*\](.*?)\[/embed\]", re.DOTALL | re.IGNORECASE)
IMAGE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
LINKED_IMAGE = re.compile(r"<a\b[^>]*>\s*(<img\b[^>]*>)\s*</a>", re.IGNORECASE)
EMPTY_LINK = re.compile(r"<a\b[^>]*>\s*</a>", re.IGNORECASE)
# Form controls are dropped; without a break their labels would run together.
FORM_CONTROL_END = re.compile(r"</(?:label|button|select|textarea)\s*>", re.IGNORECASE)


def html_blocks(text, image=None):
    """WordPress content as sanitised blocks joined by blank lines (see the module docstring).

    ``image``, given, is called with each image's address and returns the address of the
    archive's copy of it (or None): those images are kept, with their alt text; the others
    become their alt text.
    """
    text = _wordpress_markup(text.replace("\r\n", "\n"), image)
    splitter = _BlockSplitter()
    splitter.feed(sanitise_html(TOP_HEADING.sub(r"<\1h2", text)))
    splitter.close()
    blocks = (EMPTY_LINK.sub("", sanitise_html(block)) for block in splitter.finish())
    return "\n\n".join(block for block in blocks if block.strip())


def _wordpress_markup(text, image=None):
    """What WordPress itself turns into markup when it shows a post, turned into what the
    allow-list keeps: shortcodes (a caption stays a caption, a gallery becomes a note, audio,
    video and embeds a link) and images (kept when ``image`` gives the archive's copy, else
    their alt text; without the link around them)."""
    text = CAPTION.sub(lambda match: _caption(match, image), text)
    text = GALLERY.sub("<p><em>[A gallery of images in the original post.]</em></p>", text)
    text = MEDIA.sub(_media_link, text)
    text = EMBED.sub(lambda match: _link(match.group(1).strip(), match.group(1).strip()), text)
    text = LINKED_IMAGE.sub(lambda match: _image(match.group(1), image), text)
    text = IMAGE.sub(lambda match: _image(match.group(0), image), text)
    return FORM_CONTROL_END.sub(lambda match: match.group(0) + "<br>", text)


KEPT_IMAGE = 'data-archive-kept="1"'


def _image(tag, image):
    """An image kept (the archive's copy, with its alt text) or its alt text."""
    if KEPT_IMAGE in tag:
        return tag  # kept already (an image inside a caption, or a link)
    address = _attribute(tag, "src") if image else ""
    kept = image(address) if address else None
    if not kept:
        return _alt_text(tag)
    alt = html.escape(html.unescape(_attribute(tag, "alt")), quote=True)
    return f'<img {KEPT_IMAGE} src="{html.escape(kept)}" alt="{alt}">'


def _attribute(tag, name):
    match = re.search(rf"""\b{name}\s*=\s*(?:"([^"]*)"|'([^']*)')""", tag, re.IGNORECASE)
    return (match.group(1) or match.group(2) or "") if match else ""


def _shortcode_attributes(text):
    return {
        match.group(1).lower(): html.unescape(next(g for g in match.groups()[1:] if g is not None))
        for match in SHORTCODE_ATTRIBUTES.finditer(text)
    }


def _alt_text(image):
    match = re.search(r"""\balt\s*=\s*(?:"([^"]*)"|'([^']*)')""", image, re.IGNORECASE)
    alt = html.unescape((match.group(1) or match.group(2) or "") if match else "").strip()
    return html.escape(alt, quote=False)


def _caption(match, image=None):
    """[caption]<a><img alt></a> The caption.[/caption], or the caption in an attribute; the
    image itself when it is kept."""
    inner = LINKED_IMAGE.sub(r"\1", match.group(2))
    images = IMAGE.findall(inner)
    caption = IMAGE.sub("", inner).strip()
    caption = caption or html.escape(_shortcode_attributes(match.group(1)).get("caption", ""))
    kept = [tag for tag in (_image(tag, image) for tag in images) if tag.startswith("<img")]
    if not caption and images and not kept:
        caption = _alt_text(images[0])
    figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f"<figure>{''.join(kept)}{figcaption}</figure>" if caption or kept else ""


def _media_link(match):
    attributes = _shortcode_attributes(match.group(2))
    kind = match.group(1).lower()
    address = attributes.get("src") or next(
        (value for name, value in attributes.items() if name in MEDIA_FILE_KEYS), ""
    )
    address = address or (match.group(3) or "").strip()
    name = address.rstrip("/").rsplit("/", 1)[-1]
    return _link(address, f"{kind.capitalize()}: {name}") if address else ""


MEDIA_FILE_KEYS = {"mp3", "m4a", "ogg", "wav", "wma", "mp4", "m4v", "webm", "ogv", "flv"}


def _link(address, text):
    return f'<a href="{html.escape(address)}">{html.escape(text, quote=False)}</a>'


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
