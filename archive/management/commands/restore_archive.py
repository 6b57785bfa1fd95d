from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from archive.backups import BackupError, restore_backup

from .backup_archive import _connection


class Command(BaseCommand):
    help = (
        "Restore a backup made by backup_archive: checks the manifest and every file's SHA-256 "
        "first, refuses a damaged or incomplete backup, and refuses to overwrite a database "
        "that holds data unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="The backup's folder.")
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="The database alias to restore into."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database that holds data (everything in it is lost).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the backup and the target database, then restore nothing.",
        )

    def handle(self, *args, **options):
        connection = _connection(options["database"])
        # No transaction.atomic here: the restore is one transaction of the database's own
        # (SQLite's backup API; psql --single-transaction), then migrate runs its own.
        try:
            result = restore_backup(
                options["directory"],
                connection,
                force=options["force"],
                dry_run=options["dry_run"],
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        manifest = result.manifest
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"Checked {result.files} files against the manifest of the backup made "
            f"{manifest['created_at']}."
        )
        if options["dry_run"]:
            self.stdout.write("Dry run: the backup can be restored; nothing was changed.")
            return
        self.stdout.write(
            f"Restored {len(manifest['tables'])} tables ({rows:,} rows) and "
            f"{result.media} media files."
        )
        if result.migrated:
            self.stdout.write(f"Applied {len(result.migrated)} newer migrations.")
