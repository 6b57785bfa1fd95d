"""Backups of the whole site that restore exactly: the database as it is, media, a manifest.

A backup is a folder:

- ``database.sqlite3`` (SQLite's online backup API, from the site's own connection: a
  consistent copy while editors write) or ``database.dump`` (``pg_dump --format=custom``, in
  the snapshot the row counts were read in);
- ``media/`` (the files under ``MEDIA_ROOT``, when there are any);
- ``manifest.json``: format version, time, database vendor, the applied
  migrations, the rows of every table, and each file's name, size and SHA-256.

Restoring checks the manifest and every file's hash before touching anything, refuses a
backup of the other vendor or from a newer version of the code, and refuses to overwrite a
database that holds data unless forced. Everything is copied as it is, the search index
included (its tables are part of the database); ``migrate`` runs afterwards when the backup
is older than the code.
"""

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess  # noqa: S404 (pg_dump, pg_restore and psql, with argument lists)
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

FORMAT_NAME = "archive-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA_FOLDER = "media"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
HASH_CHUNK = 1024 * 1024

# Drops the tables, views, sequences and functions of the database's schema, except those of
# extensions: what a restore replaces.
DROP_EVERYTHING = """
DO $$
DECLARE item record;
BEGIN
    FOR item IN
        SELECT CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                   WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END AS kind,
               format('%I', c.relname) AS name
        FROM pg_class c
        WHERE c.relnamespace = current_schema()::text::regnamespace
          AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                          AND d.objid = c.oid AND d.deptype IN ('e', 'a', 'i'))
    LOOP
        EXECUTE format('DROP %s IF EXISTS %s CASCADE', item.kind, item.name);
    END LOOP;
    FOR item IN
        SELECT p.oid::regprocedure::text AS name FROM pg_proc p
        WHERE p.pronamespace = current_schema()::text::regnamespace
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                          AND d.objid = p.oid AND d.deptype = 'e')
    LOOP
        EXECUTE format('DROP ROUTINE IF EXISTS %s CASCADE', item.name);
    END LOOP;
END $$;
"""

# Rows that `migrate` itself writes: a freshly migrated database holding only these is empty.
MIGRATION_MADE = (ContentType, Permission, Group, Group.permissions.through)


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass
class Restored:
    manifest: dict
    files: int
    migrated: list = field(default_factory=list)
    media: int = 0


# Backing up


def create_backup(directory, connection):
    """Back up the database behind ``connection`` (and media) into the new folder
    ``directory``; returns the manifest."""
    directory = Path(directory)
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise BackupError(f"{directory} exists and is not an empty folder; name a new folder.")
    vendor = _vendor(connection)
    # Written beside the folder and renamed when complete: a backup that fails halfway
    # leaves nothing that looks like a backup.
    work = directory.with_name(directory.name + ".partial")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        manifest = _write_backup(work, connection, vendor)
        work.replace(directory)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return manifest


def _write_backup(folder, connection, vendor):
    database_file = folder / DATABASE_FILES[vendor]
    if vendor == "sqlite":
        tables, migrations = _backup_sqlite(connection, database_file)
    else:
        tables, migrations = _backup_postgresql(connection, database_file)
    media = _copy_tree(_media_root(), folder / MEDIA_FOLDER)
    manifest = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "vendor": vendor,
        "migrations": [f"{app}.{name}" for app, name in migrations],
        "tables": tables,
        "files": [_describe(folder, path) for path in [database_file, *media]],
    }
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    (folder / MANIFEST).write_text(text, "utf-8")
    return manifest


