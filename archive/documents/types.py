"""The kinds of file the archive accepts, recognised from their first bytes, never their name.

HTML and SVG are refused outright: both can carry scripts, and the archive has no need of them
(a page is kept as PDF, a drawing as PNG). Everything accepted is served with the type found
here, ``X-Content-Type-Options: nosniff`` and a sandboxing CSP (archive/documents/serving.py).
"""

import zipfile
from dataclasses import dataclass


@dataclass(frozen=True)
class FileType:
    media_type: str
    label: str
    extensions: tuple

    @property
    def extension(self):
        return self.extensions[0]


def _types(*rows):
    return {
        media_type: FileType(media_type, label, extensions)
        for media_type, label, extensions in rows
    }


ODF = "application/vnd.oasis.opendocument."
OOXML = "application/vnd.openxmlformats-officedocument."
ACCEPTED = _types(
    ("application/pdf", "PDF document", (".pdf",)),
    ("image/png", "PNG image", (".png",)),
    ("image/jpeg", "JPEG image", (".jpg", ".jpeg", ".jpe", ".jfif")),
    ("image/gif", "GIF image", (".gif",)),
    ("image/webp", "WebP image", (".webp",)),
    ("audio/mpeg", "MP3 audio", (".mp3",)),
    ("audio/ogg", "Ogg audio", (".ogg", ".oga", ".opus")),
    ("audio/wav", "WAV audio", (".wav",)),
    ("audio/mp4", "M4A audio", (".m4a", ".m4b", ".mp4")),
    ("audio/flac", "FLAC audio", (".flac",)),
    ("video/mp4", "MP4 video", (".mp4", ".m4v")),
    ("video/webm", "WebM video", (".webm",)),
    ("video/ogg", "Ogg video", (".ogv", ".ogg")),
    ("text/plain", "plain text", (".txt", ".text", ".md", ".csv", ".tsv")),
    ("application/rtf", "RTF document", (".rtf",)),
    (ODF + "text", "OpenDocument text", (".odt",)),
    (ODF + "spreadsheet", "OpenDocument spreadsheet", (".ods",)),
    (ODF + "presentation", "OpenDocument presentation", (".odp",)),
    (OOXML + "wordprocessingml.document", "Word document", (".docx",)),
    (OOXML + "spreadsheetml.sheet", "Excel spreadsheet", (".xlsx",)),
    (OOXML + "presentationml.presentation", "PowerPoint presentation", (".pptx",)),
    ("application/msword", "Word 97-2003 document", (".doc",)),
    ("application/vnd.ms-excel", "Excel 97-2003 spreadsheet", (".xls",)),
    ("application/vnd.ms-powerpoint", "PowerPoint 97-2003 presentation", (".ppt",)),
)
ACCEPTED_LABELS = "PDF, PNG/JPEG/GIF/WebP images, MP3/Ogg/WAV/M4A/FLAC audio, MP4/WebM video, "
ACCEPTED_LABELS += "plain text and office documents (ODT/ODS/ODP, DOCX/XLSX/PPTX, DOC/XLS/PPT, RTF)"
# Shown in the browser (with the sandboxing CSP); everything else is a download.
INLINE_MAJOR_TYPES = ("image/", "audio/", "video/")
INLINE_TYPES = ("application/pdf",)
REFUSED_EXTENSIONS = {".html", ".htm", ".xhtml", ".shtml", ".svg", ".svgz", ".xml", ".js", ".mht"}
MARKUP_OPENINGS = (b"<!doctype", b"<html", b"<svg", b"<?xml", b"<script", b"<head", b"<body")
MARKUP_REFUSED = (
    "HTML, SVG and XML files are not accepted: they can carry scripts. Save the page as PDF, "
    "or the drawing as PNG, and upload that."
)
OLE_BY_EXTENSION = {
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".ppt": "application/vnd.ms-powerpoint",
}
MP4_AUDIO_BRANDS = {b"M4A ", b"M4B ", b"F4A "}
MP4_VIDEO_BRANDS = {
    b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ", b"M4VH",
    b"M4VP", b"dash", b"MSNV", b"f4v ", b"mmp4",
}  # fmt: skip
OOXML_PARTS = {
    "word/document.xml": OOXML + "wordprocessingml.document",
    "xl/workbook.xml": OOXML + "spreadsheetml.sheet",
    "ppt/presentation.xml": OOXML + "presentationml.presentation",
}
TEXT_SAMPLE = 64 * 1024


class Unrecognised(ValueError):
    """The content is not of any accepted type (the message says what it seems to be)."""


def looks_like_markup(head):
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith(MARKUP_OPENINGS) or (
        start.startswith(b"<") and any(opening in start[:2048] for opening in MARKUP_OPENINGS)
    )


def _zip_type(stream):
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                with archive.open("mimetype") as entry:
                    declared = entry.read(100).decode("ascii", "replace").strip()
                if declared in ACCEPTED and declared.startswith(ODF):
                    return declared
            if "[Content_Types].xml" in names:
                for part, media_type in OOXML_PARTS.items():
                    if part in names:
                        return media_type
    except (zipfile.BadZipFile, OSError, EOFError, KeyError):
        raise Unrecognised("a damaged ZIP file") from None
    raise Unrecognised("a ZIP archive (not an office document)")


def _text_type(head):
    if looks_like_markup(head):
        raise Unrecognised("HTML, SVG or XML")
    if b"\x00" in head:
        raise Unrecognised("binary data of an unknown kind")
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A character cut by the end of the sample is fine; anything else is not UTF-8 text.
        if error.start < len(head) - 4 or len(head) < TEXT_SAMPLE:
            raise Unrecognised("binary data or text not in UTF-8") from None
    return "text/plain"


def sniff(stream, extension=""):
    """The media type of the file ``stream`` (seekable, binary) from its content, or
    ``Unrecognised``. ``extension`` only separates the old Office formats, which share one
    container and say nothing of their kind in its first bytes."""
    stream.seek(0)
    head = stream.read(TEXT_SAMPLE)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "audio/wav"
    if head.startswith(b"OggS"):
        return "video/ogg" if b"\x80theora" in head[:512] else "audio/ogg"
    if head.startswith(b"fLaC"):
        return "audio/flac"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "audio/mpeg"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in MP4_AUDIO_BRANDS:
            return "audio/mp4"
        if brand in MP4_VIDEO_BRANDS:
            return "video/mp4"
        raise Unrecognised(f"an ISO media file of an unaccepted kind ({brand.decode('latin-1')})")
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        if b"webm" in head[:64]:
            return "video/webm"
        raise Unrecognised("a Matroska (MKV) file")
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(stream)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        if extension in OLE_BY_EXTENSION:
            return OLE_BY_EXTENSION[extension]
        raise Unrecognised("an old Microsoft Office file not named .doc, .xls or .ppt")
    if head.startswith(b"{\\rtf"):
        return "application/rtf"
    if head.startswith((b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"#!")):
        raise Unrecognised("a program")
    if head.startswith((b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!", b"BZh")):
        raise Unrecognised("a compressed archive")
    return _text_type(head)
