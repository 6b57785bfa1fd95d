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

A proxy serving ``MEDIA_ROOT`` directly (see the README) must send the same headers.
"""

from django.http import FileResponse
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


def file_response(document):
    """The document's file, streamed from storage with the headers above."""
    stored = document.file.open("rb")
    response = FileResponse(stored, content_type=served_type(document.media_type))
    response["Content-Length"] = str(document.size)
    response["ETag"] = f'"{document.sha256}"'
    return protect(
        response, document.media_type, document.original_name, shown_inline(document.media_type)
    )


def preview_response(document, name, width):
    from django.core.files.storage import default_storage

    response = FileResponse(default_storage.open(name, "rb"), content_type="image/webp")
    return protect(response, "image/webp", f"{document.pk}-{width}.webp", inline=True)
