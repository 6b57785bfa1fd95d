"""Fixtures of the public-site tests (this folder): only its modules see them, so they do not
crowd tests/conftest.py, which other parts of the project share.
"""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import transaction

from archive.models import Article

from ..public_helpers import ARTICLE_SLUG


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
    """The seed archive, loaded as `make run` loads it."""


@pytest.fixture
def seed_article(seeded):
    return Article.objects.get(slug=ARTICLE_SLUG)


@pytest.fixture
def staff_client(client, db):
    user = User.objects.create_user("preview", password="a-long-test-password", is_staff=True)
    client.force_login(user)
    return client
