"""The 301 from an old address to the record's current one (``models/old_slugs.py``)."""

from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import reverse

from ..models import OldSlug


def moved_or_404(request, records, slug, message):
    """A 301 to the same page at the current slug of the record among ``records`` (what the
    reader may see: a draft's old slug is a 404 like any unknown slug) that had ``slug``
    before; otherwise a 404 with ``message``. Asked only after the current slugs missed."""
    record = OldSlug.objects.record_at(records, slug)
    if record is None:
        raise Http404(message)
    match = request.resolver_match
    url = reverse(match.view_name, args=match.args, kwargs={**match.kwargs, "slug": record.slug})
    query = request.META.get("QUERY_STRING")
    return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)
