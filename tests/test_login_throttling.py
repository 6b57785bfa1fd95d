"""Password guessing at the admin login is throttled per username and per address."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import override_settings

from .conftest import make_staff_user

PASSWORD = "a-long-test-password"


def attempt(client, username, password, address="192.0.2.1"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def logged_in(client):
    return "_auth_user_id" in client.session


@pytest.fixture
def editor_user(db):
    return make_staff_user("writer", "Editor")


def test_thirty_wrong_passwords_lock_the_account_and_the_right_one_is_refused(
    client, editor_user, settings
):
    answers = [attempt(client, "writer", f"guess-{n}") for n in range(30)]
    limit = settings.AXES_FAILURE_LIMIT
    assert all(a.status_code == 200 for a in answers[: limit - 1])
    locked = answers[limit:]
    assert {a.status_code for a in locked} == {429}
    page = locked[-1].content.decode()
    assert "Login locked" in page
    assert "writer" in page
    assert "30 minutes" in page
    assert "axes_reset_username" in page
    assert 'name="password"' not in page  # the lockout page, not the form again
    right = attempt(client, "writer", PASSWORD)
    assert right.status_code == 429
    assert not logged_in(client)


def test_a_locked_username_stays_locked_from_another_address(client, editor_user, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "writer", f"guess-{n}", address=f"192.0.2.{n + 10}")
    assert attempt(client, "writer", PASSWORD, address="198.51.100.7").status_code == 429
    assert not logged_in(client)


def test_an_address_guessing_many_usernames_is_locked(client, editor_user, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, f"nobody-{n}", "guess", address="203.0.113.9")
    assert attempt(client, "writer", PASSWORD, address="203.0.113.9").status_code == 429
    # Another address may still log in as that user.
    assert attempt(client, "writer", PASSWORD, address="198.51.100.7").status_code == 302
    assert logged_in(client)


def test_a_successful_login_clears_the_failures(client, editor_user, settings):
    for _ in range(3):
        for n in range(settings.AXES_FAILURE_LIMIT - 1):
            attempt(client, "writer", f"guess-{n}")
        assert attempt(client, "writer", PASSWORD).status_code == 302
        client.logout()


def lock(client, username, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, username, f"guess-{n}", address=f"192.0.2.{n + 10}")
    assert attempt(client, username, PASSWORD).status_code == 429


def test_an_editor_unlocks_an_account_in_the_admin(client, editor_user, settings):
    victim = make_staff_user("victim", "Contributor")
    lock(client, "victim", settings)
    client.force_login(editor_user)
    listing = client.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200
    assert "victim" in listing.content.decode()
    from axes.models import AccessAttempt

    ids = [
        str(pk)
        for pk in AccessAttempt.objects.filter(username="victim").values_list("pk", flat=True)
    ]
    response = client.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )
    assert response.status_code == 302
    client.logout()
    assert attempt(client, victim.username, PASSWORD, address="198.51.100.7").status_code == 302


def test_a_contributor_cannot_unlock(client, db):
    client.force_login(make_staff_user("helper", "Contributor"))
    assert client.get("/admin/axes/accessattempt/").status_code == 403


def test_the_reset_command_unlocks_an_account(client, editor_user, settings):
    lock(client, "writer", settings)
    call_command("axes_reset_username", "writer", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert attempt(client, "writer", PASSWORD, address="198.51.100.7").status_code == 302


@override_settings(
    AXES_FAILURE_LIMIT=2, AXES_COOLOFF_TIME=__import__("datetime").timedelta(minutes=5)
)
def test_thresholds_come_from_settings(client, editor_user):
    attempt(client, "writer", "x")
    locked = attempt(client, "writer", "y")
    assert locked.status_code == 429
    assert "5 minutes" in locked.content.decode()


@override_settings(ARCHIVE_PROXY_COUNT=1)
def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(client, editor_user, settings):
    # The client forges the left part of X-Forwarded-For; only the proxy's entry counts.
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/admin/login/",
            {"username": f"nobody-{n}", "password": "x"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 203.0.113.9",
        )
    blocked = client.post(
        "/admin/login/",
        {"username": "writer", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert blocked.status_code == 429
    other = client.post(
        "/admin/login/",
        {"username": "writer", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert other.status_code == 302
    assert User.objects.get(username="writer").last_login is not None
