"""Rendered public pages, cached for anonymous readers and keyed by what the database holds.

Every write to a table that public pages read changes a stamp in the database (triggers made
by ``install_triggers``; migration 0007 holds the table). A page is cached under the stamp it
was rendered at, so the first request after any change (an edit, publishing, a bulk action, an
import, a tag, raw SQL) renders afresh: nothing can skip the invalidation. Reading the stamp is
one query of one row per request.

Only anonymous requests are served from the cache or stored in it: a request carrying a session
cookie (staff, who may preview drafts) always gets a fresh page marked private. Responses that
set cookies, are private or not 200/404 are never stored.
"""

import hashlib

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.cache import patch_cache_control

from .stamps import read_stamp

EVENTS = ("INSERT", "UPDATE", "DELETE")
# Import runs are for editors only; the stamp's own table is what the triggers write; tag
# counts change only with the tagged items and records their own triggers follow.
UNWATCHED = {"archive_importrun", "archive_site_state", "archive_taguse"}
UNCACHED_PATHS = ("/admin/", "/static/")
STORED_STATUSES = {200, 404}


def watched_tables():
    """The tables public pages read: the archive's models and links, the search index's
    (rebuilding it changes search pages), and taggit's."""
    models = [
        *apps.get_app_config("archive").get_models(include_auto_created=True),
        *apps.get_app_config("search").get_models(include_auto_created=True),
        *apps.get_app_config("taggit").get_models(),
    ]
    tables = {model._meta.db_table for model in models}
    return sorted(tables - UNWATCHED)


def _trigger_statements(vendor, table):
    if vendor == "sqlite":
        for event in EVENTS:
            name = f"archive_site_state_{table}_{event.lower()}"
            yield f"DROP TRIGGER IF EXISTS {name}"
            yield (
                f"CREATE TRIGGER {name} AFTER {event} ON {table}"  # noqa: S608
                " BEGIN UPDATE archive_site_state SET version = random(); END"
            )
    elif vendor == "postgresql":
        name = f"archive_site_state_{table}"
        yield f"DROP TRIGGER IF EXISTS {name} ON {table}"
        yield (
            f"CREATE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}"
            " FOR EACH STATEMENT EXECUTE FUNCTION archive_site_state_bump()"
        )


def install_triggers(using=DEFAULT_DB_ALIAS, **kwargs):
    """(Re)make the stamp's triggers on every watched table. Connected to ``post_migrate``:
    SQLite drops a table's triggers when a migration rebuilds the table."""
    connection = connections[using]
    tables = set(connection.introspection.table_names())
    if "archive_site_state" not in tables:
        return
    with connection.cursor() as cursor:
        for table in watched_tables():
            if table in tables:
                for statement in _trigger_statements(connection.vendor, table):
                    cursor.execute(statement)


def site_version():
    return read_stamp("archive_site_state", connections[DEFAULT_DB_ALIAS])


def _cache_key(request, version):
    address = request.build_absolute_uri().encode()
    return f"archive-page:{version}:{hashlib.sha256(address).hexdigest()}"


def _storable(response):
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code in STORED_STATUSES
        and not response.streaming
        and not response.cookies
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


class PageCacheMiddleware:
    """Serves anonymous GET and HEAD requests for public pages from the cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            not settings.ARCHIVE_PAGE_CACHE
            or request.method not in ("GET", "HEAD")
            or request.path.startswith(UNCACHED_PATHS)
        ):
            return self.get_response(request)
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            response = self.get_response(request)
            if not response.has_header("Cache-Control"):
                patch_cache_control(response, private=True, max_age=0)
            return response
        key = _cache_key(request, site_version())
        response = cache.get(key)
        if response is None:
            response = self.get_response(request)
            if not _storable(response):
                return response
            cache.set(key, response, settings.ARCHIVE_PAGE_CACHE_SECONDS)
        patch_cache_control(response, public=True, max_age=settings.ARCHIVE_CACHE_MAX_AGE)
        return response
