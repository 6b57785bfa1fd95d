"""Keeping the search index in step with the records.

``reindex(model, pks)`` is the one way in: it rewrites the entries of those records from the
database as it is now (published ones are indexed, drafts and deleted ones removed). The signal
handlers call it on every save, delete, link and tag change; code that writes without signals
(``bulk_create``, ``QuerySet.update``, raw SQL) must call it after the write, inside the same
transaction. ``batched()`` collects the calls of a block and runs each record once at its end.
An import's new records come in through ``reindex_written``, with their links and tags: their
documents are built from those at the block's end instead of being read back.
"""

import threading
from collections import defaultdict
from contextlib import contextmanager

from django.db import transaction

from ..rows import insert_rows, link_columns
from .backends import get_backend
from .documents import (
    INDEXED_MODELS,
    NAMED_FOREIGN_KEYS,
    NAMED_LINKS,
    attached_of,
    document_for,
    document_from_memory,
    indexable,
    kind_of,
    tags_of,
    with_attached,
)
from .models import SearchEntry

CHUNK_SIZE = 500
TITLE_MAX_LENGTH = SearchEntry._meta.get_field("title").max_length

_state = threading.local()

# Models whose names appear in other records' search documents.
NAMED_MODELS = {target for links in NAMED_LINKS.values() for target in links.values()} | {
    target for keys in NAMED_FOREIGN_KEYS.values() for target in keys.values()
}


def reindex(model, pks):
    """Bring the index entries of ``model``'s records ``pks`` in step with the database."""
    if model not in INDEXED_MODELS:
        return
    pks = {pk for pk in pks if pk is not None}
    if not pks:
        return
    pending = getattr(_state, "pending", None)
    if pending is not None:
        pending[model].update(pks)
        return
    _reindex_now(model, pks)
    _settle()


def reindex_written(record, links, tags):
    """``reindex`` a record just written whose links ({name: pks}) and tags (``Tag``s) the
    caller holds: inside ``batched`` its document is built from these at the block's end
    instead of being read back from the database (an import's new records)."""
    in_memory = getattr(_state, "in_memory", None)
    if in_memory is not None and type(record) in INDEXED_MODELS:
        in_memory[type(record)][record.pk] = (record, links, tags)
    reindex(type(record), [record.pk])


def dependents_of(target_model, pks):
    """(model, pks) of the records whose documents carry the names of ``target_model``'s
    records ``pks``."""
    found = []
    if target_model not in NAMED_MODELS:
        return found
    pks = list(pks)
    for model, fields in [*NAMED_LINKS.items(), *NAMED_FOREIGN_KEYS.items()]:
        for name, target in fields.items():
            if not issubclass(target_model, target):
                continue
            linked = set()
            for start in range(0, len(pks), CHUNK_SIZE):  # a bulk action may select thousands
                chunk = model._default_manager.filter(
                    **{f"{name}__in": pks[start : start + CHUNK_SIZE]}
                )
                linked.update(chunk.values_list("pk", flat=True))
            found.append((model, sorted(linked)))
    return found


def reindex_with_dependents(model, pks):
    """``reindex`` these records and every record whose document carries their names (a
    change of status shows or hides those names)."""
    with batched():
        reindex(model, pks)
        for dependent, dependent_pks in dependents_of(model, pks):
            reindex(dependent, dependent_pks)


@contextmanager
def batched():
    """Defer the ``reindex`` calls made inside the block and run them once, at its end."""
    if getattr(_state, "pending", None) is not None:
        yield
        return
    _state.pending = defaultdict(set)
    _state.in_memory = defaultdict(dict)
    try:
        yield
        pending, in_memory = _state.pending, _state.in_memory
    finally:
        _state.pending = _state.in_memory = None
    for model, pks in pending.items():
        written = in_memory.get(model, {})
        _reindex_now(model, {pk for pk in pks if pk not in written})
        _reindex_from_memory(model, list(written.values()))
    if pending:
        _settle()


def _reindex_now(model, pks):
    kind = kind_of(model)
    backend = get_backend()
    ordered = sorted(pks)
    with transaction.atomic():
        for start in range(0, len(ordered), CHUNK_SIZE):
            chunk = ordered[start : start + CHUNK_SIZE]
            SearchEntry.objects.filter(kind=kind, object_id__in=chunk).delete()
            _write(backend, kind, indexable(model).filter(pk__in=chunk))


