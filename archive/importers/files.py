"""Files that imported records carry: ``"files": [{"file": "letter.pdf", "title": …}]``.

Any record of the JSON archive or JSON Lines may list files, each named relative to the
import's folder (never outside it: the rule of ``capture_file``, ``captures.file_in_folder``).
Readers check the list and the paths (``read_files``): a missing or refused file is a problem
at the record's file and line or record, and the import writes nothing. The writer attaches the
files once the record is stored (``FileAttacher``), through ``archive.documents`` (the one add
path: type, size and content checks, hashing, storage, text). A record that already has the
very file (the same SHA-256) keeps its one document, so importing twice changes nothing.

Files stored by an import that then fails or is a dry run are removed again (``discard``),
unless a document still uses them: the database rolls back, and storage follows it.
"""

import os
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

from ..documents import FileRefused, prepare, store
from ..models import Document, Status
from .captures import CaptureError, file_in_folder
from .items import Problem

FILES = "files"
FILE_KIND = "file"
# The keys of a file entry, in the order exports write them.
FILE_KEYS = ("file", "title", "description", "date", "source", "language", "status")
METADATA = FILE_KEYS[1:]


@dataclass(frozen=True)
class IncomingFile:
    path: Path  # the file itself, inside the import's folder
    name: str  # its name, which its type must agree with
    meta: dict  # the metadata the entry gives (only what it gives)
    # A file the source may hold by chance (a WordPress upload): refused, it is left out with
    # a note instead of failing the import.
    optional: bool = False


def read_files(data, folder, location):
    """The record's data with its ``files`` entries checked and their paths resolved (each an
    :class:`IncomingFile`), and the problems found."""
    if not isinstance(data, dict) or FILES not in data:
        return data, []
    data = dict(data)
    entries = data.pop(FILES)
    if entries is None:
        return data, []
    if not isinstance(entries, list):
        return data, [Problem(location, "expected a list of files", FILES)]
    problems, incoming = [], []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            problems.append(Problem(location, f"file {number}: expected an object", FILES))
            continue
        found = _entry_problems(entry, number)
        if not found:
            try:
                path = file_in_folder(folder, entry["file"], "file")
            except CaptureError as error:
                found = [f"file {number}: {error}"]
        if found:
            problems.extend(Problem(location, message, FILES) for message in found)
            continue
        meta = {key: entry[key] or "" for key in METADATA if key in entry}
        incoming.append(IncomingFile(path, os.path.basename(entry["file"]), meta))
    data[FILES] = incoming
    return data, problems


def _entry_problems(entry, number):
    problems = []
    unknown = [key for key in entry if key not in FILE_KEYS]
    if unknown:
        problems.append(
            f"file {number}: unknown key “{unknown[0]}”; a file has {', '.join(FILE_KEYS)}"
        )
    if not isinstance(entry.get("file"), str) or not entry["file"].strip():
        problems.append(f"file {number}: “file” names the file, relative to the import's folder")
    for key in METADATA:
        value = entry.get(key)
        if value is not None and not isinstance(value, str):
            problems.append(f"file {number}: “{key}” should be text")
        elif isinstance(value, str) and "\x00" in value:
            problems.append(f"file {number}: “{key}” contains a NUL character (\\u0000)")
    status = entry.get("status")
    if isinstance(status, str) and status and status not in Status.values:
        problems.append(
            f"file {number}: status “{status}” is not one of {', '.join(Status.values)}"
        )
    return problems


class FileAttacher:
    """Attaches the files of stored records, a chunk at a time, counting what it did."""

    def __init__(self, problems, counts, import_run=None, notice=None):
        self.problems = problems
        self.notice = notice or (lambda location, message: None)
        self.counts = counts
        self.import_run = import_run
        self.pending = []
        self.stored = set()  # SHA-256 of the files this run added to storage

    def add(self, instance, files, location):
        if files:
            self.pending.append((instance, files, location))

    def attach(self):
        pending, self.pending = self.pending, []
        for instance, files, location in pending:
            for number, incoming in enumerate(files, start=1):
                try:
                    self._attach(instance, incoming)
                except (FileRefused, ValidationError) as error:
                    if incoming.optional:
                        self.counts[FILE_KIND]["skipped"] += 1
                        for message in _messages(error):
                            self.notice(location, f"{message} Left out.")
                        continue
                    for message in _messages(error):
                        self.problems.add(location, f"file {number}: {message}", FILES)

    def _attach(self, instance, incoming):
        with incoming.path.open("rb") as stream:
            prepared = prepare(stream, incoming.name)
        existing = Document.objects.of(instance).filter(sha256=prepared.sha256).first()
        meta = dict(incoming.meta)
        if existing is None:
            action = "created"
        else:
            meta.setdefault("status", existing.status)  # left as it is unless the entry says
            changed = any(str(getattr(existing, key)) != str(value) for key, value in meta.items())
            if not changed:
                prepared.close()
                self.counts[FILE_KIND]["unchanged"] += 1
                return
            action = "updated"
        stored_before = Document.objects.filter(sha256=prepared.sha256).exists()
        store(instance, prepared, import_run=self.import_run, **meta)
        if not stored_before:
            self.stored.add(prepared.sha256)
        self.counts[FILE_KIND][action] += 1


def _messages(error):
    if hasattr(error, "message_dict"):
        return [f"{name}: {message}" for name, messages in error.message_dict.items()
                for message in messages]  # fmt: skip
    return list(error.messages)


def discard(sha256s):
    """Remove from storage the files (and previews) of ``sha256s`` that no document uses: what
    an import stored before it failed or was rolled back as a dry run."""
    used = set(Document.objects.filter(sha256__in=list(sha256s)).values_list("sha256", flat=True))
    for digest in set(sha256s) - used:
        for top in ("documents", "thumbnails"):
            _delete_tree(f"{top}/{digest[:2]}/{digest}")


def _delete_tree(folder):
    try:
        folders, names = default_storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in names:
        default_storage.delete(f"{folder}/{name}")
    for name in folders:
        _delete_tree(f"{folder}/{name}")
    with suppress(NotImplementedError, OSError):
        os.rmdir(default_storage.path(folder))  # the local file system's empty folder
