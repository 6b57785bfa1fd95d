"""How a stored file is sent to a browser, so that nothing uploaded can run on the site's origin.

- ``Content-Type`` is the type detected from the content when the file was added (never text/html
  or image/svg+xml: those are refused on upload); text is sent as UTF-8 plain text.
- ``Content-Disposition``: ``inline`` only for images, PDFs, audio and video, which browsers show
  in their own viewers; everything else (text, office documents) is a download. The name is the
  one uploaded, as ``filename*`` (RFC 6266) when it is not ASCII.
- ``X-Content-Type-Options: nosniff``: the browser may not guess another type.
- ``Content-Security-Policy: sandbox; default-src 'none'``: even if a file were opened as a page,
  it would be a sandboxed, unique origin with no script, no requests, no cookies of the site.
- ``Cross-Origin-Resource-Policy: same-origin``: other sites cannot embed the files.

Downloads answer a single byte range (``Range: bytes=…``) with ``206 Partial Content``, so a
browser can seek in a long recording or video and resume a broken download; a range that
starts past the end is a ``416``. Several ranges at once, or a range for another version of
the file (``If-Range`` naming another ETag), get the whole file, as RFC 9110 allows.

A proxy serving ``MEDIA_ROOT`` directly (see the README) must send the same headers.
"""

import re

from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header

from . import types

FILE_CSP = "sandbox; default-src 'none'"


def shown_inline(media_type):
    return media_type.startswith(types.INLINE_MAJOR_TYPES) or media_type in types.INLINE_TYPES


def served_type(media_type):
    return "text/plain; charset=utf-8" if media_type == "text/plain" else media_type


def protect(response, media_type, filename, inline):
    response["Content-Type"] = served_type(media_type)
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


SINGLE_RANGE = re.compile(r"bytes=(\d*)-(\d*)")
UNSATISFIABLE = "unsatisfiable"


def requested_range(request, etag, size):
    """(first, last) byte of the one range ``request`` asks for, inclusive; None for the whole
    file; or UNSATISFIABLE."""
    header = request.headers.get("Range", "").replace(" ", "")
    match = SINGLE_RANGE.fullmatch(header)
    if_range = request.headers.get("If-Range")
    if match is None or (if_range is not None and if_range != etag):
        return None
    first, last = match.groups()
    if not first:
        if not last:
            return None
        suffix = int(last)  # the last N bytes
        return (max(size - suffix, 0), size - 1) if suffix and size else UNSATISFIABLE
    first = int(first)
    if last and int(last) < first:
        return None  # not a valid range: ignored
    if first >= size:
        return UNSATISFIABLE
    return first, min(int(last), size - 1) if last else size - 1


class FilePart:
    """``length`` bytes of an open file from ``start``, read as a file is (for FileResponse)."""

    def __init__(self, file, start, length):
        file.seek(start)
        self.file, self.left = file, length

    def read(self, size=-1):
        size = self.left if size is None or size < 0 else min(size, self.left)
        data = self.file.read(size) if size > 0 else b""
        self.left -= len(data)
        return data

    def close(self):
        self.file.close()


def file_response(document, request):
    """The document's file, or the one part of it ``request`` asks for, streamed from storage
    with the headers above."""
    etag = f'"{document.sha256}"'
    inline = shown_inline(document.media_type)
    part = requested_range(request, etag, document.size)
    if part == UNSATISFIABLE:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{document.size}"
        return protect(response, document.media_type, document.original_name, inline)
    stored = document.file.open("rb")
    if part is None:
        response = FileResponse(stored, content_type=served_type(document.media_type))
        response["Content-Length"] = str(document.size)
    else:
        first, last = part
        response = FileResponse(FilePart(stored, first, last - first + 1), status=206)
        response["Content-Range"] = f"bytes {first}-{last}/{document.size}"
        response["Content-Length"] = str(last - first + 1)
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    return protect(response, document.media_type, document.original_name, inline)


def preview_response(document, name, width):
    from django.core.files.storage import default_storage

    response = FileResponse(default_storage.open(name, "rb"), content_type="image/webp")
    return protect(response, "image/webp", f"{document.pk}-{width}.webp", inline=True)
