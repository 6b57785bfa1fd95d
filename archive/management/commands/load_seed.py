from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from archive.importers import ArchiveBusy, ImportFailed, import_paths

from ._output import summary_lines

SEED_ARCHIVE = Path(__file__).resolve().parents[2] / "seed" / "archive.json"


class Command(BaseCommand):
    help = "Load the seed archive (the first article and its records). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Show what would change.")

    def handle(self, *args, **options):
        try:
            counts, run = import_paths(
                [SEED_ARCHIVE], dry_run=options["dry_run"], command="load_seed"
            )
        except ImportFailed as failure:
            raise CommandError(
                f"The seed archive did not load; nothing was written.\n{failure}"
            ) from None
        except ArchiveBusy as busy:
            raise CommandError(str(busy)) from None
        self.stdout.write("Seed archive:" if run else "Dry run: nothing was written. Seed:")
        for line in summary_lines(counts):
            self.stdout.write(line)
