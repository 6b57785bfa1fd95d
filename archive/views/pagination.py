"""One way to cut a list into pages, safe for whatever a reader types as ``?page=``."""

import re

from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext

# A page number is a positive integer of sensible length: "0", "-1", "abc" and a 5,000-digit
# number are refused before any arithmetic or query is spent on them.
PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,8}")


def page_size(requested=None):
    """The page size, never more than the site's cap."""
    return max(1, min(requested or settings.ARCHIVE_PAGE_SIZE, settings.ARCHIVE_MAX_PAGE_SIZE))


class KeysFirstPaginator(Paginator):
    """Pages of a queryset read in two steps: the page's primary keys (from the list's order
    index alone, skipping the rows before the page), then those rows. A page in the second
    half of the list is counted from the end, in reverse order, so no page skips more than
    half the list. At 100,000 articles the last page of the article list took 1.1 s."""

    def __init__(self, object_list, per_page, count=None):
        super().__init__(object_list, per_page)
        if count is not None:
            self.__dict__["count"] = count  # known already: not counted again

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        keys = self.object_list.values_list("pk", flat=True)
        if number > (self.num_pages + 1) // 2:
            pks = list(keys.reverse()[self.count - top : self.count - bottom])[::-1]
        else:
            pks = list(keys[bottom:top])
        rows = self.object_list.order_by().in_bulk(pks) if pks else {}
        return self._get_page([rows[pk] for pk in pks if pk in rows], number, self)


def paginate(request, queryset, per_page=None, count=None):
    """The requested page of ``queryset``, or a 404 for a page that does not exist."""
    raw = request.GET.get("page", "1").strip()
    if not PAGE_NUMBER.fullmatch(raw):
        raise Http404(gettext("There is no such page: page numbers are whole numbers from 1."))
    if isinstance(queryset, QuerySet):
        paginator = KeysFirstPaginator(queryset, page_size(per_page), count)
    else:
        paginator = Paginator(queryset, page_size(per_page))
    try:
        return paginator.page(int(raw))
    except InvalidPage:
        raise Http404(
            gettext("There is no page %(page)s: this list has %(pages)s.")
            % {"page": raw, "pages": paginator.num_pages}
        ) from None
