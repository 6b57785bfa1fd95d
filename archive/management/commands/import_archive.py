import time

from django.core.management.base import BaseCommand, CommandError

from archive.db_statistics import refresh as refresh_statistics
from archive.importers import ArchiveBusy, ImportFailed, import_paths
from archive.importers.csvfiles import CSV_KINDS
from archive.importers.run import READERS, ImportListener

from ._options import add_wait_argument, user_named
from ._output import summary_lines

PLAIN_PROGRESS_EVERY = 10_000


class Command(BaseCommand):
    help = (
        "Import files into the archive, all or nothing: JSON archives (.json), JSON Lines "
        "(.jsonl), CSV (.csv), text captures (.txt, .md) and WordPress exports (.xml). "
        "The format is detected from the file name."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="Files to import.")
        parser.add_argument("--format", choices=sorted(READERS), help="Override detection.")
        parser.add_argument(
            "--kind",
            choices=CSV_KINDS,
            help="The kind of record in CSV files whose columns do not tell.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Validate everything and show what would change, then write nothing.",
        )
        parser.add_argument(
            "--max-bytes",
            type=int,
            help="Refuse files bigger than this (default: settings.ARCHIVE_IMPORT_MAX_BYTES).",
        )
        parser.add_argument("--user", help="Username to record as the one who ran the import.")
        parser.add_argument(
            "--uploads",
            metavar="DIR",
            help="A copy of the WordPress site's wp-content/uploads folder: attachments become "
            "files of their posts, and the images in posts are kept.",
        )
        add_wait_argument(parser, "another import")

    def handle(self, *args, **options):
        user = user_named(options["user"])
        listener = ProgressListener(self.stdout, self.stderr)
        try:
            counts, run = import_paths(
                options["paths"],
                fmt=options["format"],
                dry_run=options["dry_run"],
                user=user,
                command="import_archive",
                kind=options["kind"],
                max_bytes=options["max_bytes"],
                listener=listener,
                lock_wait=options["wait"],
                uploads=options["uploads"],
            )
        except ImportFailed as failure:
            listener.finish()
            raise CommandError(f"Import failed; nothing was written.\n{failure}") from None
        except ArchiveBusy as busy:
            listener.finish()
            raise CommandError(f"{busy} (--wait SECONDS waits that long for it.)") from None
        listener.finish()
        heading = "Dry run: nothing was written. Would import:" if run is None else "Imported:"
        self.stdout.write(heading)
        for line in summary_lines(counts):
            self.stdout.write(line)
        if run is not None:
            self.stdout.write(f"Recorded as import run {run.pk}.")
            refresh_statistics()  # the query planner's view of how many records link where


class ProgressListener(ImportListener):
    """A progress bar on a terminal; otherwise a plain count now and then."""

    def __init__(self, stdout, stderr):
        self.stdout = stdout
        self.stderr = stderr
        self.terminal = stdout.isatty()
        self.last_draw = 0.0
        self.drawn = False

    def progress(self, source, records):
        if self.terminal:
            now = time.monotonic()
            if now - self.last_draw >= 0.1:
                self.last_draw = now
                self._draw(source, records)
        elif records % PLAIN_PROGRESS_EVERY == 0:
            self.stdout.write(f"  {records:,} records read")

    def _draw(self, source, records):
        width = 30
        filled = round(source.fraction * width)
        bar = "#" * filled + "-" * (width - filled)
        name = source.path.name[-30:]
        self.stdout.write(
            f"\r  {name} [{bar}] {source.fraction:4.0%}  {records:,} records", ending=""
        )
        self.stdout.flush()
        self.drawn = True

    def notice(self, location, message):
        self.finish()
        self.stderr.write(f"Note: {location}: {message}")

    def finish(self):
        if self.drawn:
            self.stdout.write("\r" + " " * 79 + "\r", ending="")
            self.stdout.flush()
            self.drawn = False
