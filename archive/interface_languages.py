"""The interface's languages: English at the site's existing addresses, Persian under /fa/.

A public page's language comes from its address alone (``/fa/…`` is Persian, anything else
English), never from a cookie or the browser's Accept-Language: one address is one page in
one language, so the page cache (keyed by address), proxies and search engines stay correct
without ``Vary: Accept-Language``. The editors' side (the admin, sign-in, two-factor) has no
language in its addresses and follows the reader's choice instead: the language cookie set by
``set_language`` (the admin's language form), else the browser's Accept-Language.
"""

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

# Addresses whose language follows the reader's choice rather than the address.
CHOSEN_LANGUAGE_PATHS = ("/admin/", "/accounts/", "/i18n/")


def default_language():
    return settings.LANGUAGE_CODE


def language_of_path(path):
    """The language a public address is in: its prefix's, else the default."""
    code = translation.get_language_from_path(path)
    return code or default_language()


def bare_path(path):
    """``path`` without its language prefix: "/fa/articles/" -> "/articles/"."""
    for code, _name in settings.LANGUAGES:
        if code != default_language():
            prefix = f"/{code}"
            if path == prefix or path.startswith(prefix + "/"):
                return path[len(prefix) :] or "/"
    return path


def path_in(path, language):
    """The same public address in ``language``: "/articles/?page=2" -> "/fa/articles/?page=2"."""
    bare = bare_path(path)
    return bare if language == default_language() else f"/{language}{bare}"


def interface_language():
    """The active language as a code of ``LANGUAGES`` ("en", "fa")."""
    return translation.get_supported_language_variant(translation.get_language())


def language_choices(request, query=""):
    """[(code, name in its own language, address of this page in it, current?)]: the language
    switcher's links. ``query`` is the page's own query string as the page understood it (its
    canonical address's, or a search's cleaned one): never the raw one, which may be huge or
    carry anything."""
    current = interface_language()
    choices = []
    for code, _name in settings.LANGUAGES:
        url = path_in(request.path, code) + (f"?{query}" if query else "")
        info = translation.get_language_info(code)
        choices.append((code, info["name_local"], url, code == current))
    return choices


def alternates(request, canonical=""):
    """[(hreflang, absolute URL)] of a page in every interface language, then x-default (the
    default language's address), from its canonical URL (else its address)."""
    url = urlsplit(canonical or request.build_absolute_uri(request.get_full_path()))
    found = [
        (code, urlunsplit(url._replace(path=path_in(url.path, code))))
        for code, _name in settings.LANGUAGES
    ]
    default = urlunsplit(url._replace(path=path_in(url.path, default_language())))
    return [*found, ("x-default", default)]


class LanguageMiddleware:
    """Activates the language of the request: by address for public pages, by the reader's
    choice for the editors' side (and says so with ``Vary`` there). Replaces Django's
    ``LocaleMiddleware``, which would let a cookie or Accept-Language choose a public page's
    language (or, with ``prefix_default_language=False``, none at all for the admin)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.path_info.startswith(CHOSEN_LANGUAGE_PATHS)
        if chosen:
            language = translation.get_language_from_request(request, check_path=False)
        else:
            language = language_of_path(request.path_info)
        # The language is the request's only: the thread's is put back afterwards (so code
        # that runs between requests, such as tests, reads in the language it had).
        with translation.override(language):
            request.LANGUAGE_CODE = translation.get_language()
            response = self.get_response(request)
        if chosen:
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


def context(request):
    """Template context: the language, its direction and the switcher's choices."""
    return {
        "interface_language": interface_language(),
        "interface_bidi": translation.get_language_bidi(),
        "default_language": default_language(),
    }
