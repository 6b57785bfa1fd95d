"""Writing the whole archive in the JSON archive format (or JSON Lines), drafts included.

The output is deterministic: kinds in link order, records by slug, keys in the order of
``Kind.accepted_keys``, lists sorted. So export -> import into an empty database -> export gives
the same bytes. Records are read in chunks, so memory stays flat as the archive grows.
It lives beside ``archive.importers``, which brings data in, and writes the format defined there.
"""

import json
import os
import shutil
from collections import Counter
from pathlib import Path

from django.db.models import Prefetch

from .importers.files import FILE_KEYS, FILE_KIND, FILES
from .importers.jsonarchive import FORMAT_NAME, FORMAT_VERSION
from .importers.jsonlines import RECORD_KEY
from .importers.tags import TAG_KIND, export_tags, tag_order
from .models import Affiliation, Document
from .models.base import lines
from .registry import KINDS, TIMESTAMPS

CHUNK_SIZE = 1000
EXPORT_FORMATS = ("json", "jsonl")


class FileWriter:
    """Copies records' files into ``folder`` for an export written in ``base`` (the export
    file's folder), which names them relative to itself: ``folder/<kind>/<slug>/<name>``.

    Names are the files' own; two different files of one record with the same name are told
    apart by "-2", "-3" before the extension, in the order of their SHA-256, so the same
    archive always exports the same names.
    """

    def __init__(self, folder, base):
        self.folder = Path(folder)
        self.base = Path(base)
        self.count = 0

    def entries(self, kind, instance):
        documents = sorted(instance.documents.all(), key=lambda d: (d.original_name, d.sha256))
        taken = set()
        entries = []
        for document in documents:
            name = _unique(document.original_name, taken)
            target = self.folder / kind.plural / instance.slug / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with document.file.open("rb") as stored, target.open("wb") as copy:
                shutil.copyfileobj(stored, copy, 1024 * 1024)
            self.count += 1
            entry = {"file": Path(os.path.relpath(target, self.base)).as_posix()}
            for key in FILE_KEYS[1:]:
                entry[key] = str(getattr(document, key))
            entries.append(entry)
        return sorted(entries, key=lambda entry: entry["file"])


def _unique(name, taken):
    stem, extension = os.path.splitext(name)
    candidate, number = name, 1
    while candidate in taken:
        number += 1
        candidate = f"{stem}-{number}{extension}"
    taken.add(candidate)
    return candidate


def export_records(kind, files=None):
    """Yield every record of a kind as a dict of the JSON archive's record shape (with its
    ``files``, written out by ``files``, a :class:`FileWriter`, when given)."""
    model = kind.model
    prefetches = [
        Prefetch(name, queryset=target._default_manager.only("pk", "slug"))
        for name, target in kind.links.items()
    ]
    prefetches.append("tags")
    if files is not None:
        prefetches.append(
            Prefetch(
                "documents",
                queryset=Document.objects.defer("text", "thumbnails").order_by(),
            )
        )
    if "affiliations" in kind.accepted_keys:
        prefetches.append(
            Prefetch(
                "affiliations",
                queryset=Affiliation.objects.select_related("organization").only(
                    "person_id", "role", "organization__slug"
                ),
            )
        )
    queryset = (
        model._default_manager.select_related(*kind.foreign_keys)
        .prefetch_related(*prefetches)
        .order_by("slug")
    )
    for instance in queryset.iterator(chunk_size=CHUNK_SIZE):
        data = record_dict(kind, instance)
        if files is not None:
            entries = files.entries(kind, instance)
            if entries:
                data[FILES] = entries
        yield data


def record_dict(kind, instance):
    data = {}
    for name in kind.accepted_keys:
        if name in kind.list_fields:
            data[name] = lines(getattr(instance, name))
        elif name in kind.links:
            data[name] = sorted(other.slug for other in getattr(instance, name).all())
        elif name in kind.foreign_keys:
            target = getattr(instance, name)
            data[name] = target.slug if target is not None else None
        elif name == "tags":
            data[name] = sorted((tag.name for tag in instance.tags.all()), key=tag_order)
        elif name == "affiliations":
            data[name] = sorted(
                (
                    {"organization": a.organization.slug, "role": a.role}
                    for a in instance.affiliations.all()
                ),
                key=lambda item: (item["organization"], item["role"]),
            )
        elif name in TIMESTAMPS:
            data[name] = getattr(instance, name).isoformat()
        else:
            data[name] = str(getattr(instance, name))
    return data


def write_json(out, counts, files=None):
    """The archive as one JSON document, written record by record."""
    out.write("{\n")
    out.write(f'  "format": {json.dumps(FORMAT_NAME)},\n')
    out.write(f'  "version": {json.dumps(FORMAT_VERSION)}')
    out.write(',\n  "tags": [')
    first = True
    for tag in export_tags():
        counts[TAG_KIND] += 1
        out.write("\n" if first else ",\n")
        first = False
        out.write("    " + json.dumps(tag, ensure_ascii=False))
    out.write("]" if first else "\n  ]")
    for kind_name, kind in KINDS.items():
        out.write(f",\n  {json.dumps(kind.plural)}: [")
        first = True
        for data in export_records(kind, files):
            counts[kind_name] += 1
            out.write("\n" if first else ",\n")
            first = False
            text = json.dumps(data, ensure_ascii=False, indent=2)
            out.write("    " + text.replace("\n", "\n    "))
        out.write("]" if first else "\n  ]")
    out.write("\n}\n")


def write_json_lines(out, counts, files=None):
    """The archive as JSON Lines: a header line, then one record a line, in link order."""
    out.write(json.dumps({"format": FORMAT_NAME, "version": FORMAT_VERSION}) + "\n")
    for tag in export_tags():
        counts[TAG_KIND] += 1
        out.write(json.dumps({RECORD_KEY: TAG_KIND, **tag}, ensure_ascii=False) + "\n")
    for kind_name, kind in KINDS.items():
        for data in export_records(kind, files):
            counts[kind_name] += 1
            out.write(json.dumps({RECORD_KEY: kind_name, **data}, ensure_ascii=False) + "\n")


def export_archive(out, fmt="json", files=None):
    """Write the whole archive to the text stream ``out``; returns the count per kind.

    With ``files`` (a :class:`FileWriter`) every record's files are written out too and listed
    under its ``files`` key; without, the export holds the records alone, as before files.
    """
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {EXPORT_FORMATS}")
    counts = Counter(dict.fromkeys([TAG_KIND, *KINDS], 0))
    (write_json if fmt == "json" else write_json_lines)(out, counts, files)
    if files is not None:
        counts[FILE_KIND] = files.count
    return dict(counts)
