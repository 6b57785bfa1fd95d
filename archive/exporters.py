"""Writing the whole archive in the JSON archive format (or JSON Lines), drafts included.

The output is deterministic: kinds in link order, records by slug, keys in the order of
``Kind.accepted_keys``, lists sorted. So export -> import into an empty database -> export gives
the same bytes. Records are read in chunks, so memory stays flat as the archive grows.
It lives beside ``archive.importers``, which brings data in, and writes the format defined there.
"""

import json
from collections import Counter

from django.db.models import Prefetch

from .importers.jsonarchive import FORMAT_NAME, FORMAT_VERSION
from .importers.jsonlines import RECORD_KEY
from .importers.tags import TAG_KIND, export_tags, tag_order
from .models import Affiliation
from .models.base import lines
from .registry import KINDS, TIMESTAMPS

CHUNK_SIZE = 1000
EXPORT_FORMATS = ("json", "jsonl")


def export_records(kind):
    """Yield every record of a kind as a dict of the JSON archive's record shape."""
    model = kind.model
    prefetches = [
        Prefetch(name, queryset=target._default_manager.only("pk", "slug"))
        for name, target in kind.links.items()
    ]
    prefetches.append("tags")
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
        yield record_dict(kind, instance)


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


def write_json(out, counts):
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
        for data in export_records(kind):
            counts[kind_name] += 1
            out.write("\n" if first else ",\n")
            first = False
            text = json.dumps(data, ensure_ascii=False, indent=2)
            out.write("    " + text.replace("\n", "\n    "))
        out.write("]" if first else "\n  ]")
    out.write("\n}\n")


def write_json_lines(out, counts):
    """The archive as JSON Lines: a header line, then one record a line, in link order."""
    out.write(json.dumps({"format": FORMAT_NAME, "version": FORMAT_VERSION}) + "\n")
    for tag in export_tags():
        counts[TAG_KIND] += 1
        out.write(json.dumps({RECORD_KEY: TAG_KIND, **tag}, ensure_ascii=False) + "\n")
    for kind_name, kind in KINDS.items():
        for data in export_records(kind):
            counts[kind_name] += 1
            out.write(json.dumps({RECORD_KEY: kind_name, **data}, ensure_ascii=False) + "\n")


def export_archive(out, fmt="json"):
    """Write the whole archive to the text stream ``out``; returns the count per kind."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {EXPORT_FORMATS}")
    counts = Counter(dict.fromkeys([TAG_KIND, *KINDS], 0))
    (write_json if fmt == "json" else write_json_lines)(out, counts)
    return dict(counts)
