"""Two-factor authentication for staff: enrol an app, get backup codes, give a code at login."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from archive.models import Person

from .conftest import make_staff_user

PASSWORD = "a-long-test-password"
ENROL = "/accounts/two-factor/"
VERIFY = "/accounts/two-factor/verify/"


def code(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def log_in(client, username):
    response = client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": PASSWORD}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def enrol(client):
    """Enrol through the page, as a person does; returns the device and the backup codes."""
    page = client.get(ENROL)
    assert page.status_code == 200
    device = TOTPDevice.objects.get(confirmed=False)
    text = page.content.decode()
    assert "otpauth://totp/" in text
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', text).group(1)
    assert parse_qs(urlsplit(device.config_url).query)["secret"] == [secret]
    done = client.post(ENROL, {"token": code(device)})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>(\w+)</code></li>", done.content.decode())
    device.refresh_from_db()
    assert device.confirmed
    return device, codes


def fresh_code_window(device):
    """Within 30 s the app shows the code used to enrol again, which TOTP refuses to replay, and
    django-otp slows down after a wrong code: as if the next code had come and time had passed."""
    device.refresh_from_db()
    device.last_t = -1
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()


@pytest.fixture
def editor_user(db):
    return make_staff_user("writer", "Editor")


def test_staff_enrol_an_app_and_get_backup_codes(client, editor_user):
    log_in(client, "writer")
    _device, codes = enrol(client)
    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert StaticToken.objects.filter(device__user=editor_user).count() == 10
    # Enrolled and verified in this session: the admin works.
    assert client.get("/admin/").status_code == 200


def test_a_wrong_code_does_not_enrol(client, editor_user):
    log_in(client, "writer")
    client.get(ENROL)
    device = TOTPDevice.objects.get()
    wrong = f"{(int(code(device)) + 1) % 1_000_000:06d}"
    response = client.post(ENROL, {"token": wrong})
    assert "That code is not right" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed


def test_login_asks_for_the_code_once_a_device_exists(client, editor_user):
    log_in(client, "writer")
    device, codes = enrol(client)
    client.post("/admin/logout/")

    log_in(client, "writer")
    for path in ("/admin/", "/admin/archive/article/", "/admin/archive/article/add/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(VERIFY), path
    # A POST to an admin form is refused the same way.
    assert client.post("/admin/archive/article/add/", {"title": "x"}).status_code == 302
    assert client.get(ENROL)["Location"].startswith(VERIFY)

    wrong = client.post(VERIFY, {"token": "123456x", "next": "/admin/archive/article/"})
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.content.decode()
    assert client.get("/admin/").status_code == 302

    fresh_code_window(device)
    right = client.post(VERIFY, {"token": code(device), "next": "/admin/archive/article/"})
    assert right.status_code == 302
    assert right["Location"] == "/admin/archive/article/"
    assert client.get("/admin/archive/article/").status_code == 200


def test_a_backup_code_works_once(client, editor_user):
    log_in(client, "writer")
    _device, codes = enrol(client)
    client.post("/admin/logout/")
    log_in(client, "writer")
    assert client.post(VERIFY, {"token": codes[0]}).status_code == 302
    assert client.get("/admin/").status_code == 200
    client.post("/admin/logout/")
    log_in(client, "writer")
    assert client.post(VERIFY, {"token": codes[0]}).status_code == 200
    assert client.get("/admin/").status_code == 302


def test_guessing_codes_is_locked_out_like_passwords(client, editor_user, settings):
    log_in(client, "writer")
    enrol(client)
    client.post("/admin/logout/")
    log_in(client, "writer")
    answers = [
        client.post(VERIFY, {"token": f"{n:06d}"}) for n in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert answers[-1].status_code == 429
    assert "Login locked" in answers[-1].content.decode()
    # Locked out and logged out; the password no longer gets in either, until unlocked.
    assert "_auth_user_id" not in client.session
    assert (
        client.post("/admin/login/", {"username": "writer", "password": PASSWORD}).status_code
        == 429
    )


def test_without_the_requirement_staff_without_a_device_use_the_admin(editor_client, settings):
    settings.ARCHIVE_REQUIRE_2FA = False
    assert editor_client.get("/admin/").status_code == 200


def test_required_two_factor_sends_an_editor_to_enrol_before_any_admin_page(client, db, settings):
    settings.ARCHIVE_REQUIRE_2FA = True
    editor = make_staff_user("boss", "Editor")
    client.force_login(editor)
    for path in ("/admin/", "/admin/archive/person/", "/admin/auth/user/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(ENROL), path
    assert client.post("/admin/archive/person/add/", {"name": "x"}).status_code == 302
    page = client.get(ENROL)
    assert "Editors must use two-factor" in page.content.decode()
    device = TOTPDevice.objects.get(user=editor)
    client.post(ENROL, {"token": code(device)})
    assert client.get("/admin/archive/person/").status_code == 200


def test_required_two_factor_leaves_contributors_free_to_choose(client, db, settings):
    settings.ARCHIVE_REQUIRE_2FA = True
    client.force_login(make_staff_user("helper", "Contributor"))
    assert client.get("/admin/").status_code == 200


def test_the_two_factor_pages_are_for_staff_only(client, db):
    for path in (ENROL, VERIFY):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_a_verified_editor_makes_new_backup_codes(client, editor_user):
    log_in(client, "writer")
    _device, old = enrol(client)
    response = client.post(ENROL, {"action": "backup-codes"})
    new = re.findall(r"<li><code>(\w+)</code></li>", response.content.decode())
    assert len(new) == 10
    assert not set(new) & set(old)
    assert StaticToken.objects.filter(token__in=old).count() == 0


def test_an_editor_can_remove_a_colleagues_device_in_the_admin(client, editor_user):
    colleague = make_staff_user("colleague", "Contributor")
    device = TOTPDevice.objects.create(user=colleague, name="Lost phone", confirmed=True)
    client.force_login(editor_user)  # no device of their own, two-factor not required
    assert "Lost phone" in client.get("/admin/otp_totp/totpdevice/").content.decode()
    response = client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()


def test_the_admin_links_to_the_two_factor_page(editor_client):
    assert 'href="/accounts/two-factor/"' in editor_client.get("/admin/").content.decode()


@pytest.fixture
def draft_person(db):
    return Person.objects.create(name="Unpublished Witness", slug="unpublished-witness")


def test_a_session_waiting_for_its_code_reads_public_pages_as_anyone(
    client, editor_user, draft_person
):
    log_in(client, "writer")
    device, _codes = enrol(client)
    assert client.get(draft_person.get_absolute_url()).status_code == 200  # verified: preview
    client.post("/admin/logout/")

    log_in(client, "writer")  # the password, not yet the code
    response = client.get(draft_person.get_absolute_url())
    assert response.status_code == 404
    assert "Unpublished Witness" not in response.content.decode()

    fresh_code_window(device)
    client.post(VERIFY, {"token": code(device), "next": "/admin/"})
    assert client.get(draft_person.get_absolute_url()).status_code == 200


def test_an_editor_who_must_enrol_first_cannot_preview_drafts(
    client, editor_user, draft_person, settings
):
    settings.ARCHIVE_REQUIRE_2FA = True
    log_in(client, "writer")
    assert client.get(draft_person.get_absolute_url()).status_code == 404
    settings.ARCHIVE_REQUIRE_2FA = False
    assert client.get(draft_person.get_absolute_url()).status_code == 200


def test_the_two_factor_and_lockout_pages_follow_the_editors_language(
    client, editor_user, settings
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fa"
    log_in(client, "writer")
    enrolling = client.get(ENROL).content.decode()
    assert 'lang="fa" dir="rtl"' in enrolling
    assert "کد شش‌رقمی‌ای را که برنامه نشان می‌دهد وارد کنید" in enrolling
    enrol(client)
    assert "کدهای پشتیبان شما" in client.post(ENROL, {"action": "backup-codes"}).content.decode()
    client.post("/admin/logout/")
    log_in(client, "writer")
    wrong = client.post(VERIFY, {"token": "123456x"}).content.decode()
    assert "این کد درست نیست" in wrong
    answers = [  # the wrong code above was the first failure
        client.post(VERIFY, {"token": f"{n:06d}"}) for n in range(settings.AXES_FAILURE_LIMIT - 1)
    ]
    locked = answers[-1].content.decode()
    assert answers[-1].status_code == 429
    assert "ورود قفل شده است" in locked
    # The name someone typed is shown as text, never as markup, in either language.
    assert "<strong>writer</strong>" in locked
