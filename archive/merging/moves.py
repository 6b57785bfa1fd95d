"""How a merge moves what points at the duplicates to the survivor, and back.

The links are read from the models' ``_meta``: every many-to-many table between the kind and
another (``Link``) and every model with a foreign key to it (``Rows``: records such as an
event at a place, or rows such as a person's affiliations); files hang on a generic relation,
which ``_meta`` does not list among them, and move on their own. Each ``move_*`` returns what its
undo (``unmove_*``) needs, kept in the merge's ``Merge.undo``.
"""

from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType

from .. import history
from ..models import Document
from ..registry import BY_MODEL
from ..search.index import reindex

CHUNK_SIZE = 500


@dataclass(frozen=True)
class Link:
    """Rows of a many-to-many table between this kind and another: ``own`` is the column that
    points at this kind's record, ``other`` the other side's."""

    label: str
    through: type
    own: str
    other: str
    other_model: type


@dataclass(frozen=True)
class Rows:
    """Rows of another model with a foreign key (``field``) to this kind's records."""

    label: str
    model: type
    field: str

    @property
    def is_record(self):
        return self.model in BY_MODEL


def links_of(model):
    found = []
    for rel in model._meta.related_objects:
        if rel.many_to_many and rel.through._meta.auto_created:
            found.append(
                Link(
                    str(rel.related_model._meta.verbose_name_plural),
                    rel.through,
                    rel.field.m2m_reverse_field_name(),
                    rel.field.m2m_field_name(),
                    rel.related_model,
                )
            )
    for own_field in model._meta.many_to_many:
        through = getattr(own_field.remote_field, "through", None)
        if own_field.related_model in BY_MODEL and through and through._meta.auto_created:
            found.append(
                Link(
                    str(own_field.verbose_name),
                    through,
                    own_field.m2m_field_name(),
                    own_field.m2m_reverse_field_name(),
                    own_field.related_model,
                )
            )
    return found


def rows_of(model):
    return [
        Rows(str(rel.related_model._meta.verbose_name_plural), rel.related_model, rel.field.name)
        for rel in model._meta.related_objects
        if rel.one_to_many
    ]


def chunks(items):
    items = list(items)
    for start in range(0, len(items), CHUNK_SIZE):
        yield items[start : start + CHUNK_SIZE]


def move_links(link, survivor_pk, pks):
    """Point the duplicates' links at the survivor, leaving out any it already has; returns
    what reverting needs: [other, duplicate, moved] for each link."""
    rows = link.through.objects
    seen = set(rows.filter(**{link.own: survivor_pk}).values_list(link.other, flat=True))
    moving, dropped, undo = [], [], []
    for pk, own, other in rows.filter(**{f"{link.own}__in": pks}).values_list(
        "pk", link.own, link.other
    ):
        undo.append([other, own, other not in seen])
        (dropped if other in seen else moving).append(pk)
        seen.add(other)
    for chunk in chunks(moving):
        rows.filter(pk__in=chunk).update(**{link.own: survivor_pk})
    for chunk in chunks(dropped):
        rows.filter(pk__in=chunk).delete()
    reindex(link.other_model, seen)
    return {
        "through": link.through._meta.label,
        "own": link.own,
        "other": link.other,
        "model": link.other_model._meta.label,
        "links": undo,
    }


def unmove_links(entry, survivor_pk):
    through = apps.get_model(entry["through"])
    own, other = f"{entry['own']}_id", f"{entry['other']}_id"
    moved = [other_pk for other_pk, _, was_moved in entry["links"] if was_moved]
    for chunk in chunks(moved):
        through.objects.filter(**{own: survivor_pk, f"{other}__in": chunk}).delete()
    existing = apps.get_model(entry["model"])._default_manager.values_list("pk", flat=True)
    present = set()
    for chunk in chunks([other_pk for other_pk, _, _ in entry["links"]]):
        present.update(existing.filter(pk__in=chunk))
    through.objects.bulk_create(
        [
            through(**{own: duplicate_pk, other: other_pk})
            for other_pk, duplicate_pk, _ in entry["links"]
            if other_pk in present  # a record deleted since has no link to restore
        ],
        batch_size=CHUNK_SIZE,
        ignore_conflicts=True,
    )
    reindex(apps.get_model(entry["model"]), present)


