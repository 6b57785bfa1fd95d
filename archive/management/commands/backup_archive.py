from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from archive.backups import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Back up the whole site into a new folder while it runs: a consistent copy of the "
        "database (SQLite's online backup API, or pg_dump), the media files, and a manifest "
        "with each file's SHA-256. restore_archive puts it back."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="A new (or empty) folder to write the backup to.")
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="The database alias to back up."
        )

    def handle(self, *args, **options):
        connection = _connection(options["database"])
        # No transaction.atomic here: each database's own tool takes its consistent snapshot
        # (the SQLite backup API in one step, pg_dump in an exported snapshot).
        try:
            manifest = create_backup(options["directory"], connection)
        except BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(manifest["tables"].values())
        size = sum(entry["size"] for entry in manifest["files"])
        self.stdout.write(
            f"Backed up {len(manifest['tables'])} tables ({rows:,} rows) and "
            f"{len(manifest['files'])} files ({size:,} bytes) to {options['directory']}."
        )


def _connection(alias):
    if alias not in connections.settings:
        raise CommandError(f"No database “{alias}” in settings.DATABASES; check --database.")
    return connections[alias]
