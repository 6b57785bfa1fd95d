"""WordPress export files (WXR 1.0 to 1.2): posts and pages become articles.

The file is parsed as it is read (flat memory) by defusedxml's parser: a document that declares
entities (the "billion laughs" expansion attack) or refers to external ones is refused.

Mapping, per item: status publish -> published, anything else (draft, private, pending,
scheduled, password-protected) -> draft; ``wp:post_date`` -> publication date (the day); the
author's display name -> byline; the first category -> section, further categories and the tags
-> tags; the permalink -> source URL; the GUID -> source identifier (the natural key); the
content, sanitised to an allow-list, -> body (see ``html.py``), and exactly as exported ->
capture text; the excerpt as plain text -> summary; the channel's ``<language>`` (the site's
language, "fa-IR") -> every article's language. Comments, menu items and other item types
are counted and skipped; so are attachments, unless the site's uploads folder is given
(``uploads``): then they become files of their posts, with the images of the posts' bodies and
their featured images (``wxrfiles.py``). A post in the trash is not imported, and one imported
before is made a draft (``Withdrawn``). See docs/archive-format.md for the rest.
"""

import html
from urllib.parse import unquote

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, ParseError
from django.core.exceptions import ValidationError
from django.core.validators import slug_unicode_re
from django.urls import reverse

from ..models import Article
from ..models.base import SLUG_MAX_LENGTH
from ..sanitise import html_to_text
from .files import FILES
from .html import html_blocks
from .items import Notice, Problem, Record, Skipped, Withdrawn
from .wxrfiles import Uploads, read_attachments
from .wxritems import WxrTarget

ARTICLE_TYPES = {"post", "page"}
SKIPPED_TYPES = {"attachment": "attachment", "nav_menu_item": "menu item"}
# A post in the trash is not imported; one imported from an earlier export is withdrawn.
WITHDRAWN_STATUSES = {"trash"}
NOT_CONTENT_STATUSES = {"auto-draft", "inherit"}
WXR_VERSIONS = {"1.0", "1.1", "1.2"}
TAG_DOMAINS = {"post_tag", "tag"}  # "tag" in WXR 1.0
AUTHOR_DOMAIN = "author"  # Co-Authors Plus: one <category domain="author"> per author


class SiteFiles:
    """The uploads folder and the export's attachments, when ``--uploads`` is given."""

    def __init__(self, folder, path):
        self.uploads = Uploads(folder)
        self.attachments = read_attachments(path)
        self.children = {}
        self.by_file = {}
        self.found = {}
        for attachment in self.attachments.values():
            self.children.setdefault(attachment.parent, []).append(attachment)
            relative = self.found[attachment.post_id] = self.uploads.find(attachment.address)
            if relative:
                self.by_file.setdefault(relative, attachment)


def read_wxr(source, uploads=None, **options):
    """Yield a Record for each post and page, Skipped for everything else, Notices about what
    was changed on the way, and Problems for a file that cannot be read. With ``uploads`` (a
    copy of the site's uploads folder) posts carry their attachments and images as files."""
    target = WxrTarget()
    target.site_files = SiteFiles(uploads, source.path) if uploads else None
    target.attachments_skipped = 0
    parser = DefusedXMLParser(target=target)
    target.expat = parser.parser
    try:
        for chunk in source.chunks():
            parser.feed(chunk)
            yield from _records(target, source)
        parser.close()
    except ParseError as error:
        line = error.position[0] if error.position else None
        yield Problem(
            source.location(line, target.item_label()),
            f"the XML is malformed or cut short ({_reason(error)}); export the file again",
            target.open_element(),
        )
        return
    except DefusedXmlException as error:
        yield Problem(
            source.location(target.expat.CurrentLineNumber),
            f"the file declares XML entities ({type(error).__name__}: {error}); WordPress "
            "exports never do, and they are refused as an entity-expansion or external-file "
            "attack",
            "DOCTYPE",
        )
        return
    yield from _records(target, source)
    if target.attachments_skipped:
        count = target.attachments_skipped
        yield Notice(
            source.location(),
            f"{count} attachment{'s' if count != 1 else ''} skipped: to import them as files "
            "of their posts (with the images in the posts and their featured images), name a "
            "copy of the site's uploads folder (wp-content/uploads) with --uploads DIR",
        )
    if target.root != "rss" or target.wxr_version is None:
        yield Problem(
            source.location(1),
            "not a WordPress export: expected <rss> with a <wp:wxr_version>",
            "wp:wxr_version",
        )
    elif target.wxr_version not in WXR_VERSIONS:
        yield Problem(
            source.location(target.wxr_version_line),
            f"WXR version “{target.wxr_version[:20]}” is not one this importer reads "
            f"({', '.join(sorted(WXR_VERSIONS))}); export the site again from WordPress",
            "wp:wxr_version",
        )


