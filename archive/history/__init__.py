"""Revision history: every change to a record kept as a version (django-reversion underneath).

A *revision* is one change, made by someone (a user, or an import run) for a reason, and holds a
*version* of each record it touched: the record's full data, its links (by primary key), its
tags (by name) and its link rows (a person's affiliations, with roles). See ``serializer.py``.

The API, all other code uses only this:

``recording(user=None, import_run=None, comment="", action="")``
    Context manager: one revision (and one transaction) around a change. Every record saved
    inside it, or whose links or tags change, is kept in it (reversion's signals); where the
    revision came from is kept in ``RevisionOrigin``. Nested, the outer revision wins.

``record(objects)`` / ``record_pks(model, pks)``
    For writes that skip ``save()`` (``bulk_create``, ``QuerySet.update``): adds the records
    (as they are in the database now, for ``record_pks``) to the revision being recorded,
    or to a new one. Relations are prefetched a query per relation per batch.

``open_revision(user=None, import_run=None, comment="", action="")``
    An :class:`OpenRevision` saved at once, whose ``record``/``record_pks`` write versions to the
    database as they go (an import run: one revision, written chunk by chunk, never all held in
    memory). A record recorded twice in it keeps its latest version.

``versions_of(obj_or_model, pk=None)``, ``version_in(obj, revision)``,
``version_before(obj, revision)``, ``latest_version(obj)``
    Versions of a record, newest first; a version's order is its primary key (the order it
    was written in).

``snapshot(version)``
    A :class:`Snapshot` of a version: fields, links, tags, rows, as plain data.

``revert(version, user=None, comment="")``
    Make the record (existing or deleted) what the version says, through ``save()`` and the
    relation managers, so the search index and the page cache follow; recorded as a revision.

``deleted_versions(model)``
    The last version of each deleted record of a kind (to find and restore them).
"""

import json
from contextlib import contextmanager
from dataclasses import dataclass, field

import reversion
from django.db import router, transaction
from django.db.models import Min, prefetch_related_objects

from .serializer import FORMAT, Serializer

# Models are imported where used: this package is imported as the app loads.

BATCH_SIZE = 500

__all__ = [
    "OpenRevision",
    "Snapshot",
    "deleted_versions",
    "latest_version",
    "open_revision",
    "record",
    "record_pks",
    "recording",
    "revert",
    "snapshot",
    "version_before",
    "version_in",
    "versions_of",
]


