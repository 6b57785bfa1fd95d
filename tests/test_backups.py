"""backup_archive and restore_archive: a running archive, backed up and restored into an empty
database, comes back row for row; damaged, incomplete or misdirected backups are refused.

Every test runs on the suite's database (SQLite, or PostgreSQL with DATABASE_URL); the restore
goes into a second database made for the test (a new SQLite file, or a PostgreSQL database
created and dropped here). The tests are transactional: pg_dump sees committed rows only.
"""

import json
import sqlite3
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from taggit.models import Tag

from archive.models import Article, ImportRun, Person, Status
from tests.fixtures.importing import FIXTURES, run_import

pytestmark = pytest.mark.django_db(transaction=True)
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")

RESTORED = "restored"
LONG_AGO = datetime(2017, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)


@pytest.fixture
def running_archive(seed, django_user_model):
    """The seed and more: import runs, drafts, tags only a draft uses or nobody uses, tags whose
    slugs depend on the order they were made in, and records added long ago."""
    django_user_model.objects.create_user(username="editor", password="a-long-test-password")
    run_import(FIXTURES / "organizations.csv", FIXTURES / "places.csv")
    run_import(FIXTURES / "people.csv")
    run_import(FIXTURES / "wordpress.xml")
    draft = Person.objects.create(name="Draft Only", status=Status.DRAFT)
    draft.tags.add("only-in-a-draft")
    Tag.objects.create(name="Nobody uses this")
    first, second = Tag.objects.create(name="Camps!"), Tag.objects.create(name="Camps")
    assert (first.slug, second.slug) == ("camps", "camps_1")
    Article.objects.filter(status=Status.PUBLISHED).first().tags.add(second, first)
    Article.objects.update(created_at=LONG_AGO, updated_at=LONG_AGO + timedelta(days=1))
    Person.objects.filter(slug="john-kerry").update(created_at=LONG_AGO)
    assert ImportRun.objects.count() >= 3


def backup(folder, database="default"):
    out = StringIO()
    call_command("backup_archive", str(folder), database=database, stdout=out)
    return out.getvalue()


def restore(folder, *args, database=RESTORED):
    out = StringIO()
    call_command("restore_archive", str(folder), *args, database=database, stdout=out)
    return out.getvalue()


