"""The page an editor gets while an import holds the database's write lock (SQLite).

A save or login sent while an import holds SQLite's write lock is answered at once with a 503
"busy importing" page and ``Retry-After``, instead of waiting out the busy timeout for a 500
"database is locked". A write that meets the lock anyway (it began just before the import did,
or something else held the lock) gets the same page. The page is rendered without a request
context, so it reads nothing from the database and shows nothing about the error.
"""

import sys

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.views import defaults

from .importers.locking import import_holds_write_lock, is_lock_error

RETRY_AFTER_SECONDS = 60
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


def busy_response():
    html = render_to_string("busy.html", {"site_name": settings.SITE_NAME})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    patch_cache_control(response, no_store=True)
    return response


class ImportBusyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in SAFE_METHODS and import_holds_write_lock():
            return busy_response()
        return self.get_response(request)

    def process_exception(self, request, exception):
        return busy_response() if is_lock_error(exception) else None


def server_error(request, template_name="500.html"):
    """Django's 500 page, except for a lock met outside a view (a session saved on the way
    out): that is the busy page too."""
    if is_lock_error(sys.exc_info()[1]):
        return busy_response()
    return defaults.server_error(request, template_name)
