"""A file's own public page, its download and its preview images.

Only published files of published records are shown (``Document.objects.published()``); any
other address is a 404, the previews of a draft's file too. Staff who may preview drafts see
them marked, never cached.
"""

from django.http import Http404
from django.shortcuts import render
from django.utils.cache import patch_cache_control

from .. import structured_data
from ..accounts.two_factor import may_preview_drafts
from ..documents import serving
from ..models import Document
from .meta import PageMeta, canonical_url


def visible_document(request, pk):
    """The document at ``pk`` if this reader may see it, with whether it is a draft (of its own
    or of its record); else 404."""
    documents = Document.objects.all() if may_preview_drafts(request.user) else None
    try:
        if documents is None:
            return Document.objects.published().get(pk=pk), False
        document = documents.get(pk=pk)
    except Document.DoesNotExist:
        raise Http404("The archive has no file at this address.") from None
    record = document.record
    is_draft = not document.is_published or record is None or not record.is_published
    return document, is_draft


def private_if_draft(response, is_draft):
    if is_draft:
        patch_cache_control(response, private=True, no_store=True)
        response["X-Robots-Tag"] = "noindex"
    return response


def document_detail(request, pk):
    document, is_draft = visible_document(request, pk)
    record = document.record
    url = canonical_url(request)
    absolute = request.build_absolute_uri
    page_meta = PageMeta(
        title=f"{document} – File",
        description=structured_data.describe_document(document),
        canonical=url,
        json_ld=structured_data.json_ld_script(
            structured_data.document_json_ld(document, record, absolute)
        ),
        noindex=is_draft,
    )
    context = {
        "document": document,
        "record": record,
        "record_kind": record._meta.verbose_name if record is not None else "",
        "is_draft": is_draft,
        "page_meta": page_meta,
    }
    response = render(request, "archive/document_detail.html", context)
    return private_if_draft(response, is_draft)


def document_file(request, pk):
    document, is_draft = visible_document(request, pk)
    try:
        response = serving.file_response(document, request)
    except (FileNotFoundError, OSError):
        raise Http404("The stored file is missing.") from None
    return private_if_draft(response, is_draft)


def document_preview(request, pk, width):
    document, is_draft = visible_document(request, pk)
    name = document.thumbnails.get(str(width))
    if not name:
        raise Http404("This file has no preview at that width.")
    try:
        response = serving.preview_response(document, name, width)
    except (FileNotFoundError, OSError):
        raise Http404("The preview is missing.") from None
    return private_if_draft(response, is_draft)