def move_rows(rows, survivor_pk, pks):
    """Point other rows' foreign key at the survivor. A row that is not a record (an
    affiliation) and would repeat one the survivor has is deleted instead. Returns what
    reverting needs."""
    manager = rows.model._default_manager
    fk = rows.model._meta.get_field(rows.field).attname
    entry = {"model": rows.model._meta.label, "field": fk, "rows": []}
    if rows.is_record:
        moved = list(manager.filter(**{f"{fk}__in": pks}).values_list("pk", fk))
        for chunk in chunks([pk for pk, _ in moved]):
            # ``QuerySet.update`` (no status): the records keep their status and times.
            manager.filter(pk__in=chunk).update(**{fk: survivor_pk})
        reindex(rows.model, [pk for pk, _ in moved])
        entry["rows"] = [{"pk": pk, "duplicate": duplicate} for pk, duplicate in moved]
        return entry
    others = [
        f.attname for f in rows.model._meta.concrete_fields if not f.primary_key and f.attname != fk
    ]
    seen = set(manager.filter(**{fk: survivor_pk}).values_list(*others))
    moving, dropped = [], []
    for pk, duplicate, *values in manager.filter(**{f"{fk}__in": pks}).values_list(
        "pk", fk, *others
    ):
        was_moved = tuple(values) not in seen
        (moving if was_moved else dropped).append(pk)
        seen.add(tuple(values))
        entry["rows"].append(
            {
                "pk": pk,
                "duplicate": duplicate,
                "moved": was_moved,
                "values": dict(zip(others, values, strict=True)),
            }
        )
    for chunk in chunks(dropped):
        manager.filter(pk__in=chunk).delete()
    for chunk in chunks(moving):
        manager.filter(pk__in=chunk).update(**{fk: survivor_pk})
    return entry


def unmove_rows(entry, survivor_pk):
    model = apps.get_model(entry["model"])
    manager, fk = model._default_manager, entry["field"]
    if model in BY_MODEL:
        by_duplicate = {}
        for row in entry["rows"]:
            by_duplicate.setdefault(row["duplicate"], []).append(row["pk"])
        for duplicate, pks in by_duplicate.items():
            for chunk in chunks(pks):
                # Only those still pointing at the survivor: a later edit stands.
                manager.filter(pk__in=chunk, **{fk: survivor_pk}).update(**{fk: duplicate})
            reindex(model, pks)
        return
    moved = [row["pk"] for row in entry["rows"] if row["moved"]]
    for chunk in chunks(moved):
        manager.filter(pk__in=chunk, **{fk: survivor_pk}).delete()
    for row in entry["rows"]:
        # The duplicate's version restored its rows already; this makes sure of each.
        values = {**row["values"], fk: row["duplicate"]}
        related = [f for f in model._meta.concrete_fields if f.is_relation and f.attname in values]
        restorable = all(
            f.related_model._default_manager.filter(pk=values[f.attname]).exists() for f in related
        )
        if restorable and not manager.filter(**values).exists():
            manager.create(**values)


def record_moved(undo, revision=history):
    """Keep the records whose links or foreign keys moved, as they are now, in ``revision``
    (an open revision, or the one being recorded): their versions hold their links."""
    for entry in undo["links"]:
        model = apps.get_model(entry["model"])
        revision.record_pks(model, sorted({other for other, _, _ in entry["links"]}))
    for entry in undo["rows"]:
        model = apps.get_model(entry["model"])
        if model in BY_MODEL:
            revision.record_pks(model, [row["pk"] for row in entry["rows"]])


def move_documents(model, survivor_pk, pks):
    """Give the duplicates' files to the survivor (deleting the duplicates would delete them);
    returns [document, duplicate] pairs for reverting."""
    files = Document.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id__in=pks
    )
    moved = [list(row) for row in files.values_list("pk", "object_id")]
    files.update(object_id=survivor_pk)
    return moved


def unmove_documents(moved, survivor_pk):
    by_duplicate = {}
    for document_pk, duplicate in moved:
        by_duplicate.setdefault(duplicate, []).append(document_pk)
    for duplicate, document_pks in by_duplicate.items():
        for chunk in chunks(document_pks):
            # Only those still on the survivor: a later edit stands.
            Document.objects.filter(pk__in=chunk, object_id=survivor_pk).update(object_id=duplicate)