def _user(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


@contextmanager
def recording(user=None, import_run=None, comment="", action=""):
    """One revision around the block; see the module's documentation."""
    if reversion.is_active():
        with reversion.create_revision(atomic=True):
            yield
        return
    from .models import RevisionOrigin

    with reversion.create_revision(atomic=True):
        reversion.set_user(_user(user))
        reversion.set_comment(comment)
        reversion.add_meta(RevisionOrigin, import_run=import_run, action=action)
        yield


def _relations(model):
    """What a version holds beyond the row: links, tags, link rows (see ``serializer.py``)."""
    from ..registry import BY_MODEL

    kind = BY_MODEL[model]
    return [*kind.links, "tags", *kind.link_rows]


def _prefetched(objects):
    """The objects with every relation a version holds prefetched (a query per relation)."""
    objects = list(objects)
    if objects:
        for obj in objects:
            getattr(obj, "_prefetched_objects_cache", {}).clear()
        prefetch_related_objects(objects, *_relations(type(objects[0])))
    return objects


def _by_model(objects):
    grouped = {}
    for obj in objects:
        grouped.setdefault(type(obj), []).append(obj)
    return grouped


def _fetch(model, pks):
    pks = list(pks)
    for start in range(0, len(pks), BATCH_SIZE):
        yield list(model._default_manager.filter(pk__in=pks[start : start + BATCH_SIZE]))


def record(objects, user=None, import_run=None, comment="", action=""):
    """Keep a version of each object (as it is in memory, links and tags as stored) in the
    revision being recorded, or in a new one with the given who and why."""
    with recording(user=user, import_run=import_run, comment=comment, action=action):
        for group in _by_model(objects).values():
            for start in range(0, len(group), BATCH_SIZE):
                for obj in _prefetched(group[start : start + BATCH_SIZE]):
                    reversion.add_to_revision(obj)


def record_pks(model, pks, user=None, import_run=None, comment="", action=""):
    """Keep a version of each record of ``model`` named by ``pks``, read from the database."""
    with recording(user=user, import_run=import_run, comment=comment, action=action):
        for batch in _fetch(model, pks):
            for obj in _prefetched(batch):
                reversion.add_to_revision(obj)


def _serialize(obj):
    return Serializer().serialize([obj])


class OpenRevision:
    """A revision saved at once and written to batch by batch (see ``open_revision``)."""

    def __init__(self, revision):
        self.revision = revision
        self.recorded = set()  # (content type id, object id)

    def record(self, objects):
        for model, group in _by_model(objects).items():
            for start in range(0, len(group), BATCH_SIZE):
                self._write(model, _prefetched(group[start : start + BATCH_SIZE]))

    def record_pks(self, model, pks):
        for batch in _fetch(model, pks):
            self._write(model, _prefetched(batch))

    def _write(self, model, objects):
        from django.contrib.contenttypes.models import ContentType
        from reversion.models import Version

        if not objects:
            return
        content_type = ContentType.objects.get_for_model(model)
        db = router.db_for_write(model)
        versions = {
            str(obj.pk): Version(
                revision=self.revision,
                object_id=str(obj.pk),
                content_type=content_type,
                db=db,
                format=FORMAT,
                serialized_data=_serialize(obj),
                object_repr=str(obj),
            )
            for obj in objects
        }
        again = [pk for pk in versions if (content_type.pk, pk) in self.recorded]
        if again:
            Version.objects.filter(
                revision=self.revision, content_type=content_type, object_id__in=again
            ).delete()
        Version.objects.bulk_create(versions.values(), batch_size=BATCH_SIZE)
        self.recorded.update((content_type.pk, pk) for pk in versions)


def open_revision(user=None, import_run=None, comment="", action=""):
    """A revision saved now, to which versions are written as records are (an import run)."""
    from django.utils import timezone
    from reversion.models import Revision

    from .models import RevisionOrigin

    with transaction.atomic():
        revision = Revision.objects.create(
            date_created=timezone.now(), user=_user(user), comment=comment
        )
        RevisionOrigin.objects.create(revision=revision, import_run=import_run, action=action)
    return OpenRevision(revision)


def _reference(obj_or_model, pk=None):
    if pk is None:
        return type(obj_or_model), obj_or_model.pk
    return obj_or_model, pk


def versions_of(obj_or_model, pk=None):
    """The versions of a record (an instance, or a model and a primary key, which may be of a
    deleted record), newest first, with their revision, its user and origin."""
    from reversion.models import Version

    model, pk = _reference(obj_or_model, pk)
    return (
        Version.objects.get_for_object_reference(model, pk)
        .select_related("revision__user", "revision__origin__import_run")
        .order_by("-pk")
    )


def latest_version(obj_or_model, pk=None):
    return versions_of(obj_or_model, pk).first()


def version_in(obj, revision, pk=None):
    """The version of a record a revision holds, or None."""
    return versions_of(obj, pk).filter(revision=revision).first()


def version_before(obj, revision, pk=None):
    """The latest version of a record written before ``revision`` touched it (or before the
    revision, if it did not): what an undo of the revision returns the record to. None when
    the record had no version before."""
    versions = versions_of(obj, pk)
    own = versions.filter(revision=revision).aggregate(first=Min("pk"))["first"]
    if own is not None:
        return versions.filter(pk__lt=own).first()
    return versions.filter(revision__pk__lt=revision.pk).first()


def deleted_versions(model):
    """The last version of each deleted record of ``model``, newest first."""
    from reversion.models import Version

    return (
        Version.objects.get_deleted(model)
        .select_related("revision__user", "revision__origin")
        .order_by("-pk")
    )


@dataclass
class Snapshot:
    """A version as plain data: ``fields`` (own values, foreign keys by attname, e.g.
    ``place_id``), ``links`` ({many-to-many field: sorted primary keys}), ``tags`` (sorted
    names) and ``rows`` ({link rows' name: [{attname: value}]}, e.g. affiliations)."""

    model: type
    pk: int
    fields: dict = field(default_factory=dict)
    links: dict = field(default_factory=dict)
    tags: list = field(default_factory=list)
    rows: dict = field(default_factory=dict)


def snapshot(version):
    model = version._model
    (data,) = json.loads(version.serialized_data)
    fields, links = {}, {}
    for name, value in data["fields"].items():
        try:
            model_field = model._meta.get_field(name)
        except Exception:  # noqa: S112 - a field since removed
            continue
        if model_field.many_to_many:
            links[name] = sorted(value)
        else:
            fields[model_field.attname] = value
    return Snapshot(
        model=model,
        pk=model._meta.pk.to_python(data["pk"]),
        fields=fields,
        links=links,
        tags=list(data.get("tags", [])),
        rows={name: list(rows) for name, rows in data.get("rows", {}).items()},
    )


def revert(version, user=None, comment="", action="revert"):
    """Make the record what ``version`` says (restoring it if deleted), links, tags and rows
    included, through ``save()`` and the relation managers (search index, page cache). Links
    to records that no longer exist are left out; returns the record."""
    data = snapshot(version)
    model = data.model
    restored = version._object_version.object
    comment = (
        comment or f"Reverted to the version of {version.revision.date_created:%Y-%m-%d %H:%M}"
    )
    with recording(user=user, comment=comment, action=action):
        obj = model._default_manager.filter(pk=data.pk).first() or model(pk=data.pk)
        for model_field in model._meta.concrete_fields:
            if model_field.primary_key or model_field.attname not in data.fields:
                continue
            value = getattr(restored, model_field.attname)
            if model_field.is_relation and value is not None:
                target = model_field.related_model._default_manager.filter(pk=value)
                if not target.exists():
                    value = None
            setattr(obj, model_field.attname, value)
        obj.save()
        for name, pks in data.links.items():
            target = model._meta.get_field(name).related_model
            getattr(obj, name).set(target._default_manager.filter(pk__in=pks))
        obj.tags.set(data.tags)
        for name, rows in data.rows.items():
            manager = getattr(obj, name)
            row_model = manager.model
            manager.all().delete()
            kept = []
            for row in rows:
                row = {**row, f"{manager.field.name}_id": obj.pk}
                related = [
                    f for f in row_model._meta.concrete_fields if f.is_relation and f.attname in row
                ]
                if all(
                    f.related_model._default_manager.filter(pk=row[f.attname]).exists()
                    for f in related
                ):
                    kept.append(row_model(**row))
            row_model._default_manager.bulk_create(kept)
        # The rows were written without save(): keep the record as it now is.
        reversion.add_to_revision(_prefetched([obj])[0])
    return obj
