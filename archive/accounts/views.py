"""Two-factor pages: enrol an authenticator app (TOTP) with backup codes, and give a token."""

from base64 import b32encode

from axes.handlers.proxy import AxesProxyHandler
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..security import lockout_response
from .two_factor import two_factor_required

BACKUP_CODES = 10


def page(request, template, **context):
    return render(request, template, {**admin.site.each_context(request), **context})


def next_url(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("admin:index")


@transaction.atomic
def new_backup_codes(user):
    """Replaces the user's backup codes with new ones; each works once. Returns them."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Backup codes")
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@never_cache
@sensitive_post_parameters("token")
@staff_member_required
def two_factor(request):
    """Enrol an authenticator app, or (once verified) get new backup codes."""
    user = request.user
    if user_has_device(user) and not user.is_verified():
        return redirect_to_login(request.get_full_path(), reverse("accounts:verify"))
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if confirmed:
        if request.method == "POST" and request.POST.get("action") == "backup-codes":
            return page(request, "accounts/backup_codes.html", codes=new_backup_codes(user))
        return page(
            request, "accounts/two_factor.html", device=confirmed, title=gettext("Two-factor")
        )

    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    error = None
    if request.method == "POST":
        if device.verify_token(request.POST.get("token", "").strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            codes = new_backup_codes(user)
            return page(request, "accounts/backup_codes.html", codes=codes, next=next_url(request))
        error = gettext(
            "That code is not right. Check the time on your phone and type the current code."
        )
    return page(
        request,
        "accounts/two_factor.html",
        title=gettext("Set up two-factor authentication"),
        enrolling=device,
        secret=b32encode(device.bin_key).decode(),
        required=two_factor_required(user),
        error=error,
        next=next_url(request),
    )


@never_cache
@sensitive_post_parameters("token")
@staff_member_required
def verify(request):
    """The second step of logging in: a code from the app, or a backup code."""
    user = request.user
    if user.is_verified() or not user_has_device(user):
        return redirect(next_url(request))
    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        logout(request)
        return lockout_response(request, credentials=credentials)
    error = None
    if request.method == "POST":
        device = match_token(user, request.POST.get("token", "").strip())
        if device is not None:
            otp_login(request, device)
            return redirect(next_url(request))
        # A wrong code counts as a failed login: django-axes locks out guessing here too.
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            logout(request)
            return lockout_response(request, credentials=credentials)
        error = gettext(
            "That code is not right. Type the current code from your app, or a backup code."
        )
    return page(
        request,
        "accounts/verify.html",
        title=gettext("Two-factor code"),
        error=error,
        next=next_url(request),
    )