def _backup_sqlite(connection, target):
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        # One step (pages=-1): the whole copy is made under one read lock, so it is one
        # consistent state of the database; in WAL mode writers carry on meanwhile.
        connection.connection.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        names = [
            row[0]
            for row in copy.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        count = 'SELECT count(*) FROM "{}"'
        tables = {name: copy.execute(count.format(name)).fetchone()[0] for name in names}
        migrations = copy.execute("SELECT app, name FROM django_migrations ORDER BY id").fetchall()
    except sqlite3.Error as error:
        raise BackupError(f"SQLite could not copy the database: {error}.") from None
    finally:
        copy.close()
    return tables, migrations


def _backup_postgresql(connection, target):
    pg_dump = _postgresql_tool("pg_dump", connection)
    if connection.in_atomic_block:
        raise BackupError("A backup needs its own transaction; run it outside any other.")
    # pg_dump reads the snapshot this transaction exported, so the counts and migrations in
    # the manifest describe exactly the rows the dump holds.
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        tables = _row_counts(connection, cursor)
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
        migrations = cursor.fetchall()
        flags, database, env = _postgresql_arguments(connection)
        _run(
            [
                pg_dump,
                *flags,
                "--format=custom",
                f"--snapshot={snapshot}",
                f"--file={target}",
                database,
            ],
            env,
        )
    return tables, migrations


# Checking


def verify_backup(directory):
    """The backup's manifest, once the manifest and every file it lists are checked."""
    directory = Path(directory)
    if not directory.is_dir():
        raise BackupError(f"{directory} is not a folder; name the folder backup_archive wrote.")
    manifest_path = directory / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(
            f"{directory} has no {MANIFEST}: the backup is incomplete (interrupted?) or not a "
            "backup. Restore from a complete one."
        )
    try:
        manifest = json.loads(manifest_path.read_text("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BackupError(
            f"{MANIFEST} is damaged (not valid JSON); the backup cannot be checked."
        ) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise BackupError(f"{MANIFEST} is not the manifest of an Archive backup.")
    if manifest.get("version") != FORMAT_VERSION:
        raise BackupError(
            f"The backup's format version is {manifest.get('version')!r}; this version of "
            f"Archive restores version {FORMAT_VERSION}."
        )
    files = manifest.get("files")
    vendor = manifest.get("vendor")
    if (
        vendor not in DATABASE_FILES
        or not isinstance(files, list)
        or not all(_is_file_entry(entry) for entry in files)
        or not isinstance(manifest.get("migrations"), list)
        or not isinstance(manifest.get("tables"), dict)
    ):
        raise BackupError(
            f"{MANIFEST} is damaged: its vendor, migrations, tables or files are missing."
        )
    if DATABASE_FILES[vendor] not in {entry["name"] for entry in files}:
        raise BackupError(f"{MANIFEST} lists no database file; the backup is incomplete.")
    problems = [problem for entry in files if (problem := _check_file(directory, entry))]
    if problems:
        raise BackupError(
            "The backup is damaged or incomplete; nothing was restored:\n"
            + "\n".join(f"  {problem}" for problem in problems)
        )
    return manifest


def _is_file_entry(entry):
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("name"), str)
        and isinstance(entry.get("size"), int)
        and isinstance(entry.get("sha256"), str)
        and not PurePosixPath(entry["name"]).is_absolute()
        and ".." not in PurePosixPath(entry["name"]).parts
    )


def _check_file(directory, entry):
    path = directory / entry["name"]
    if not path.is_file():
        return f"{entry['name']}: missing"
    size = path.stat().st_size
    if size != entry["size"]:
        return (
            f"{entry['name']}: {size:,} bytes where the manifest says {entry['size']:,} "
            "(truncated or replaced)"
        )
    if _sha256(path) != entry["sha256"]:
        return f"{entry['name']}: does not match its SHA-256 in the manifest (damaged)"
    return None


# Restoring


def restore_backup(directory, connection, *, force=False, dry_run=False):
    """Check the backup in ``directory``, then replace the database behind ``connection`` (and
    media files) with it. Nothing is touched unless every check passes."""
    directory = Path(directory)
    manifest = verify_backup(directory)
    vendor = _vendor(connection)
    if manifest["vendor"] != vendor:
        raise BackupError(
            f"This is a backup of a {VENDOR_NAMES[manifest['vendor']]} database and the target is "
            f"{VENDOR_NAMES[vendor]}; restore it into {VENDOR_NAMES[manifest['vendor']]}, or move "
            "the records with export_archive and import_archive."
        )
    known = set()
    for (app, name), migration in MigrationLoader(None).disk_migrations.items():
        # A renumbered migration also knows the name a backup made before may record.
        known.update(f"{label}.{old}" for label, old in [(app, name), *migration.replaces])
    unknown = [name for name in manifest["migrations"] if name not in known]
    if unknown:
        raise BackupError(
            f"The backup was made by a newer version of Archive (migrations unknown here: "
            f"{', '.join(unknown[:5])}); install that version, then restore."
        )
    media = [
        entry["name"] for entry in manifest["files"] if entry["name"].startswith(MEDIA_FOLDER + "/")
    ]
    if media and not _media_root():
        raise BackupError(
            "The backup holds media files but MEDIA_ROOT is not set; set it, then restore."
        )
    holding = _table_with_data(connection)
    if holding and not force:
        raise BackupError(
            f"The target database is not empty (table {holding} has rows). Restoring replaces "
            "everything in it: back it up first, then run again with --force."
        )
    result = Restored(manifest=manifest, files=len(manifest["files"]), media=len(media))
    if dry_run:
        return result
    database_file = directory / DATABASE_FILES[vendor]
    if vendor == "sqlite":
        _restore_sqlite(connection, database_file)
    else:
        _restore_postgresql(connection, database_file)
    _check_row_counts(connection, manifest["tables"])
    _copy_tree(directory / MEDIA_FOLDER, _media_root())
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        call_command("migrate", database=connection.alias, interactive=False, verbosity=0)
        result.migrated = [f"{m.app_label}.{m.name}" for m, _ in plan]
    return result


