"""Merging duplicates: two or more records of one kind ("McCain", "John McCain") become one.

The one code path for the admin action and ``manage.py merge_records``. Everything that points
at a duplicate moves to the survivor: every many-to-many link, from other kinds or its own
(read from ``_meta``, so a link added to the models moves too), rows that carry more (a
person's affiliations, without making a row the survivor already has), foreign keys of other
kinds (an event's place), and tags. The duplicates' names and one-per-line lists (aliases,
roles) join the survivor's, their slugs become the survivor's old slugs (their addresses answer
301 to it, ``models/old_slugs.py``), and they are deleted. All in one transaction; the search
index is brought in step with the survivor's names and the page cache follows the database.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import history
from .models import Merge, OldSlug
from .models.base import lines
from .registry import BY_MODEL, KINDS
from .search.index import batched, reindex, reindex_with_dependents

CHUNK_SIZE = 500


def mergeable_kinds():
    """The kinds whose records may be merged: those with other names (aliases) to keep."""
    return [kind for kind in KINDS.values() if "aliases" in kind.list_fields]


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


@dataclass
class Moves:
    """What one duplicate brings to the survivor."""

    record: object
    counts: dict = field(default_factory=dict)  # {label: number}
    tags: list = field(default_factory=list)

    @property
    def names(self):
        return self.record.names


@dataclass
class Plan:
    survivor: object
    duplicates: list
    moves: list  # one Moves per duplicate
    aliases: list  # the names the survivor gains
    old_slugs: list  # the slugs that will lead to the survivor

    @property
    def kind(self):
        return BY_MODEL[type(self.survivor)]

    @property
    def description(self):
        names = ", ".join(f"“{record}”" for record in self.duplicates)
        return f"Merged {names} into “{self.survivor}”"

    def totals(self):
        found = {}
        for moves in self.moves:
            for label, number in moves.counts.items():
                found[label] = found.get(label, 0) + number
        return found


def check(survivor, duplicates):
    """Refuse what cannot be merged, with a message a person can act on."""
    model = type(survivor)
    if BY_MODEL.get(model) not in mergeable_kinds():
        kinds = ", ".join(kind.verbose_name_plural for kind in mergeable_kinds())
        raise ValidationError(f"Only {kinds} can be merged, not {model._meta.verbose_name_plural}.")
    if not duplicates:
        raise ValidationError("Name at least one duplicate to merge into the survivor.")
    for record in duplicates:
        if type(record) is not model:
            raise ValidationError(
                f"“{record}” is a {record._meta.verbose_name}, not a "
                f"{model._meta.verbose_name}: only records of one kind can be merged."
            )
        if record.pk == survivor.pk:
            raise ValidationError(
                f"“{survivor}” is the survivor and cannot also be one of the duplicates."
            )
    if len({record.pk for record in duplicates}) != len(duplicates):
        raise ValidationError("A duplicate is named twice.")


def moves_of(record):
    """What ``record`` carries, which moves with it when it is merged into another."""
    model = type(record)
    counts = {}
    for link in links_of(model):
        number = link.through.objects.filter(**{link.own: record.pk}).count()
        if number:
            counts[link.label] = counts.get(link.label, 0) + number
    for rows in rows_of(model):
        number = rows.model._default_manager.filter(**{rows.field: record.pk}).count()
        if number:
            counts[rows.label] = counts.get(rows.label, 0) + number
    return Moves(record, counts, list(record.tags.all()))


def plan(survivor, duplicates):
    """What merging ``duplicates`` into ``survivor`` would move (nothing is written)."""
    duplicates = list(duplicates)
    check(survivor, duplicates)
    model = type(survivor)
    moves = [moves_of(record) for record in duplicates]
    known = {name.casefold() for name in survivor.names}
    aliases = []
    for record in duplicates:
        for name in record.names:
            if name.casefold() not in known:
                known.add(name.casefold())
                aliases.append(name)
    old = OldSlug.objects.of_kind(model).filter(object_id__in=[r.pk for r in duplicates])
    old_slugs = [record.slug for record in duplicates] + list(old.values_list("slug", flat=True))
    return Plan(survivor, duplicates, moves, aliases, old_slugs)


def merge(survivor, duplicates, user=None):
    """Merge ``duplicates`` into ``survivor`` in one transaction, recorded as one revision
    ("Merged X into Y") that ``revert_merge`` can undo; returns the ``Plan`` done."""
    model = type(survivor)
    with transaction.atomic(), batched():
        survivor = model._default_manager.select_for_update().get(pk=survivor.pk)
        done = plan(survivor, duplicates)
        # A revision written as the merge goes (reversion would leave out the versions of
        # records deleted by its end): first the duplicates as they are, links and rows
        # included, which reverting restores.
        revision = history.open_revision(user=user, comment=done.description, action="merge")
        revision.record(done.duplicates)
        pks = [record.pk for record in done.duplicates]
        undo = {
            "survivor": {name: getattr(survivor, name) for name in _taken_fields(done.kind)},
            "tags_added": sorted(
                {tag.name for moves in done.moves for tag in moves.tags}
                - {tag.name for tag in survivor.tags.all()}
            ),
            "slugs": {str(record.pk): record.slug for record in done.duplicates},
            "links": [_move_links(link, survivor.pk, pks) for link in links_of(model)],
            "rows": [_move_rows(rows, survivor.pk, pks) for rows in rows_of(model)],
        }
        tags = {tag.pk: tag for moves in done.moves for tag in moves.tags}
        if tags:
            survivor.tags.add(*tags.values())
        _take_names(survivor, done)
        survivor.save()
        # Their earlier old slugs lead to the survivor now; then the duplicates go, and their
        # own slugs become old slugs of the survivor.
        old = OldSlug.objects.of_kind(model).filter(object_id__in=pks)
        undo["old_slugs"] = [[slug, pk] for slug, pk in old.values_list("slug", "object_id")]
        old.update(object_id=survivor.pk)
        model._default_manager.filter(pk__in=pks).delete()
        for record in done.duplicates:
            OldSlug.objects.remember(survivor, record.slug)
        # Then the survivor and every record whose links moved, as they are now.
        revision.record([survivor])
        _record_moved(undo, revision)
        reindex_with_dependents(model, [survivor.pk])
        Merge.objects.create(
            revision=revision.revision,
            content_type=ContentType.objects.get_for_model(model),
            survivor_id=survivor.pk,
            description=done.description,
            undo=undo,
        )
    return done


def revert_merge(merge_record, user=None):
    """Undo a merge: the duplicates come back (as the merge's revision kept them) with their
    links, rows and old slugs, and the survivor loses the names, tags and old slugs it gained.
    One revision ("Reverted: Merged X into Y"), one transaction; refused, with the reason, if
    it was reverted already, the survivor is gone or a duplicate's slug is taken since."""
    model = merge_record.content_type.model_class()
    undo = merge_record.undo
    comment = f"Reverted: {merge_record.description}"
    with history.recording(user=user, comment=comment, action="revert"), batched():
        merge_record = Merge.objects.select_for_update().get(pk=merge_record.pk)
        if merge_record.reverted_at:
            raise ValidationError(f"“{merge_record.description}” was reverted already.")
        survivor = model._default_manager.filter(pk=merge_record.survivor_id).first()
        if survivor is None:
            raise ValidationError(
                "The record the merge kept has been deleted since: restore it first "
                f"({merge_record.description})."
            )
        slugs = {int(pk): slug for pk, slug in undo["slugs"].items()}
        taken = model._default_manager.filter(slug__in=slugs.values()).exclude(pk__in=slugs)
        for record in taken[:1]:
            raise ValidationError(
                f"The address “{record.slug}” now belongs to “{record}”: change its slug "
                "before reverting the merge."
            )
        kind = OldSlug.objects.of_kind(model)
        kind.filter(slug__in=slugs.values(), object_id=survivor.pk).delete()
        for pk in slugs:
            history.revert(history.version_in(model, merge_record.revision, pk=pk), user=user)
        for slug, pk in undo["old_slugs"]:
            kind.filter(slug=slug).update(object_id=pk)
        for entry in undo["links"]:
            _unmove_links(entry, survivor.pk)
        for entry in undo["rows"]:
            _unmove_rows(entry, survivor.pk)
        survivor.refresh_from_db()
        for name, value in undo["survivor"].items():
            setattr(survivor, name, value)
        if undo["tags_added"]:
            survivor.tags.remove(*undo["tags_added"])
        survivor.save()
        _record_moved(undo)
        reindex_with_dependents(model, [survivor.pk, *slugs])
        merge_record.reverted_at = timezone.now()
        merge_record.save(update_fields=["reverted_at"])
    return merge_record


def _taken_fields(kind):
    """The survivor's fields a merge adds to: its one-per-line lists and its description."""
    return [*kind.list_fields, *(["description"] if "description" in kind.scalar_fields else [])]


def _take_names(survivor, done):
    kind = done.kind
    survivor.aliases = "\n".join([*survivor.alias_list, *done.aliases])
    for name in kind.list_fields:
        if name == "aliases":
            continue
        values = lines(getattr(survivor, name))
        for record in done.duplicates:
            values += [value for value in lines(getattr(record, name)) if value not in values]
        setattr(survivor, name, "\n".join(values))
    if hasattr(survivor, "description") and not survivor.description:
        survivor.description = next(
            (record.description for record in done.duplicates if record.description), ""
        )


def _chunks(items):
    items = list(items)
    for start in range(0, len(items), CHUNK_SIZE):
        yield items[start : start + CHUNK_SIZE]


def _move_links(link, survivor_pk, pks):
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
    for chunk in _chunks(moving):
        rows.filter(pk__in=chunk).update(**{link.own: survivor_pk})
    for chunk in _chunks(dropped):
        rows.filter(pk__in=chunk).delete()
    reindex(link.other_model, seen)
    return {
        "through": link.through._meta.label,
        "own": link.own,
        "other": link.other,
        "model": link.other_model._meta.label,
        "links": undo,
    }


def _unmove_links(entry, survivor_pk):
    through = apps.get_model(entry["through"])
    own, other = f"{entry['own']}_id", f"{entry['other']}_id"
    moved = [other_pk for other_pk, _, was_moved in entry["links"] if was_moved]
    for chunk in _chunks(moved):
        through.objects.filter(**{own: survivor_pk, f"{other}__in": chunk}).delete()
    existing = apps.get_model(entry["model"])._default_manager.values_list("pk", flat=True)
    present = set()
    for chunk in _chunks([other_pk for other_pk, _, _ in entry["links"]]):
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


def _move_rows(rows, survivor_pk, pks):
    """Point other rows' foreign key at the survivor. A row that is not a record (an
    affiliation) and would repeat one the survivor has is deleted instead. Returns what
    reverting needs."""
    manager = rows.model._default_manager
    fk = rows.model._meta.get_field(rows.field).attname
    entry = {"model": rows.model._meta.label, "field": fk, "rows": []}
    if rows.is_record:
        moved = list(manager.filter(**{f"{fk}__in": pks}).values_list("pk", fk))
        for chunk in _chunks([pk for pk, _ in moved]):
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
    for chunk in _chunks(dropped):
        manager.filter(pk__in=chunk).delete()
    for chunk in _chunks(moving):
        manager.filter(pk__in=chunk).update(**{fk: survivor_pk})
    return entry


def _unmove_rows(entry, survivor_pk):
    model = apps.get_model(entry["model"])
    manager, fk = model._default_manager, entry["field"]
    if model in BY_MODEL:
        by_duplicate = {}
        for row in entry["rows"]:
            by_duplicate.setdefault(row["duplicate"], []).append(row["pk"])
        for duplicate, pks in by_duplicate.items():
            for chunk in _chunks(pks):
                # Only those still pointing at the survivor: a later edit stands.
                manager.filter(pk__in=chunk, **{fk: survivor_pk}).update(**{fk: duplicate})
            reindex(model, pks)
        return
    moved = [row["pk"] for row in entry["rows"] if row["moved"]]
    for chunk in _chunks(moved):
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


def _record_moved(undo, revision=history):
    """Keep the records whose links or foreign keys moved, as they are now, in ``revision``
    (an open revision, or the one being recorded): their versions hold their links."""
    for entry in undo["links"]:
        model = apps.get_model(entry["model"])
        revision.record_pks(model, sorted({other for other, _, _ in entry["links"]}))
    for entry in undo["rows"]:
        model = apps.get_model(entry["model"])
        if model in BY_MODEL:
            revision.record_pks(model, [row["pk"] for row in entry["rows"]])


def kind_named(word):
    """The mergeable kind a person names ("person", "people", "organisation", ...), or None."""
    for kind in mergeable_kinds():
        spellings = {kind.name, kind.plural, kind.verbose_name, kind.verbose_name_plural}
        if word.casefold() in spellings:
            return kind
    return None


def records_at(kind, slugs):
    """The records of ``kind`` at ``slugs`` (current slugs), in that order; a slug no record
    of the kind has is refused, naming the kind that has it if another does."""
    found = kind.model._default_manager.in_bulk(slugs, field_name="slug")
    for slug in slugs:
        if slug in found:
            continue
        for other in KINDS.values():
            if other is not kind and other.model._default_manager.filter(slug=slug).exists():
                raise ValidationError(
                    f"“{slug}” is a {other.verbose_name}, not a {kind.verbose_name}: "
                    "only records of one kind can be merged."
                )
        raise ValidationError(f"No {kind.verbose_name} has the slug “{slug}”.")
    return [found[slug] for slug in slugs]


def summary_lines(done):
    """What a merge moves (or moved), in lines a person reads."""
    lines_ = [f"{done.description}."]
    for moves in done.moves:
        counts = ", ".join(f"{number} {label}" for label, number in moves.counts.items())
        tags = ", ".join(tag.name for tag in moves.tags)
        lines_.append(
            f"  {moves.record} ({moves.record.slug}): {counts or 'no links'}"
            + (f"; tags {tags}" if tags else "")
        )
    if done.aliases:
        lines_.append(f"  New aliases of “{done.survivor}”: {', '.join(done.aliases)}")
    lines_.append(f"  Old addresses leading to “{done.survivor}”: {', '.join(done.old_slugs)}")
    return lines_
