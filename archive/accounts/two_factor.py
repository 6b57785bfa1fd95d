"""Who must give a second factor, and where the admin sends staff who have not yet."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django_otp import user_has_device


def two_factor_required(user):
    """With ARCHIVE_REQUIRE_2FA set, Editors (and superusers, who may do more) must enrol."""
    if not settings.ARCHIVE_REQUIRE_2FA:
        return False
    return user.is_superuser or user.groups.filter(name="Editor").exists()


def may_preview_drafts(user):
    """Staff who have given every factor asked of them; others read the public site as anyone.

    A session that passed the password but not the code (or must enrol and has not) is not yet
    trusted with unpublished records, on the admin or on public pages.
    """
    if not (user.is_authenticated and user.is_staff):
        return False
    if user.is_verified():
        return True
    return not user_has_device(user) and not two_factor_required(user)


class TwoFactorMiddleware:
    """Keeps staff out of the admin until they have given their second factor.

    A staff member with a confirmed device is sent to the token page after the password; one who
    must use two-factor but has no device yet is sent to enrol. Enforced here, on the server, for
    every admin address but logging in and out, so no admin page or form works before that.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.redirect(request) or self.get_response(request)

    @staticmethod
    def redirect(request):
        user = request.user
        if not request.path.startswith(reverse("admin:index")):
            return None
        if not (user.is_authenticated and user.is_staff) or user.is_verified():
            return None
        if request.path in (reverse("admin:login"), reverse("admin:logout")):
            return None
        if user_has_device(user):
            return redirect_to_login(request.get_full_path(), reverse("accounts:verify"))
        if two_factor_required(user):
            return redirect_to_login(request.get_full_path(), reverse("accounts:two_factor"))
        return None