@contextmanager
def empty_database(tmp_path):
    """A second, empty database under the alias ``restored``."""
    settings = connections["default"].settings_dict
    postgres = connection.vendor == "postgresql"
    tmp_path.mkdir(parents=True, exist_ok=True)
    name = f"{settings['NAME']}_restored" if postgres else str(tmp_path / "restored.sqlite3")
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
    connections.settings[RESTORED] = {**settings, "NAME": name}
    try:
        # Django's test case lets tests reach only the databases it set up itself; connecting
        # here, before its guard is asked, lets the commands use this one.
        connections[RESTORED].connect()
        yield connections[RESTORED]
    finally:
        connections[RESTORED].close()
        del connections[RESTORED]
        del connections.settings[RESTORED]
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def every_row(database):
    """Every row of every table the database has (the search index's tables included)."""
    rows = {}
    with database.cursor() as cursor:
        for table in sorted(database.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {database.ops.quote_name(table)}")
            rows[table] = sorted(
                repr(tuple(bytes(v) if isinstance(v, memoryview) else v for v in row))
                for row in cursor.fetchall()
            )
    return rows


def test_a_running_archive_restores_into_an_empty_database_row_for_row(running_archive, tmp_path):
    output = backup(tmp_path / "backup")
    assert "Backed up" in output
    before = every_row(connection)
    with empty_database(tmp_path) as target:
        output = restore(tmp_path / "backup")
        assert "Checked 1 files" in output and "Restored" in output
        after = every_row(target)
        assert sorted(after) == sorted(before)
        for table, rows in before.items():
            assert after[table] == rows, f"{table} differs after the restore"
        with target.cursor() as cursor:
            cursor.execute("SELECT name, slug FROM taggit_tag WHERE name LIKE 'Camps%'")
            assert sorted(cursor.fetchall()) == [("Camps", "camps_1"), ("Camps!", "camps")]
            cursor.execute("SELECT count(*) FROM archive_importrun")
            assert cursor.fetchone()[0] == ImportRun.objects.count()
            cursor.execute("SELECT min(created_at) FROM archive_article")
            oldest = cursor.fetchone()[0]
        assert oldest in (LONG_AGO, LONG_AGO.isoformat(sep=" ").replace("+00:00", ""))


def test_the_manifest_lists_vendor_migrations_rows_and_each_files_hash(running_archive, tmp_path):
    backup(tmp_path / "backup")
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert (manifest["format"], manifest["version"]) == ("archive-backup", 1)
    assert manifest["vendor"] == connection.vendor
    assert "archive.0001_initial" in manifest["migrations"]
    assert manifest["tables"]["archive_article"] == Article.objects.count()
    assert manifest["tables"]["taggit_tag"] == Tag.objects.count()
    (database_file,) = manifest["files"]
    assert database_file["size"] == (tmp_path / "backup" / database_file["name"]).stat().st_size
    assert len(database_file["sha256"]) == 64


def test_media_files_are_backed_up_and_restored(running_archive, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    (tmp_path / "media" / "documents").mkdir(parents=True)
    (tmp_path / "media" / "documents" / "letter.pdf").write_bytes(b"%PDF-1.4 a letter")
    backup(tmp_path / "backup")
    names = [
        f["name"] for f in json.loads((tmp_path / "backup" / "manifest.json").read_text())["files"]
    ]
    assert "media/documents/letter.pdf" in names
    settings.MEDIA_ROOT = str(tmp_path / "elsewhere")
    with empty_database(tmp_path):
        assert "and 1 media files" in restore(tmp_path / "backup")
    assert (
        tmp_path / "elsewhere" / "documents" / "letter.pdf"
    ).read_bytes() == b"%PDF-1.4 a letter"


def database_file(folder):
    manifest = json.loads((folder / "manifest.json").read_text())
    return folder / manifest["files"][0]["name"]


def flip_a_byte(path):
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def truncate(path):
    path.write_bytes(path.read_bytes()[:-100])


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (flip_a_byte, "does not match its SHA-256 in the manifest (damaged)"),
        (truncate, "where the manifest says"),
        (lambda path: path.unlink(), ": missing"),
        (lambda path: (path.parent / "manifest.json").unlink(), "has no manifest.json"),
        (lambda path: (path.parent / "manifest.json").write_text('{"format": '), "damaged"),
    ],
    ids=["byte-flipped", "truncated", "file-missing", "manifest-missing", "manifest-damaged"],
)
def test_a_damaged_or_incomplete_backup_is_refused_and_nothing_changes(
    running_archive, tmp_path, damage, message
):
    backup(tmp_path / "backup")
    damage(database_file(tmp_path / "backup"))
    with empty_database(tmp_path) as target:
        with pytest.raises(CommandError) as refusal:
            restore(tmp_path / "backup")
        assert message in str(refusal.value)
        assert every_row(target) == {}


def test_a_database_with_data_is_not_overwritten_without_force(running_archive, tmp_path):
    backup(tmp_path / "backup")
    Person.objects.create(name="Added After The Backup")
    with pytest.raises(CommandError, match="not empty .* --force"):
        restore(tmp_path / "backup", database="default")
    assert Person.objects.filter(name="Added After The Backup").exists()
    with pytest.raises(CommandError, match="not empty"):
        restore(tmp_path / "backup", "--dry-run", database="default")
    assert "Restored" in restore(tmp_path / "backup", "--force", database="default")
    assert not Person.objects.filter(name="Added After The Backup").exists()
    assert Tag.objects.get(name="Camps").slug == "camps_1"


def test_a_dry_run_checks_the_backup_and_restores_nothing(running_archive, tmp_path):
    backup(tmp_path / "backup")
    with empty_database(tmp_path) as target:
        assert "nothing was changed" in restore(tmp_path / "backup", "--dry-run")
        assert every_row(target) == {}


