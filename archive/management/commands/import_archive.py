from django.core.management.base import BaseCommand, CommandError

from archive.importers import ImportFailed, import_paths
from archive.importers.run import READERS

from ._output import summary_lines


class Command(BaseCommand):
    help = "Import files into the archive, all or nothing. Formats are detected from the file."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="Files to import.")
        parser.add_argument("--format", choices=sorted(READERS), help="Override detection.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Validate everything and show what would change, then write nothing.",
        )

    def handle(self, *args, **options):
        try:
            counts, run = import_paths(
                options["paths"],
                fmt=options["format"],
                dry_run=options["dry_run"],
                command="import_archive",
            )
        except ImportFailed as failure:
            raise CommandError(f"Import failed; nothing was written.\n{failure}") from None
        heading = "Dry run: nothing was written. Would import:" if run is None else "Imported:"
        self.stdout.write(heading)
        for line in summary_lines(counts):
            self.stdout.write(line)
