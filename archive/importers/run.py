"""Running an import: detect formats, one transaction, all or nothing, a summary.

Readers yield one stream of typed items (``items.py``); this module hands the records to the
writer a chunk at a time and reports the rest in the order they came.
"""

from contextlib import suppress
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import ImportRun
from ..registry import KINDS
from ..search.index import batched as batched_search_index
from ..search.index import settled_at_end as search_index_settled_at_end
from .csvfiles import read_csv
from .files import discard as discard_files
from .items import Notice, Record, Skipped, Withdrawn
from .jsonarchive import read_json_archive
from .jsonlines import read_json_lines
from .locking import import_transaction
from .problems import (
    MAX_PROBLEMS,
    ImportFailed,
    Location,
    Problem,
    ProblemList,
    TooManyProblems,
)
from .records import RecordWriter
from .sources import Source
from .textfiles import read_text_capture
from .undo import highest_pks
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


CHUNK_SIZE = 500


class ImportListener:
    """What an import tells whoever started it while it runs. The default listens to nothing."""

    def progress(self, source, records):
        """Called after each record; ``source.fraction`` is how much of the file is read."""

    def notice(self, location, message):
        """Something the person importing should know that is not a problem (a skipped post)."""


def _not_a_file(path):
    """Why ``path`` (not a regular file) cannot be imported."""
    if path.is_dir():
        return "is a folder; name the files in it"
    if path.exists():
        return (
            "is not a regular file (a device, pipe or socket, which may never end); "
            "save the data to a file and import that"
        )
    return "no such file"


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
    lock_wait=None,
    uploads=None,
):
    """Import files in one transaction. Returns (counts, import_run or None for a dry run).

    ``kind`` names the kind of record in CSV files whose header does not tell; ``max_bytes``
    overrides ``settings.ARCHIVE_IMPORT_MAX_BYTES`` for this run; ``lock_wait`` how many seconds
    to wait for another import to finish (``settings.ARCHIVE_IMPORT_LOCK_WAIT``); ``uploads``
    the copy of a WordPress site's uploads folder, whose files its posts then carry.

    Raises ImportFailed, listing every problem found (up to a limit), with nothing written, and
    ArchiveBusy if another import still runs after ``lock_wait``.
    """
    listener = listener or ImportListener()
    limit = settings.ARCHIVE_IMPORT_MAX_BYTES if max_bytes is None else max_bytes
    problems = ProblemList()
    if uploads is not None and not Path(uploads).is_dir():
        problems.add(
            Location(str(uploads)),
            "--uploads names no folder; name the copy of the site's wp-content/uploads folder",
        )
    plan = []
    for path in (Path(p) for p in paths):
        if not path.is_file():
            problems.add(Location(str(path)), _not_a_file(path))
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
        plan.append((Source(path, limit), file_format))
    if problems:
        raise ImportFailed(problems.items)

    stored = set()  # files the run adds to storage: removed again unless it commits
    committed = False
    try:
        with import_transaction(wait=lock_wait):
            run = ImportRun.objects.create(
                command=command,
                user=user,
                files="\n".join(source.display for source, _ in plan),
                formats=", ".join(sorted({f for _, f in plan})),
                highest_pks=highest_pks(),  # what it creates lies above: see undo.py
            )
            writer = RecordWriter(
                problems,
                import_run=run,
                earlier_records=lambda: _reread(plan, kind, uploads),
                notice=listener.notice,
            )
            stored = writer.files.stored
            try:
                with search_index_settled_at_end():
                    _read_and_write(plan, writer, problems, listener, kind, uploads)
                writer.finish()
            except TooManyProblems:
                raise ImportFailed(problems.items, truncated=True) from None
            if problems:
                raise ImportFailed(problems.items)
            counts = _ordered(writer.counts)
            run.counts = counts
            run.succeeded = True
            run.finished_at = timezone.now()
            run.save()
            if dry_run:
                transaction.set_rollback(True)
                return counts, None
        committed = True
    finally:
        if stored and not committed:
            discard_files(stored)
    return counts, run


def _read_and_write(plan, writer, problems, listener, kind, uploads=None):
    """Read and write every item, a chunk at a time.

    The stored records a chunk names are looked up together; each chunk's buffered links and
    tags are written, and its records brought up to date in the search index, once at the end
    of the chunk (inside the run's transaction), not at every save, link and tag: few queries,
    and nothing that grows with the file. Problems the readers found are reported in the order
    they were met, as if the records had been written one by one as they were read.
    """
    items = _items(plan, kind, uploads)
    records = 0
    while chunk := list(_take_chunk(items)):
        writer.prefetch([item for _, item in chunk if isinstance(item, Record)])
        # Once the import will fail, reading goes on (to report every problem) but the
        # search index is not worth updating.
        with suppress(_ImportWillFail):
            _write_chunk(chunk, writer, problems, listener, records)
        records += sum(isinstance(item, Record) for _, item in chunk)


class _ImportWillFail(Exception):
    pass


def _write_chunk(chunk, writer, problems, listener, records):
    with batched_search_index():
        for source, item in chunk:
            match item:
                case Record():
                    writer.write(item)
                    records += 1
                    listener.progress(source, records)
                case Problem(location=location, message=message, field=field):
                    problems.add(location, message, field)
                case Notice(location=location, message=message):
                    listener.notice(location, message)
                case Withdrawn():
                    writer.withdraw(item)
                case Skipped(kind=kind, location=location, reason=reason):
                    writer.skip(kind)
                    if reason:
                        listener.notice(location, reason)
        writer.flush()
        if problems:
            raise _ImportWillFail  # leaving the block this way skips its reindexing


def _take_chunk(items):
    """The next items, up to and including the ``CHUNK_SIZE``-th record among them, or the
    problem that reaches the limit (a file of thousands of bad lines stops there, since the
    run does)."""
    records = problems = 0
    for source, item in items:
        yield source, item
        if isinstance(item, Record):
            records += 1
        elif isinstance(item, Problem):
            problems += 1
        if records == CHUNK_SIZE or problems == MAX_PROBLEMS:
            return


def _items(plan, kind, uploads=None):
    """(source, item) for every item the readers yield, in order."""
    for source, file_format in plan:
        for item in READERS[file_format](source, kind=kind, uploads=uploads):
            yield source, item


def _reread(plan, kind, uploads=None):
    """The run's records read again from the start (their problems are already reported)."""
    for _, item in _items(plan, kind, uploads):
        if isinstance(item, Record):
            yield item


def _ordered(counts):
    """Counts per kind: record kinds in link order first, then what was only skipped."""
    order = {name: index for index, name in enumerate(KINDS)}
    names = sorted(counts, key=lambda name: (order.get(name, len(order)), name))
    return {name: dict(counts[name]) for name in names}