def _reason(error):
    return str(error).split(":")[0]


def _records(target, source):
    while target.finished:
        yield from _item_records(target.finished.popleft(), target, source)


def _item_records(item, target, source):
    fields = item["fields"]
    post_type = fields.get("wp:post_type", "").strip()
    status = fields.get("wp:status", "").strip()
    title = html_to_text(fields.get("title", ""))
    post_date = fields.get("wp:post_date", "").strip()
    publication_date = "" if post_date.startswith("0000") else post_date[:10]
    label = f"item {item['number']}" + (f" “{title[:60]}”" if title else "")
    location = source.location(item["line"], label)
    for _ in range(item["comments"]):
        yield Skipped("comment", location)
    if post_type == "attachment":
        yield from _attachment(fields, location, target)
        return
    if post_type not in ARTICLE_TYPES:
        yield Skipped(SKIPPED_TYPES.get(post_type, "other WordPress item"), location)
        return
    if status in NOT_CONTENT_STATUSES:
        yield Skipped("article", location, f"WordPress status “{status}”: not imported")
        return
    guid, notices = _identity(fields, location, target)
    source_url, url_notice = _usable_url(fields.get("link", "").strip())
    if status in WITHDRAWN_STATUSES:
        keys = {
            name: value
            for name, value in [("source_guid", guid), ("source_url", source_url)]
            if value
        }
        yield Withdrawn("article", keys, location, f"WordPress status “{status}”")
        return
    if not title:
        title = f"Untitled ({publication_date})" if publication_date else "Untitled"
        notices.append(f"no title in WordPress: imported as “{title}”")
    if url_notice:
        notices.append(url_notice)
    longest = Article._meta.get_field("title").max_length
    if len(title) > longest:
        title = title[: longest - 1].rstrip() + "…"
        notices.append(f"its title is longer than {longest} characters: shortened")
    categories = [html_to_text(text) for domain, text in item["categories"] if domain == "category"]
    tags = [html_to_text(text) for domain, text in item["categories"] if domain in TAG_DOMAINS]
    # Co-Authors Plus names each author by login (a guest author by a name of its own).
    coauthors = [
        target.authors.get(name) or name
        for name in (
            html_to_text(text) for domain, text in item["categories"] if domain == AUTHOR_DOMAIN
        )
        if name
    ]
    creator = fields.get("dc:creator", "").strip()
    protected = bool(fields.get("wp:post_password", "").strip())
    content = fields.get("content:encoded", "")
    published = status == "publish" and not protected
    files = _PostFiles(target.site_files, "published" if published else "draft")
    body = html_blocks(content, files.image if target.site_files else None)
    if target.site_files:
        post_id = fields.get("wp:post_id", "").strip()
        for attachment in target.site_files.children.get(post_id, []):
            files.add_attachment(attachment)
        body = files.featured(item["meta"].get("_thumbnail_id", "").strip(), body)
    data = {
        "title": title,
        "status": "published" if published else "draft",
        "publication_date": publication_date,
        "byline": _byline(coauthors) or target.authors.get(creator) or creator,
        "section": categories[0] if categories else "",
        "tags": [name for name in dict.fromkeys([*categories[1:], *tags]) if name],
        "source_url": source_url,
        "source_guid": guid,
        "summary": html_to_text(fields.get("excerpt:encoded", "")),
        "body": body,
        "body_format": "html",
        "capture_text": content,
    }
    if target.language:
        data["language"] = target.language
    if files.incoming:
        data[FILES] = list(files.incoming.values())
    slug = _post_name_slug(fields.get("wp:post_name", ""), target)
    if slug:
        data["slug"] = slug
    for message in notices:
        yield Notice(location, message)
    yield Record("article", data, location)


