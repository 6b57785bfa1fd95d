from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from archive.exporters import EXPORT_FORMATS, FileWriter, export_archive
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
        parser.add_argument(
            "--with-files",
            metavar="DIR",
            help="Also write every record's files into DIR (a folder beside the output file, "
            "inside its folder) and list them under each record's “files”.",
        )

    def handle(self, *args, **options):
        output = options["output"]
        files = self._file_writer(output, options["with_files"])
        # One read transaction: a consistent snapshot even while editors save or an import
        # runs, and no write lock (an export makes no one wait).
        with read_snapshot():
            if not output:
                counts = export_archive(_Unterminated(self.stdout), options["format"], files)
                summary_to = self.stderr
            else:
                path = Path(output)
                temporary = path.with_name(path.name + ".partial")
                try:
                    with temporary.open("w", encoding="utf-8", newline="\n") as out:
                        counts = export_archive(out, options["format"], files)
                    temporary.replace(path)
                except OSError as error:
                    temporary.unlink(missing_ok=True)
                    raise CommandError(f"Cannot write {output}: {error.strerror}.") from None
                summary_to = self.stdout
        figures = ", ".join(f"{number} {kind}" for kind, number in counts.items())
        summary_to.write(f"Exported {figures}" + (f" to {output}." if output else "."))
        if files is not None:
            summary_to.write(f"The files are in {files.folder}.")

    def _file_writer(self, output, folder):
        if folder is None:
            return None
        if not output:
            raise CommandError(
                "--with-files needs -o FILE: the export names its files relative to the "
                "export file's folder."
            )
        base = Path(output).absolute().parent
        target = Path(folder).absolute()
        if target == base or not target.is_relative_to(base):
            raise CommandError(
                f"--with-files {folder}: name a folder inside {base} (the export file's "
                "folder), such as files/, so the export and its files move together."
            )
        if target.exists() and not target.is_dir():
            raise CommandError(f"--with-files {folder} is a file; name a folder.")
        return FileWriter(target, base)


class _Unterminated:
    """The command's stdout without the newline Django adds to every write."""

    def __init__(self, wrapper):
        self.wrapper = wrapper

    def write(self, text):
        self.wrapper.write(text, ending="")
