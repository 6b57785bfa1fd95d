"""Small files made in the tests, for the documents' tests (and imports with files)."""

import io
import struct
import zipfile
import zlib

from PIL import Image


def png(width=40, height=30, colour=(200, 30, 30), exif=None):
    out = io.BytesIO()
    image = Image.new("RGB", (width, height), colour)
    if exif is not None:
        image.save(out, "JPEG", exif=exif)  # PNG's EXIF is rarely read: a JPEG carries it
    else:
        image.save(out, "PNG")
    return out.getvalue()


def jpeg_with_gps():
    """A JPEG whose EXIF names a camera and a place (what previews must not carry)."""
    exif = Image.Exif()
    exif[0x010F] = "Test Camera Maker"  # Make
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # GPSInfo
    return png(800, 600, exif=exif.tobytes())


def pdf(pages=2):
    """A real PDF of ``pages`` pages (pictures only, no text), made by Pillow."""
    out = io.BytesIO()
    frames = [Image.new("RGB", (200, 280), (255, 255, 255 - 40 * n)) for n in range(pages)]
    frames[0].save(out, "PDF", save_all=True, append_images=frames[1:])
    return out.getvalue()


def bomb_png(width=100_000, height=100_000):
    """A PNG of a few hundred bytes declaring ``width`` x ``height`` pixels."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    row = b"\x00" + b"\x00" * 64
    data = zlib.compress(row * 16, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def docx():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def odt():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


def plain_zip():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return out.getvalue()


SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">'
    b"<script>alert(document.cookie)</script></svg>"
)
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
# A file that is both: a real PDF with an HTML page (and script) appended after %%EOF.
POLYGLOT_TAIL = b"\n<html><body><script>alert(document.cookie)</script></body></html>\n"