def _attachment(fields, location, target):
    """An attachment: skipped (counted, for the closing note) without the uploads folder; with
    it, carried by its post (``_PostFiles``), or skipped saying why."""
    site = target.site_files
    if site is None:
        target.attachments_skipped += 1
        yield Skipped("attachment", location)
        return
    post_id = fields.get("wp:post_id", "").strip()
    attachment = site.attachments.get(post_id)
    if attachment is None:
        return
    if not site.found.get(post_id):
        yield Skipped(
            "attachment",
            location,
            f"its file “{attachment.address[:200]}” is not in the uploads folder: not imported",
        )
    elif attachment.parent in ("", "0"):
        yield Skipped("attachment", location, "not attached to any post: not imported")


class _PostFiles:
    """The files a post carries: its attachments, the images of its body, its featured image."""

    def __init__(self, site, status):
        self.site = site
        self.status = status
        self.incoming = {}  # relative path in the uploads folder -> IncomingFile

    def _add(self, relative, attachment=None):
        attachment = attachment or self.site.by_file.get(relative)
        if relative not in self.incoming:
            meta = {"status": self.status}
            if attachment is not None:
                meta.update(
                    title=attachment.title,
                    description=attachment.description,
                    date=attachment.date,
                )
            self.incoming[relative] = self.site.uploads.incoming(relative, **meta)
        return reverse(
            "archive:document_by_content", kwargs={"sha256": self.site.uploads.sha256(relative)}
        )

    def add_attachment(self, attachment):
        relative = self.site.found.get(attachment.post_id)
        if relative:
            self._add(relative, attachment)

    def image(self, address):
        """The archive's address for an image of the body, when its file is in the folder."""
        relative = self.site.uploads.find(address)
        return self._add(relative) if relative else None

    def featured(self, thumbnail_id, body):
        """The body with the featured image before it (unless the body shows it already)."""
        attachment = self.site.attachments.get(thumbnail_id)
        relative = self.site.found.get(thumbnail_id) if attachment else None
        if not relative:
            return body
        address = self._add(relative, attachment)
        if f'src="{address}"' in body:
            return body
        alt = html.escape(attachment.alt or attachment.title, quote=True)
        figure = f'<figure><img src="{address}" alt="{alt}"></figure>'
        return f"{figure}\n\n{body}" if body else figure


def _byline(names):
    """Co-Authors Plus credits: “A”, “A and B”, “A, B and C”."""
    names = [name for name in dict.fromkeys(names) if name]
    if len(names) < 2:
        return names[0] if names else ""
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _usable_url(link):
    """The permalink, or "" and why, when it is not an address the archive can store (a
    relative link, an unusual host name): one odd link costs that post its source URL only."""
    if not link:
        return "", None
    try:
        Article._meta.get_field("source_url").run_validators(link)  # its length too
    except ValidationError:
        return "", f"its permalink “{link[:100]}” is not a usable web address: left out"
    return link, None


def _identity(fields, location, target):
    """The post's source identifier (its natural key) and notices about it.

    A GUID repeated in one export (WordPress lets it happen; other exporters write one GUID for
    every post) cannot tell the posts apart: only its first post keeps it, and the others are
    identified by the GUID and their WordPress post ID, or without one by their permalinks.
    """
    guid = fields.get("guid", "").strip()
    post_id = fields.get("wp:post_id", "").strip()
    if not guid:
        return "", []
    if guid not in target.guids:
        target.guids[guid] = f"{location.record} (line {location.line})"
        return guid, []
    clash = f"its GUID is also the GUID of {target.guids[guid]}"
    unique = f"{guid}#wp-post-{post_id}"
    if post_id and unique not in target.guids:
        target.guids[unique] = f"{location.record} (line {location.line})"
        return unique, [f"{clash}; this post is identified by its WordPress post ID instead"]
    return "", [f"{clash}; this post is identified by its permalink instead"]


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
