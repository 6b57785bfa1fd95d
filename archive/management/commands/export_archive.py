from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from archive.exporters import EXPORT_FORMATS, export_archive
from archive.importers.snapshot import read_snapshot


class Command(BaseCommand):
    help = (
        "Write the whole archive, drafts included, in the JSON archive format (or JSON Lines). "
        "The output is deterministic, so an export imported into an empty database exports "
        "to the same bytes."
    )

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", help="File to write (default: standard output).")
        parser.add_argument("--format", choices=EXPORT_FORMATS, default="json")

    def handle(self, *args, **options):
        output = options["output"]
        # One read transaction: a consistent snapshot even while editors save or an import
        # runs, and no write lock (an export makes no one wait).
        with read_snapshot():
            if not output:
                counts = export_archive(_Unterminated(self.stdout), options["format"])
                summary_to = self.stderr
            else:
                path = Path(output)
                temporary = path.with_name(path.name + ".partial")
                try:
                    with temporary.open("w", encoding="utf-8", newline="\n") as out:
                        counts = export_archive(out, options["format"])
                    temporary.replace(path)
                except OSError as error:
                    temporary.unlink(missing_ok=True)
                    raise CommandError(f"Cannot write {output}: {error.strerror}.") from None
                summary_to = self.stdout
        figures = ", ".join(f"{number} {kind}" for kind, number in counts.items())
        summary_to.write(f"Exported {figures}" + (f" to {output}." if output else "."))


class _Unterminated:
    """The command's stdout without the newline Django adds to every write."""

    def __init__(self, wrapper):
        self.wrapper = wrapper

    def write(self, text):
        self.wrapper.write(text, ending="")
