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
    or to a new one. Relations are read a query per table per batch of 500.

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

``record_deletion(objects, user=None)``
    Before records are deleted: a last version of each, with what links to them from other
    records, in a revision of its own; ``revert`` of it restores the record and those links.

``without_versions(model, pks)``
    Which of these records have no version yet (one query).

``deleted_versions(model)``
    The last version of each deleted record of a kind (to find and restore them).
"""

import json
from contextlib import contextmanager
from dataclasses import dataclass, field

import reversion
from django.db import router, transaction
from django.db.models import Min

from .serializer import FORMAT, RELATIONS_ATTRIBUTE, relations_of, serialize

# Models are imported where used: this package is imported as the app loads.

BATCH_SIZE = 500

__all__ = [
    "OpenRevision",
    "Snapshot",
    "deleted_versions",
    "latest_version",
    "open_revision",
    "record",
    "record_deletion",
    "record_pks",
    "recording",
    "current_snapshot",
    "revert",
    "snapshot",
    "version_before",
    "version_in",
    "versions_of",
    "without_versions",
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


@contextmanager
def kept_by_hand():
    """Inside, saves and link changes add nothing to an enclosing revision (an admin action's
    ``recording``): for code that writes its own revision with ``open_revision`` (a merge)."""
    with reversion.create_revision(manage_manually=True, atomic=False):
        yield


def _add(objects):
    """Add records of one model to the active revision, their relations read a query per
    table for the batch (see ``serializer.relations_of``)."""
    objects = list(objects)
    if not objects:
        return
    relations = relations_of(type(objects[0]), [obj.pk for obj in objects])
    for obj in objects:
        setattr(obj, RELATIONS_ATTRIBUTE, relations[obj.pk])
        try:
            reversion.add_to_revision(obj)
        finally:
            delattr(obj, RELATIONS_ATTRIBUTE)


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
                _add(group[start : start + BATCH_SIZE])


def record_pks(model, pks, user=None, import_run=None, comment="", action=""):
    """Keep a version of each record of ``model`` named by ``pks``, read from the database."""
    with recording(user=user, import_run=import_run, comment=comment, action=action):
        for batch in _fetch(model, pks):
            _add(batch)


def record_deletion(objects, user=None, comment="Deleted", action="delete"):
    """Keep a last version of records about to be deleted, with what links to them from other
    records (so that restoring one restores those links), in a revision of its own written at
    once (reversion drops from a revision the records gone when it ends). Call it before the
    delete, in the same transaction."""
    objects = list(objects)
    for obj in objects:
        obj._history_incoming = True
    if objects:
        open_revision(user=user, comment=comment, action=action).record(objects)
    return objects


class OpenRevision:
    """A revision saved at once and written to batch by batch (see ``open_revision``)."""

    def __init__(self, revision):
        self.revision = revision
        self.recorded = set()  # (content type id, object id)

    def record(self, objects):
        for model, group in _by_model(objects).items():
            for start in range(0, len(group), BATCH_SIZE):
                self._write(model, group[start : start + BATCH_SIZE])

    def record_pks(self, model, pks):
        for batch in _fetch(model, pks):
            self._write(model, batch)

    def _write(self, model, objects):
        from django.contrib.contenttypes.models import ContentType
        from reversion.models import Version

        if not objects:
            return
        content_type = ContentType.objects.get_for_model(model)
        db = router.db_for_write(model)
        relations = relations_of(model, [obj.pk for obj in objects])
        versions = {
            str(obj.pk): Version(
                revision=self.revision,
                object_id=str(obj.pk),
                content_type=content_type,
                db=db,
                format=FORMAT,
                serialized_data=serialize(obj, relations[obj.pk]),
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


def without_versions(model, pks):
    """Which of these records of ``model`` have no version yet (one query)."""
    from django.contrib.contenttypes.models import ContentType
    from reversion.models import Version

    pks = {str(pk) for pk in pks if pk is not None}
    if not pks:
        return set()
    kept = Version.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id__in=pks
    ).values_list("object_id", flat=True)
    return {model._meta.pk.to_python(pk) for pk in pks - set(kept)}


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
    # Only in the version written as a record is deleted: what linked to it (see serializer.py).
    incoming: dict = field(default_factory=dict)


def snapshot(version):
    (data,) = json.loads(version.serialized_data)
    return _from_data(version._model, data)


def _from_data(model, data):
    if isinstance(data, list):
        (data,) = data
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
        incoming=data.get("incoming", {}),
    )


def current_snapshot(model, pk):
    """A :class:`Snapshot` of the record as it is now, to compare with a version."""
    obj = model._default_manager.filter(pk=pk).first()
    if obj is None:
        return Snapshot(model=model, pk=pk)
    return _from_data(model, json.loads(serialize(obj)))


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
        obj = model._default_manager.filter(pk=data.pk).first()
        deleted = obj is None
        obj = obj or model(pk=data.pk)
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
        _add([obj])
        if deleted:
            _restore_incoming(obj, data.incoming)
    return obj


def _restore_incoming(obj, incoming):
    """Put back the links other records kept to a deleted record, where those records still
    exist; they are reindexed and kept as new versions in the revision."""
    from django.apps import apps

    from ..search.index import reindex

    for key, rows in incoming.items():
        label, name = key.rsplit(".", 1)
        try:
            source = apps.get_model(label)
            link = source._meta.get_field(name)
        except (LookupError, ValueError, Exception):  # noqa: S112 - a link since removed
            continue
        if link.many_to_many:
            through = link.remote_field.through
            own = through._meta.get_field(link.m2m_field_name()).attname
            target = through._meta.get_field(link.m2m_reverse_field_name()).attname
            wanted = {row[own] for row in rows if own in row}
            alive = set(source._default_manager.filter(pk__in=wanted).values_list("pk", flat=True))
            through._default_manager.bulk_create(
                [through(**{**row, target: obj.pk}) for row in rows if row.get(own) in alive],
                ignore_conflicts=True,
            )
        else:
            wanted = [row["pk"] for row in rows]
            alive = list(
                source._default_manager.filter(
                    pk__in=wanted, **{f"{link.attname}__isnull": True}
                ).values_list("pk", flat=True)
            )
            source._default_manager.filter(pk__in=alive).update(**{link.attname: obj.pk})
        if alive:
            reindex(source, list(alive))
            record_pks(source, alive)
