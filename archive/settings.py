"""Settings for Archive, read from the environment with safe local defaults.

See the README's table of environment variables. Nothing secret lives in this file.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string in production "
            '(python -c "import secrets; print(secrets.token_urlsafe(50))"), '
            "or set DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 (debug only)

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "taggit",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "archive",
    "archive.search",
    "reversion",
    "archive.history",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "archive.security.SecurityHeadersMiddleware",
    # Before anything that may answer (the busy page, cached pages): the language is known.
    "archive.interface_languages.LanguageMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "archive.busy.ImportBusyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "archive.page_cache.PageCacheMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "archive.accounts.two_factor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "archive.urls"
WSGI_APPLICATION = "archive.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "archive.interface_languages.context",
            ],
        },
    },
]

# Database: SQLite file in the project unless DATABASE_URL says otherwise.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers keep reading while an editor writes; IMMEDIATE transactions take the write
    # lock up front, so concurrent writers wait (busy timeout) instead of failing with
    # "database is locked" halfway through.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Django's backend, except that no transaction begins while an import holds the write lock:
    # the site answers with its busy page at once (archive/sqlite_backend/base.py).
    DATABASES["default"]["ENGINE"] = "archive.sqlite_backend"
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA busy_timeout=20000;"
            "PRAGMA foreign_keys=ON;"
        ),
    }

# The cache: Redis when REDIS_URL is set (several processes or servers share it), else each
# process's own memory.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("ARCHIVE_CACHE_PREFIX", "archive"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The article list's order index INCLUDEs the id for PostgreSQL's index-only scans; SQLite
# warns that it ignores INCLUDE, and needs none: its indexes hold the rowid anyway.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The interface's languages (archive/interface_languages.py): English at the site's
# addresses, Persian under /fa/; the admin follows the editor's choice. Translations:
# locale/<code>/LC_MESSAGES.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fa", "فارسی")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English dates in British form, as before the interface had languages (archive/formats/en).
FORMAT_MODULE_PATH = ["archive.formats"]
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", "") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (documents and their previews): the local folder MEDIA_ROOT (beside the
# database by default) or, with ARCHIVE_MEDIA_STORAGE=s3, an S3-compatible bucket through
# django-storages (installed separately: see the README's "Documents and media"). Files are
# always served by the archive's own views, never from MEDIA_URL (drafts' files stay hidden).
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", "") or BASE_DIR / "media")
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if os.environ.get("ARCHIVE_MEDIA_STORAGE", "").strip().lower() == "s3":
    # Credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, read by boto3 from the
    # environment itself (never from this file).
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("ARCHIVE_S3_BUCKET", ""),
            "endpoint_url": os.environ.get("ARCHIVE_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("ARCHIVE_S3_REGION") or None,
            "location": os.environ.get("ARCHIVE_S3_PREFIX", ""),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
    if not STORAGES["default"]["OPTIONS"]["bucket_name"]:
        raise ImproperlyConfigured("ARCHIVE_MEDIA_STORAGE=s3 needs ARCHIVE_S3_BUCKET.")
if DEBUG:
    # No collectstatic needed while developing; production always uses the manifest.
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

# Public site
SITE_NAME = os.environ.get("ARCHIVE_SITE_NAME", "Archive")
ARCHIVE_PAGE_SIZE = 20
ARCHIVE_MAX_PAGE_SIZE = 100
# A search matching more entries than this ranks only this many (the newest) plus those whose
# names, titles or tags match, and says so: ranking costs time for every entry ranked.
ARCHIVE_SEARCH_RANK_WINDOW = int(os.environ.get("ARCHIVE_SEARCH_RANK_WINDOW", "2000"))
# Text read from an attached PDF or text file when it is added (archive/documents/extraction.py):
# at most this many pages, characters and seconds per file; and how much of each file's text
# the search index holds with its record.
ARCHIVE_DOCUMENT_TEXT_MAX_PAGES = int(os.environ.get("ARCHIVE_DOCUMENT_TEXT_MAX_PAGES", "500"))
ARCHIVE_DOCUMENT_TEXT_MAX_CHARS = int(os.environ.get("ARCHIVE_DOCUMENT_TEXT_MAX_CHARS", "1000000"))
ARCHIVE_DOCUMENT_TEXT_SECONDS = float(os.environ.get("ARCHIVE_DOCUMENT_TEXT_SECONDS", "30"))
ARCHIVE_SEARCH_DOCUMENT_CHARS = int(os.environ.get("ARCHIVE_SEARCH_DOCUMENT_CHARS", "100000"))
# Rendered public pages for anonymous readers (archive/page_cache.py): kept this many seconds
# at most (any change to the data replaces them at once), and Cache-Control's max-age for proxies.
ARCHIVE_PAGE_CACHE = env_bool("ARCHIVE_PAGE_CACHE", True)
ARCHIVE_PAGE_CACHE_SECONDS = int(os.environ.get("ARCHIVE_PAGE_CACHE_SECONDS", "600"))
ARCHIVE_CACHE_MAX_AGE = int(os.environ.get("ARCHIVE_CACHE_MAX_AGE", "60"))
# Imports refuse files bigger than this (bytes).
ARCHIVE_IMPORT_MAX_BYTES = int(os.environ.get("ARCHIVE_IMPORT_MAX_BYTES", str(200 * 1024 * 1024)))
# Files attached to records (archive/documents/): refused past this size (bytes), images past
# this many pixels (a decompression bomb), and previews made at these widths.
ARCHIVE_MAX_UPLOAD_BYTES = int(os.environ.get("ARCHIVE_MAX_UPLOAD_BYTES", str(100 * 1024 * 1024)))
ARCHIVE_MAX_IMAGE_PIXELS = int(os.environ.get("ARCHIVE_MAX_IMAGE_PIXELS", str(64_000_000)))
ARCHIVE_THUMBNAIL_WIDTHS = (320, 640, 1280)
# An import started while another runs waits this many seconds for it, then gives up
# (archive/importers/locking.py).
ARCHIVE_IMPORT_LOCK_WAIT = float(os.environ.get("ARCHIVE_IMPORT_LOCK_WAIT", "10"))

# Security: strict in production, relaxed only where local HTTP needs it.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)

# Content-Security-Policy and Permissions-Policy, sent with every response (archive.security).
ARCHIVE_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
ARCHIVE_PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in [
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    ]
)

# Login throttling (django-axes): after ARCHIVE_LOGIN_FAILURE_LIMIT wrong passwords in a row a
# username, and separately an address, is locked for ARCHIVE_LOGIN_LOCKOUT_MINUTES. Editors
# unlock in the admin ("Access attempts"), or `manage.py axes_reset_username NAME`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("ARCHIVE_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("ARCHIVE_LOGIN_LOCKOUT_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "archive.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "archive.security.client_ip"
# How many proxies in front of the site append to X-Forwarded-For (0: use the socket address).
ARCHIVE_PROXY_COUNT = int(os.environ.get("ARCHIVE_PROXY_COUNT", "0"))

# Two-factor authentication (django-otp) for staff: anyone who has set it up at
# /accounts/two-factor/ is asked for a code after the password; with ARCHIVE_REQUIRE_2FA=1
# Editors cannot use the admin until they have set it up.
ARCHIVE_REQUIRE_2FA = env_bool("ARCHIVE_REQUIRE_2FA", False)
OTP_TOTP_ISSUER = SITE_NAME
# Where to report a security problem privately, published at /.well-known/security.txt.
ARCHIVE_SECURITY_CONTACT = os.environ.get("ARCHIVE_SECURITY_CONTACT", "").strip()

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

TAGGIT_CASE_INSENSITIVE = True
