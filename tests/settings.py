"""Test settings: the real archive settings, in local (debug) mode unless the caller says otherwise.

Django's test runner switches DEBUG off while tests run, so the suite still exercises the
production code paths; this only supplies the local development secret key.
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")

from archive.settings import *  # noqa: E402, F403

STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Whitenoise serves from STATIC_ROOT only after collectstatic; tests use the finders instead.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
