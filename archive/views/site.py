"""Site-wide files: robots.txt (and the rule that these files have one address only)."""

from functools import wraps

from django.conf import settings
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_GET

from ..interface_languages import default_language, language_of_path


def one_address(view):
    """A file for crawlers that is the same in every language (robots.txt, the sitemaps):
    served at its one address, not again under /fa/."""

    @wraps(view)
    def at_one_address(request, *args, **kwargs):
        if language_of_path(request.path_info) != default_language():
            raise Http404("This file has one address, without a language prefix.")
        return view(request, *args, **kwargs)

    return at_one_address


@require_GET
@one_address
def robots_txt(request):
    searches = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            searches.append(f"Disallow: {reverse('archive:search')}")
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('admin:index')}",
        *searches,
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('archive:sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
