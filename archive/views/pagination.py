"""One way to cut a list into pages, safe for whatever a reader types as ``?page=``."""

import re

from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404

# A page number is a positive integer of sensible length: "0", "-1", "abc" and a 5,000-digit
# number are refused before any arithmetic or query is spent on them.
PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,8}")


def page_size(requested=None):
    """The page size, never more than the site's cap."""
    return max(1, min(requested or settings.ARCHIVE_PAGE_SIZE, settings.ARCHIVE_MAX_PAGE_SIZE))


def paginate(request, queryset, per_page=None):
    """The requested page of ``queryset``, or a 404 for a page that does not exist."""
    raw = request.GET.get("page", "1").strip()
    if not PAGE_NUMBER.fullmatch(raw):
        raise Http404("There is no such page: page numbers are whole numbers from 1.")
    paginator = Paginator(queryset, page_size(per_page))
    try:
        return paginator.page(int(raw))
    except InvalidPage:
        raise Http404(f"There is no page {raw}: this list has {paginator.num_pages}.") from None
