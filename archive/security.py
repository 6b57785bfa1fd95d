"""Security helpers: the client address and lockout page of login throttling, the security
headers, and security.txt."""

from datetime import timedelta

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def client_ip(request):
    """The address a login attempt came from.

    Behind ARCHIVE_PROXY_COUNT trusted proxies the client is the address the outermost of them
    appended to X-Forwarded-For; anything further left was written by the client and can be
    forged, so it is never used. Without proxies the socket address is the only honest one.
    """
    proxies = settings.ARCHIVE_PROXY_COUNT
    if proxies > 0:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [hop for hop in hops if hop]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR")


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out login gets: what is locked, for how long, and how to unlock it."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    context = {
        "username": username,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "accounts/locked.html", context, status=429)


class SecurityHeadersMiddleware:
    """Adds the Content-Security-Policy and Permissions-Policy to every response.

    The public site runs no script at all and the admin only its own static files, so the
    policy allows nothing inline and nothing from elsewhere: markup injected into a page cannot
    run. A view may set its own headers; they are kept.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.ARCHIVE_CSP)
        response.headers.setdefault("Permissions-Policy", settings.ARCHIVE_PERMISSIONS_POLICY)
        return response


def security_txt(request):
    """/.well-known/security.txt (RFC 9116): where to report a problem, if the site says."""
    contact = settings.ARCHIVE_SECURITY_CONTACT
    if not contact:
        raise Http404("No security contact is configured (ARCHIVE_SECURITY_CONTACT).")
    if "@" in contact and ":" not in contact:
        contact = f"mailto:{contact}"
    expires = timezone.now() + timedelta(days=365)
    lines = [
        f"Contact: {contact}",
        f"Expires: {expires:%Y-%m-%dT%H:%M:%SZ}",
        "Preferred-Languages: en",
        f"Canonical: {request.build_absolute_uri()}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
