"""A WordPress site's files, from a copy of its uploads folder (``import_archive --uploads DIR``).

WordPress exports name files by address only (``wp:attachment_url``, ``<img src>``); the files
themselves are in the site's ``wp-content/uploads``. Given a copy of that folder:

- an attachment (``wp:post_type`` attachment) becomes a file of its parent post
  (``wp:post_parent``), with its title, caption or description and date, public when the post
  is;
- an image in a post's body whose file is in the folder becomes a file of the post too, and
  the body keeps the image (with its alt text), pointing at the archive's copy by its content
  (``/files/sha256/<hex>``, see ``archive/views/embedded.py``); other images stay their alt
  text, as without ``--uploads``;
- the post's featured image (``_thumbnail_id``) is a file of the post and shown at the top of
  its body.

Attachments may come before or after their posts in an export, so the export is read once
first for its attachments alone (``read_attachments``). An address maps to a file by its path
after ``/wp-content/uploads/`` (or, on WordPress.com, the whole path); a resized copy
("photo-300x200.jpg") is taken as its original when the original is there. Files are read only
inside the folder (``captures.file_in_folder``). A file the archive does not accept is left out
with a note, not a failed import (a site's uploads hold all sorts).
"""

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from .captures import CaptureError, file_in_folder
from .files import IncomingFile
from .wxritems import WxrTarget

UPLOADS_MARK = "/wp-content/uploads/"
RESIZED = re.compile(r"-\d+x\d+(?=\.[^./]+$)")
HASH_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Attachment:
    post_id: str
    parent: str
    address: str  # wp:attachment_url, or the _wp_attached_file path
    title: str
    description: str
    date: str
    alt: str
    line: int


class Uploads:
    """The copy of a site's uploads folder: addresses to files, hashed once each."""

    def __init__(self, folder):
        self.folder = Path(folder).resolve()
        self.hashes = {}

    def find(self, address):
        """The path inside the folder (relative, POSIX) of the file ``address`` names, or None."""
        if not address:
            return None
        path = unquote(urlsplit(address.strip()).path)
        relative = path.split(UPLOADS_MARK, 1)[1] if UPLOADS_MARK in path else path.lstrip("/")
        if not relative:
            return None
        candidates = [relative]
        original = RESIZED.sub("", relative)
        if original != relative:
            candidates.insert(0, original)
        for candidate in candidates:
            try:
                file_in_folder(self.folder, candidate, "upload")
            except CaptureError:
                continue
            return candidate
        return None

    def sha256(self, relative):
        if relative not in self.hashes:
            digest = hashlib.sha256()
            with (self.folder / relative).open("rb") as stream:
                while chunk := stream.read(HASH_CHUNK):
                    digest.update(chunk)
            self.hashes[relative] = digest.hexdigest()
        return self.hashes[relative]

    def incoming(self, relative, **meta):
        path = file_in_folder(self.folder, relative, "upload")
        given = {key: value for key, value in meta.items() if value}
        return IncomingFile(path, PurePosixPath(relative).name, given, optional=True)


def read_attachments(path):
    """{post ID: Attachment} of every attachment in the export at ``path`` (problems with the
    file itself are reported by the main reading)."""
    target = WxrTarget()
    parser = DefusedXMLParser(target=target)
    target.expat = parser.parser
    found = {}
    try:
        with open(path, "rb") as stream:
            while chunk := stream.read(1 << 16):
                parser.feed(chunk)
                _gather(target, found)
        parser.close()
    except (ParseError, DefusedXmlException):
        pass
    _gather(target, found)
    return found


def _gather(target, found):
    from ..sanitise import html_to_text

    while target.finished:
        item = target.finished.popleft()
        fields, meta = item["fields"], item["meta"]
        if fields.get("wp:post_type", "").strip() != "attachment":
            continue
        post_id = fields.get("wp:post_id", "").strip()
        post_date = fields.get("wp:post_date", "").strip()
        caption = html_to_text(fields.get("excerpt:encoded", ""))
        found[post_id] = Attachment(
            post_id=post_id,
            parent=fields.get("wp:post_parent", "").strip(),
            address=meta.get("_wp_attached_file", "").strip()
            or fields.get("wp:attachment_url", "").strip(),
            title=html_to_text(fields.get("title", "")),
            description=caption or html_to_text(fields.get("content:encoded", "")),
            date="" if post_date.startswith("0000") else post_date[:10],
            alt=html_to_text(meta.get("_wp_attachment_image_alt", "")),
            line=item["line"],
        )