def _restore_sqlite(connection, database_file):
    connection.ensure_connection()
    backup = sqlite3.connect(database_file.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        # The backup API writes the whole copy into the live database in one transaction:
        # readers see the old archive or the restored one, never a mixture.
        backup.backup(connection.connection)
    except sqlite3.Error as error:
        raise BackupError(f"SQLite could not restore the database: {error}.") from None
    finally:
        backup.close()


def _restore_postgresql(connection, dump):
    pg_restore = _postgresql_tool("pg_restore", connection)
    psql = _postgresql_tool("psql", connection)
    flags, database, env = _postgresql_arguments(connection)
    # pg_restore turns the dump into SQL, which psql runs in one transaction after dropping
    # what the database holds now (also what the backup does not have, such as a newer
    # migration's tables and functions): all or nothing.
    with tempfile.TemporaryFile() as errors:
        reader = subprocess.Popen(  # noqa: S603
            [
                pg_restore,
                "--no-owner",
                "--no-privileges",
                "--clean",
                "--if-exists",
                "--file=-",
                str(dump),
            ],
            stdout=subprocess.PIPE,
            stderr=errors,
            env=env,
        )
        writer = subprocess.Popen(  # noqa: S603
            [
                psql,
                *flags,
                "--no-psqlrc",
                "--quiet",
                "--single-transaction",
                "--set=ON_ERROR_STOP=1",
                "--file=-",
                database,
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            env=env,
        )
        try:
            writer.stdin.write(DROP_EVERYTHING.encode())
            shutil.copyfileobj(reader.stdout, writer.stdin, HASH_CHUNK)
        except BrokenPipeError:
            pass  # psql stopped at an error: reported below
        finally:
            writer.stdin.close()
            reader.stdout.close()
        failed = reader.wait() != 0 or writer.wait() != 0
        if failed:
            errors.seek(0)
            message = errors.read().decode(errors="replace").strip()[-2000:]
            raise BackupError(
                f"PostgreSQL could not restore the backup; nothing was changed:\n{message}"
            )


def _check_row_counts(connection, expected):
    with connection.cursor() as cursor:
        restored = _row_counts(connection, cursor)
    differing = [name for name, rows in expected.items() if restored.get(name) != rows]
    if differing:
        raise BackupError(
            f"The restored database does not hold what the backup recorded (table {differing[0]}: "
            f"{restored.get(differing[0])} rows, the backup had {expected[differing[0]]}). Do "
            "not use it: restore again, or from another backup."
        )


# Shared


def _vendor(connection):
    if connection.vendor not in DATABASE_FILES:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.")
    return connection.vendor


def _row_counts(connection, cursor):
    counts = {}
    for name in sorted(connection.introspection.table_names(cursor)):
        cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(name)}")  # noqa: S608
        counts[name] = cursor.fetchone()[0]
    return counts


def _table_with_data(connection):
    """The first table that holds data (a row `migrate` did not write), or None."""
    skip = {model._meta.db_table for model in MIGRATION_MADE}
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            if table in skip or table not in existing:
                continue
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608
            if cursor.fetchone():
                return table
    return None


def _media_root():
    root = getattr(settings, "MEDIA_ROOT", "")
    return Path(root) if root else None


def _copy_tree(source, target):
    """Copy the files under ``source`` (if it is a folder) to ``target``; returns the copies."""
    if source is None or target is None or not Path(source).is_dir():
        return []
    copies = []
    for path in sorted(Path(source).rglob("*")):
        if path.is_file():
            destination = Path(target) / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, destination)
            copies.append(destination)
    return copies


def _describe(directory, path):
    return {
        "name": path.relative_to(directory).as_posix(),
        "size": path.stat().st_size,
        "sha256": _sha256(path),
    }


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _postgresql_arguments(connection):
    """Connection flags, database name and environment for the PostgreSQL client tools."""
    args, env = connection.client.settings_to_cmd_args_env(connection.settings_dict, [])
    return args[1:-1], args[-1], {**os.environ, **(env or {})}


def _postgresql_tool(name, connection):
    """The path of a PostgreSQL client tool at least as new as the server."""
    server = connection.pg_version // 10000
    install = (
        f"install the PostgreSQL {server} client tools "
        f"(Debian: apt-get install postgresql-client-{server})"
    )
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} was not found on PATH: {install}.")
    output = subprocess.run([path, "--version"], capture_output=True, text=True, check=False).stdout  # noqa: S603
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    if match is None or int(match.group(1)) < server:
        raise BackupError(
            f"{name} is {output.strip() or 'of an unknown version'}, older than the server "
            f"({server}): {install}."
        )
    return path


def _run(command, env):
    finished = subprocess.run(command, capture_output=True, env=env, check=False)  # noqa: S603
    if finished.returncode != 0:
        message = finished.stderr.decode(errors="replace").strip()[-2000:]
        raise BackupError(f"{Path(command[0]).name} failed: {message}")
