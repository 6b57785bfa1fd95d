"""Fixtures of the public-site tests (this folder): only its modules see them, so they do not
crowd tests/conftest.py, which other parts of the project share.
"""

import pytest
from django.contrib.auth.models import User

from archive.models import Article

from ..public_helpers import ARTICLE_SLUG


@pytest.fixture
def seed_article(seeded):
    return Article.objects.get(slug=ARTICLE_SLUG)


@pytest.fixture
def staff_client(client, db):
    user = User.objects.create_user("preview", password="a-long-test-password", is_staff=True)
    client.force_login(user)
    return client