def _reindex_from_memory(model, written):
    """The entries of records just written, from (record, links, tags) held in memory: only
    the published names they link to are read, once per chunk."""
    if not written:
        return
    kind = kind_of(model)
    backend = get_backend()
    names = _linked_names(model, written)
    with transaction.atomic():
        for start in range(0, len(written), CHUNK_SIZE):
            chunk = written[start : start + CHUNK_SIZE]
            pks = [record.pk for record, _, _ in chunk]
            SearchEntry.objects.filter(kind=kind, object_id__in=pks).delete()
            attached = attached_of(model, pks)
            _write_documents(
                backend,
                kind,
                [
                    (
                        record,
                        document_from_memory(
                            record, links, tags, names, attached.get(record.pk, ())
                        ),
                    )
                    for record, links, tags in chunk
                    if record.is_published
                ],
            )


def _settle():
    """Once per batch of writes (see ``Backend.settle``), unless ``settled_at_end`` waits."""
    if not getattr(_state, "settling_later", False):
        get_backend().settle()


@contextmanager
def settled_at_end():
    """Tidy the index once, at the end of the block, rather than after each write: an import
    writes its records a chunk at a time, and PostgreSQL moves them into its word lists in
    one go instead of once per chunk."""
    if getattr(_state, "settling_later", False):
        yield
        return
    _state.settling_later = True
    try:
        yield
    finally:
        _state.settling_later = False
    get_backend().settle()


def _linked_names(model, written):
    """{(target model, pk): names} of the published records ``written`` link to by name."""
    wanted = defaultdict(set)
    for record, links, _ in written:
        for name, target in NAMED_LINKS.get(model, {}).items():
            wanted[target].update(links.get(name, ()))
        for name, target in NAMED_FOREIGN_KEYS.get(model, {}).items():
            wanted[target].add(getattr(record, f"{name}_id"))
    names = {}
    for target, pks in wanted.items():
        pks = sorted(pk for pk in pks if pk is not None)
        for start in range(0, len(pks), CHUNK_SIZE):
            for linked in target.objects.published().filter(pk__in=pks[start : start + CHUNK_SIZE]):
                names[target, linked.pk] = linked.names
    return names


def _write(backend, kind, records):
    """Create the entries (and their tag links) of ``records``; returns how many."""
    records = list(records)
    if not records:
        return 0
    pks = [record.pk for record in records]
    tags = tags_of(type(records[0]), pks)
    attached = attached_of(type(records[0]), pks)
    return _write_documents(
        backend,
        kind,
        [
            (record, document_for(record, tags.get(record.pk, []), attached.get(record.pk, ())))
            for record in records
        ],
    )


def _write_documents(backend, kind, documents):
    """Create the entries (and their tag links) of (record, document) pairs; returns how many."""
    entries, tag_lists = [], []
    for record, document in documents:
        entry = SearchEntry(
            kind=kind,
            object_id=record.pk,
            slug=record.slug,
            section=document.section,
            year=document.year,
            date=document.date,
            title=document.title[:TITLE_MAX_LENGTH],
            language=document.language or None,
            heading=document.heading,
            names="\n".join(document.names),
            related="\n".join(document.related),
            tag_names=document.tag_names,
            body=with_attached(document.body, document.attached),
        )
        backend.prepare(entry, document)
        entries.append(entry)
        tag_lists.append(document.tags)
    if not entries:
        return 0
    SearchEntry.objects.bulk_create(entries)
    if any(entry.pk is None for entry in entries):
        # Back ends that cannot return ids from a bulk insert: read them back.
        ids = dict(
            SearchEntry.objects.filter(
                kind=kind, object_id__in=[e.object_id for e in entries]
            ).values_list("object_id", "pk")
        )
        for entry in entries:
            entry.pk = ids[entry.object_id]
    field = SearchEntry._meta.get_field("tags")
    insert_rows(
        field.remote_field.through,
        link_columns(field),
        [
            (entry.pk, tag.pk)
            for entry, tags in zip(entries, tag_lists, strict=True)
            for tag in dict.fromkeys(tags)
        ],
    )
    return len(entries)


def rebuild(models=None, stdout=None):
    """Empty the index and write it again from every published record. Returns counts by kind."""
    backend = get_backend()
    counts = {}
    models = models or INDEXED_MODELS
    with transaction.atomic():
        SearchEntry.objects.filter(kind__in=[kind_of(model) for model in models]).delete()
        for model in models:
            kind = kind_of(model)
            counts[kind] = 0
            last_pk = 0
            while True:
                records = list(indexable(model).filter(pk__gt=last_pk)[:CHUNK_SIZE])
                if not records:
                    break
                counts[kind] += _write(backend, kind, records)
                last_pk = records[-1].pk
            if stdout is not None:
                stdout.write(f"  {kind}: {counts[kind]} indexed")
        backend.optimize()
    return counts
