"""Images in record bodies, addressed by their content: ``/files/sha256/<hex>``.

A WordPress import keeps a post's images as documents of the article and points each ``<img>``
at this address (``embedded_image_url``) rather than at a document's number, so the body stays
the same through export and import into another database, where the documents get other
numbers. It redirects to the download of a published document holding those bytes; a file only
drafts hold is a 404 to the public (staff who preview drafts are sent to it).
"""

from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from ..accounts.two_factor import may_preview_drafts
from ..models import Document


def embedded_image_url(sha256):
    return reverse("archive:document_by_content", kwargs={"sha256": sha256})


def document_by_content(request, sha256):
    documents = Document.objects.all() if may_preview_drafts(request.user) else None
    if documents is None:
        documents = Document.objects.published()
    document = documents.filter(sha256=sha256).order_by("pk").first()
    if document is None:
        raise Http404("The archive has no published file with these contents.")
    return redirect(document.get_download_url())
