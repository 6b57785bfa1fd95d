import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import transaction


@pytest.fixture
def seed(db):
    """The seed archive, loaded the way `make run` loads it."""
    call_command("load_seed", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture(scope="module")
def seed_for_module(django_db_setup, django_db_blocker):
    """The seed archive loaded once per test module, inside a transaction rolled back at the
    end of the module; each test's own changes are rolled back after the test as usual."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_seed", stdout=open("/dev/null", "w"))  # noqa: SIM115
        yield
        transaction.set_rollback(True)


@pytest.fixture
def seeded(seed_for_module, db):
    """The seed archive, loaded as `make run` loads it, once for the module."""


def make_staff_user(username, role):
    user = User.objects.create_user(username=username, password="a-long-test-password")
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def editor(db):
    return make_staff_user("editor", "Editor")


@pytest.fixture
def contributor(db):
    return make_staff_user("contributor", "Contributor")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def contributor_client(client, contributor):
    client.force_login(contributor)
    return client


@pytest.fixture
def rendered_every_time(settings):
    """Pages rendered on every request, the page cache left out (for tests that measure
    rendering or read a response's context)."""
    settings.ARCHIVE_PAGE_CACHE = False


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path_factory):
    """Uploaded files go to a folder of the test's own, never the project's media/."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    return settings.MEDIA_ROOT
