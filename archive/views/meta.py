"""What the <head> of a page says about it: title, description, canonical URL, Open Graph."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.utils.translation import gettext


@dataclass
class PageMeta:
    title: str
    description: str = ""
    canonical: str = ""
    og_type: str = "website"
    og_extra: list = field(default_factory=list)  # (property, content) pairs
    json_ld: str = ""  # a ready <script> element, see archive.structured_data
    citation: list = field(default_factory=list)  # (name, content) pairs
    noindex: bool = False


def page_title(title, page):
    """A list's title, with the page number after the first page: "Tags, page 2"."""
    if page.number == 1:
        return title
    return gettext("%(title)s, page %(number)s") % {"title": title, "number": page.number}


def canonical_url(request, page=None, filters=None):
    """The page's own address: its filters and page number kept, anything else dropped."""
    params = {name: value for name, value in (filters or {}).items() if value}
    if page is not None and page.number > 1:
        params["page"] = page.number
    url = request.build_absolute_uri(request.path)
    return f"{url}?{urlencode(params)}" if params else url
