"""Running an import: detect formats, one transaction, all or nothing, a summary."""

from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import ImportRun
from ..search.index import batched as batched_search_index
from .csvfiles import read_csv
from .jsonarchive import read_json_archive
from .jsonlines import read_json_lines
from .problems import ImportFailed, Location, ProblemList, TooManyProblems
from .records import KIND_ORDER, Notice, RecordWriter, Skipped
from .sources import Source
from .textfiles import read_text_capture
from .wxr import read_wxr

READERS = {
    "json": read_json_archive,
    "jsonl": read_json_lines,
    "csv": read_csv,
    "text": read_text_capture,
    "wxr": read_wxr,
}
EXTENSIONS = {
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".txt": "text",
    ".md": "text",
    ".markdown": "text",
    ".xml": "wxr",
}


class DryRunRollback(Exception):
    pass


class ImportListener:
    """What an import tells whoever started it while it runs. The default listens to nothing."""

    def progress(self, source, records):
        """Called after each record; ``source.fraction`` is how much of the file is read."""

    def notice(self, location, message):
        """Something the person importing should know that is not a problem (a skipped post)."""


def detect_format(path):
    return EXTENSIONS.get(path.suffix.lower())


def import_paths(
    paths,
    *,
    fmt=None,
    dry_run=False,
    user=None,
    command="import_archive",
    kind=None,
    max_bytes=None,
    listener=None,
):
    """Import files in one transaction. Returns (counts, import_run or None for a dry run).

    ``kind`` names the kind of record in CSV files whose header does not tell; ``max_bytes``
    overrides ``settings.ARCHIVE_IMPORT_MAX_BYTES`` for this run.

    Raises ImportFailed, listing every problem found (up to a limit), with nothing written.
    """
    listener = listener or ImportListener()
    limit = settings.ARCHIVE_IMPORT_MAX_BYTES if max_bytes is None else max_bytes
    problems = ProblemList()
    plan = []
    for path in (Path(p) for p in paths):
        if not path.is_file():
            message = "is a folder; name the files in it" if path.is_dir() else "no such file"
            problems.add(Location(str(path)), message)
            continue
        size = path.stat().st_size
        if size > limit:
            problems.add(
                Location(str(path)),
                f"the file is {size:,} bytes, over the import limit of {limit:,} bytes "
                "(ARCHIVE_IMPORT_MAX_BYTES, or --max-bytes for one run)",
            )
            continue
        file_format = fmt or detect_format(path)
        if file_format not in READERS:
            problems.add(
                Location(str(path)),
                f"cannot tell the format from “{path.suffix}”; use --format with one of "
                f"{', '.join(READERS)}",
            )
            continue
        plan.append((Source(path), file_format))
    if problems:
        raise ImportFailed(problems.items)

    counts = None
    run = None
    try:
        with transaction.atomic():
            run = ImportRun.objects.create(
                command=command,
                user=user,
                files="\n".join(source.display for source, _ in plan),
                formats=", ".join(sorted({f for _, f in plan})),
            )
            writer = RecordWriter(problems, import_run=run)
            try:
                # The search index is brought up to date once per record, at the end of the
                # run (inside the transaction), not at every save, link and tag of the record.
                with batched_search_index():
                    _read_and_write(plan, writer, problems, listener, kind)
                    if problems:
                        raise ImportFailed(problems.items)
            except TooManyProblems:
                raise ImportFailed(problems.items, truncated=True) from None
            counts = _ordered(writer.counts)
            run.counts = counts
            run.succeeded = True
            run.finished_at = timezone.now()
            run.save()
            if dry_run:
                raise DryRunRollback
    except DryRunRollback:
        return counts, None
    return counts, run


def _read_and_write(plan, writer, problems, listener, kind):
    records = 0
    for source, file_format in plan:
        for item in READERS[file_format](source, problems, kind=kind):
            if isinstance(item, Notice):
                listener.notice(item.location, item.message)
            elif isinstance(item, Skipped):
                writer.skip(item.kind)
                if item.reason:
                    listener.notice(item.location, item.reason)
            else:
                writer.write(*item)
                records += 1
                listener.progress(source, records)


def _ordered(counts):
    """Counts per kind: record kinds in link order first, then what was only skipped."""
    order = {name: index for index, name in enumerate(KIND_ORDER)}
    names = sorted(counts, key=lambda name: (order.get(name, len(order)), name))
    return {name: dict(counts[name]) for name in names}
