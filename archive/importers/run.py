"""Running an import: detect formats, one transaction, all or nothing, a summary."""

from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import ImportRun
from .jsonarchive import read_json_archive
from .problems import ImportFailed, Location, ProblemList, TooManyProblems
from .records import RecordWriter

READERS = {"json": read_json_archive}


class DryRunRollback(Exception):
    pass


def detect_format(path):
    suffix = path.suffix.lower()
    if suffix == ".json":
        return "json"
    return None


def import_paths(paths, *, fmt=None, dry_run=False, user=None, command="import_archive"):
    """Import files in one transaction. Returns (counts, import_run or None for a dry run).

    Raises ImportFailed, listing every problem found (up to a limit), with nothing written.
    """
    paths = [Path(p) for p in paths]
    problems = ProblemList()
    plan = []
    for path in paths:
        if not path.is_file():
            problems.add(Location(str(path)), "no such file")
            continue
        size = path.stat().st_size
        if size > settings.ARCHIVE_IMPORT_MAX_BYTES:
            problems.add(
                Location(str(path)),
                f"file is {size:,} bytes, over the limit of "
                f"{settings.ARCHIVE_IMPORT_MAX_BYTES:,} (ARCHIVE_IMPORT_MAX_BYTES)",
            )
            continue
        file_format = fmt or detect_format(path)
        if file_format not in READERS:
            problems.add(
                Location(str(path)),
                f"cannot tell the format; use --format with one of {', '.join(READERS)}",
            )
            continue
        plan.append((path, file_format))
    if problems:
        raise ImportFailed(problems.items)

    counts = None
    run = None
    try:
        with transaction.atomic():
            run = ImportRun.objects.create(
                command=command,
                user=user,
                files="\n".join(str(path) for path, _ in plan),
                formats=", ".join(sorted({f for _, f in plan})),
            )
            writer = RecordWriter(problems, import_run=run)
            try:
                for path, file_format in plan:
                    for kind, data, location in READERS[file_format](path, problems):
                        writer.write(kind, data, location)
            except TooManyProblems:
                raise ImportFailed(problems.items, truncated=True) from None
            if problems:
                raise ImportFailed(problems.items)
            counts = {kind: dict(counter) for kind, counter in writer.counts.items()}
            run.counts = counts
            run.succeeded = True
            run.finished_at = timezone.now()
            run.save()
            if dry_run:
                raise DryRunRollback
    except DryRunRollback:
        return counts, None
    return counts, run
