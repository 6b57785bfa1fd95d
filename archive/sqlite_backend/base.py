"""Django's SQLite backend, except that a transaction about to begin while an import holds the
write lock fails at once with "database is locked" (which the site answers with its busy page)
instead of waiting out the busy timeout, up to 20 seconds, for the same answer."""

from django.db import OperationalError
from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    holds_import_lock = False  # set on the importing connection itself

    def _start_transaction_under_autocommit(self):
        from archive.importers.locking import import_holds_write_lock  # needs the apps loaded

        if not self.holds_import_lock and import_holds_write_lock(self):
            raise OperationalError("database is locked: an import is running")
        super()._start_transaction_under_autocommit()
