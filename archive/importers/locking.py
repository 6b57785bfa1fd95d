"""One import at a time, and a way for the site to tell that one holds SQLite's write lock.

SQLite: an import's transaction holds the database's only write lock from start to end, so the
import lock is a file beside the database (``db.sqlite3-import.lock``), locked with ``flock``
before the transaction begins. The operating system lets go of it when the import ends or its
process dies, and the site checks it (without touching the database) to answer an editor's save
with the busy page at once instead of after the 20-second busy timeout.

PostgreSQL: editors keep writing during an import (row locks only), so the import lock is a
transaction-level advisory lock, taken as the import's transaction begins and released by its
commit or rollback.

A second import waits up to ``ARCHIVE_IMPORT_LOCK_WAIT`` seconds for the lock, then is refused
with ``ArchiveBusy``, nothing written.
"""

import fcntl
import hashlib
import os
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections, transaction
from django.utils import timezone

# pg_advisory_xact_lock's key: the first 8 bytes of sha256("archive import"), as a bigint.
ADVISORY_LOCK_KEY = int.from_bytes(hashlib.sha256(b"archive import").digest()[:8], signed=True)
POLL_SECONDS = 0.2
POSTGRESQL_LOCK_NOT_AVAILABLE = "55P03"


class ArchiveBusy(Exception):
    """Another import holds the archive; this one wrote nothing."""

    def __init__(self, holder=""):
        self.holder = holder
        super().__init__(str(self))

    def __str__(self):
        running = "another import is running" + (f" ({self.holder})" if self.holder else "")
        return (
            f"The archive is busy importing: {running}. Nothing was written; try again in a "
            "minute, when it has finished."
        )


@contextmanager
def import_transaction(wait=None, using=DEFAULT_DB_ALIAS):
    """``transaction.atomic()`` holding the import lock; raises ArchiveBusy if another import
    still holds it after ``wait`` seconds (default ``settings.ARCHIVE_IMPORT_LOCK_WAIT``)."""
    wait = settings.ARCHIVE_IMPORT_LOCK_WAIT if wait is None else wait
    connection = connections[using]
    if connection.vendor == "sqlite":
        with _locked_file(lock_file_path(connection), wait):
            connection.holds_import_lock = True
            try:
                with transaction.atomic(using=using):
                    yield
            except OperationalError as error:
                # Something other than an import (a restore, a long script) held the write lock
                # past the busy timeout as the transaction began.
                if is_lock_error(error):
                    raise ArchiveBusy("or another long write") from None
                raise
            finally:
                connection.holds_import_lock = False
    elif connection.vendor == "postgresql":
        with transaction.atomic(using=using):
            _advisory_lock(connection, wait)
            yield
    else:
        with transaction.atomic(using=using):
            yield


def is_lock_error(error):
    """Whether a database error means "someone else holds the lock", not a fault."""
    if not isinstance(error, OperationalError):
        return False
    if "database is locked" in str(error):  # SQLite's busy timeout ran out
        return True
    return getattr(error.__cause__, "sqlstate", None) == POSTGRESQL_LOCK_NOT_AVAILABLE


def import_holds_write_lock(connection=None):
    """Whether an import now holds the database's write lock (SQLite only: on PostgreSQL an
    import blocks no one). Reads no table."""
    connection = connection or connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "sqlite":
        return False
    try:
        descriptor = os.open(lock_file_path(connection), os.O_RDONLY)
    except OSError:
        return False  # no import has run here yet
    try:
        fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(descriptor)  # and with it the shared lock, if taken
    return False


def lock_file_path(connection):
    """The import lock's file: beside the database, or in the temporary folder for an
    in-memory database (the test suite's), which only its own process can reach."""
    name = str(connection.settings_dict["NAME"])
    if connection.is_in_memory_db():
        digest = hashlib.sha256(f"{os.getpid()} {name}".encode()).hexdigest()[:16]
        return Path(tempfile.gettempdir()) / f"archive-import-{digest}.lock"
    return Path(f"{name}-import.lock")


@contextmanager
def _locked_file(path, wait):
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o660)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise ArchiveBusy(_holder(descriptor)) from None
                time.sleep(POLL_SECONDS)
        os.ftruncate(descriptor, 0)
        started = timezone.now().strftime("%Y-%m-%d %H:%M:%S %Z")
        os.pwrite(descriptor, f"process {os.getpid()}, started {started}".encode(), 0)
        yield
    finally:
        os.close(descriptor)  # releases the lock; the file stays for the next import


def _holder(descriptor):
    """Who holds the lock, as the holder wrote it."""
    return os.pread(descriptor, 200, 0).decode(errors="replace").strip()


def _advisory_lock(connection, wait):
    with connection.cursor() as cursor:
        if wait <= 0:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])
            if not cursor.fetchone()[0]:
                raise ArchiveBusy()
            return
        cursor.execute("SELECT current_setting('lock_timeout')")
        (previous,) = cursor.fetchone()
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{int(wait * 1000)}ms"])
        try:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])
        except OperationalError as error:
            if is_lock_error(error):
                raise ArchiveBusy() from None
            raise
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])
