"""Accounts in a real browser: two-factor set-up and login, and the lockout page, all under the
Content-Security-Policy (every browser test fails on a violation)."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from .helpers import expect, log_in

pytestmark = pytest.mark.e2e


def current_code(device):
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_an_editor_sets_up_two_factor_and_logs_in_with_a_backup_code(editor_account, new_context):
    page = new_context().new_page()
    log_in(page, editor_account)
    page.get_by_role("link", name="Two-factor").click()
    secret = page.locator("#totp-secret").inner_text()
    device = TOTPDevice.objects.get(user__username=editor_account.username)
    assert page.locator("#totp-uri").inner_text().startswith("otpauth://totp/")
    assert secret
    page.get_by_label("Code:").fill(current_code(device))
    page.get_by_role("button", name="Turn on two-factor").click()
    expect(page.locator("#backup-codes code")).to_have_count(10)
    codes = page.locator("#backup-codes code").all_inner_texts()

    page.get_by_role("link", name="Continue").click()
    page.get_by_role("button", name="Log out").click()
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(editor_account.username)
    page.get_by_label("Password").fill(editor_account.password)
    page.get_by_role("button", name="Log in").click()
    # Password accepted, but the admin waits for the second factor.
    expect(page.get_by_label("Code:")).to_be_visible()
    page.get_by_label("Code:").fill(codes[0])
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("link", name="Articles", exact=True)).to_be_visible()


def test_guessing_passwords_ends_on_the_lockout_page(editor_account, new_context, settings):
    page = new_context().new_page()
    for attempt in range(settings.AXES_FAILURE_LIMIT + 1):
        page.goto("/admin/login/?next=/admin/")
        page.get_by_label("Username").fill(editor_account.username)
        page.get_by_label("Password").fill(f"wrong-{attempt}")
        page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Login locked")
    expect(page.get_by_text("axes_reset_username")).to_be_visible()