def test_a_backup_of_the_other_vendor_or_a_newer_version_is_refused(running_archive, tmp_path):
    backup(tmp_path / "backup")
    path = tmp_path / "backup" / "manifest.json"
    manifest = json.loads(path.read_text())
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    file_name = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}[other]
    (tmp_path / "backup" / manifest["files"][0]["name"]).rename(tmp_path / "backup" / file_name)
    path.write_text(
        json.dumps(
            {**manifest, "vendor": other, "files": [{**manifest["files"][0], "name": file_name}]}
        )
    )
    refusal = pytest.raises(CommandError, match="export_archive and import_archive")
    with empty_database(tmp_path), refusal:
        restore(tmp_path / "backup")
    path.write_text(
        json.dumps({**manifest, "migrations": [*manifest["migrations"], "archive.9999_future"]})
    )
    (tmp_path / "backup" / file_name).rename(tmp_path / "backup" / manifest["files"][0]["name"])
    refusal = pytest.raises(CommandError, match="newer version of Archive .*archive.9999_future")
    with empty_database(tmp_path), refusal:
        restore(tmp_path / "backup")


def test_a_backup_older_than_the_code_is_restored_then_migrated(db, tmp_path):
    with empty_database(tmp_path / "old") as old:
        call_command("migrate", "archive", "0005", database=RESTORED, verbosity=0)
        backup(tmp_path / "backup", database=RESTORED)
        with old.cursor() as cursor:
            assert "archive_article_pub_dated" not in _index_names(old, cursor)
    with empty_database(tmp_path / "new") as new:
        assert "Applied " in restore(tmp_path / "backup")
        with new.cursor() as cursor:
            assert "archive_article_pub_dated" in _index_names(new, cursor)


def test_a_backup_from_before_the_migrations_were_renumbered_is_restored(db, tmp_path):
    """Its database records the old names (0010_search, ...); each renumbered migration
    replaces its old name, so the restore takes it as it is and migrates nothing again."""
    renamed = [
        (migration.name, old)
        for (app, _), migration in MigrationLoader(None).disk_migrations.items()
        if app == "archive"
        for _, old in migration.replaces
    ]
    assert ("0003_search", "0010_search") in renamed
    with empty_database(tmp_path / "old") as old:
        call_command("migrate", database=RESTORED, verbosity=0)
        with old.cursor() as cursor:
            for new_name, old_name in renamed:
                cursor.execute(
                    "UPDATE django_migrations SET name = %s WHERE app = 'archive' AND name = %s",
                    [old_name, new_name],
                )
        backup(tmp_path / "backup", database=RESTORED)
    with empty_database(tmp_path / "new") as new:
        assert "Restored" in restore(tmp_path / "backup")
        loader = MigrationLoader(new)
        assert all(("archive", new_name) in loader.applied_migrations for new_name, _ in renamed)
        executor = MigrationExecutor(new)
        assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []


def _index_names(database, cursor):
    constraints = database.introspection.get_constraints(cursor, "archive_article")
    return {name for name, info in constraints.items() if info["index"]}


def test_backing_up_into_a_folder_that_holds_files_is_refused(db, tmp_path):
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "notes.txt").write_text("mine")
    with pytest.raises(CommandError, match="not an empty folder"):
        backup(tmp_path / "backup")


@sqlite_only
def test_sqlite_backs_up_while_an_editor_is_writing_and_holds_only_committed_rows(
    running_archive, tmp_path
):
    """The site's own database file, in WAL mode, with a write transaction left open."""
    backup(tmp_path / "first")
    with empty_database(tmp_path) as site:
        restore(tmp_path / "first")
        committed = Tag.objects.using(RESTORED).count()
        editor = sqlite3.connect(site.settings_dict["NAME"], isolation_level=None)
        try:
            assert editor.execute("PRAGMA journal_mode").fetchone() == ("wal",)
            editor.execute("BEGIN IMMEDIATE")
            editor.execute("INSERT INTO taggit_tag (name, slug) VALUES ('half-saved', 'half')")
            backup(tmp_path / "second", database=RESTORED)
        finally:
            editor.execute("ROLLBACK")
            editor.close()
    manifest = json.loads((tmp_path / "second" / "manifest.json").read_text())
    assert manifest["tables"]["taggit_tag"] == committed


@pytest.mark.postgres
@postgres_only
def test_postgresql_without_pg_dump_says_what_to_install(db, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(CommandError, match="pg_dump was not found.*postgresql-client-"):
        backup(tmp_path / "backup")
    assert not (tmp_path / "backup").exists()
    assert not (tmp_path / "backup.partial").exists()
