"""The project as an operator meets it: settings, checks, migrations, lint, first start."""

import os
import secrets
import sqlite3
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, env=None, timeout=120):
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    base.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def production_env(**extra):
    return {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "archive.example.org",
        **extra,
    }


def test_production_without_a_secret_key_fails_clearly():
    result = manage("check", env={"DJANGO_DEBUG": "0"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_deploy_is_clean_in_production_configuration():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_collectstatic_builds_hashed_compressed_files(tmp_path):
    result = manage(
        "collectstatic", "--noinput", env=production_env(DJANGO_STATIC_ROOT=str(tmp_path))
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "staticfiles.json").exists()
    assert list(tmp_path.glob("admin/css/base.*.css.gz"))


def test_sqlite_runs_in_wal_mode_with_busy_timeout_and_immediate_transactions(tmp_path):
    database = tmp_path / "archive.sqlite3"
    env = {"DJANGO_DEBUG": "1", "DATABASE_URL": f"sqlite:///{database}"}
    assert manage("migrate", "--noinput", env=env).returncode == 0
    script = (
        "from django.db import connection, transaction\n"
        "cursor = connection.cursor()\n"
        "for pragma in ('journal_mode', 'busy_timeout', 'foreign_keys'):\n"
        "    cursor.execute('PRAGMA ' + pragma)\n"
        "    print(pragma, cursor.fetchone()[0])\n"
        "import sqlite3, sys\n"
        "with transaction.atomic():\n"
        "    other = sqlite3.connect(sys.argv[-1], timeout=0)\n"
        "    try:\n"
        "        other.execute('BEGIN IMMEDIATE')\n"
        "        print('second writer got the lock')\n"
        "    except sqlite3.OperationalError as error:\n"
        "        print('second writer waits:', error)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", _django_script(script), str(database)],
        cwd=ROOT,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "journal_mode wal" in lines
    assert "busy_timeout 20000" in lines
    assert "foreign_keys 1" in lines
    # An atomic block takes the write lock at BEGIN (IMMEDIATE), not at its first write.
    assert "second writer waits: database is locked" in lines
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def _django_script(body):
    return (
        "import os, django\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'archive.settings')\n"
        "django.setup()\n" + body
    )


@pytest.mark.django_db
def test_system_checks_and_migrations_are_clean():
    # With the database's own checks too, as runserver runs them: no warning on `make run`.
    call_command("check", databases=["default"], fail_level="WARNING", stdout=StringIO())
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]])
def test_ruff_is_clean(command):
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *command, "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_first_start_creates_one_superuser_with_a_random_password():
    out = StringIO()
    call_command("create_local_admin", stdout=out)
    password = out.getvalue().split("password: ")[1].split()[0]
    assert len(password) >= 16
    user = User.objects.get()
    assert user.is_superuser
    assert user.check_password(password)
    again = StringIO()
    call_command("create_local_admin", stdout=again)
    assert User.objects.count() == 1
    assert "password" not in again.getvalue().replace("Log in", "")


@pytest.mark.django_db
def test_roles_exist_with_the_right_rights():
    from django.contrib.auth.models import Group

    editor = set(Group.objects.get(name="Editor").permissions.values_list("codename", flat=True))
    contributor = set(
        Group.objects.get(name="Contributor").permissions.values_list("codename", flat=True)
    )
    assert {"publish_article", "delete_article", "change_person"} <= editor
    assert {"add_article", "change_article", "view_quotation"} <= contributor
    assert not any(code.startswith(("publish_", "delete_")) for code in contributor)
