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

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import OldSlug
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


def merge(survivor, duplicates):
    """Merge ``duplicates`` into ``survivor`` in one transaction; returns the ``Plan`` done."""
    with transaction.atomic(), batched():
        model = type(survivor)
        survivor = model._default_manager.select_for_update().get(pk=survivor.pk)
        done = plan(survivor, duplicates)
        pks = [record.pk for record in done.duplicates]
        for link in links_of(model):
            _move_links(link, survivor.pk, pks)
        for rows in rows_of(model):
            _move_rows(rows, survivor.pk, pks)
        tags = {tag.pk: tag for moves in done.moves for tag in moves.tags}
        if tags:
            survivor.tags.add(*tags.values())
        _take_names(survivor, done)
        survivor.save()
        # Their earlier old slugs lead to the survivor now; then the duplicates go, and their
        # own slugs become old slugs of the survivor.
        OldSlug.objects.of_kind(model).filter(object_id__in=pks).update(object_id=survivor.pk)
        slugs = [record.slug for record in done.duplicates]
        model._default_manager.filter(pk__in=pks).delete()
        for slug in slugs:
            OldSlug.objects.remember(survivor, slug)
        reindex_with_dependents(model, [survivor.pk])
    return done


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
    """Point the duplicates' links at the survivor, leaving out any it already has."""
    rows = link.through.objects
    seen = set(rows.filter(**{link.own: survivor_pk}).values_list(link.other, flat=True))
    moving, dropped = [], []
    for pk, other in rows.filter(**{f"{link.own}__in": pks}).values_list("pk", link.other):
        (dropped if other in seen else moving).append(pk)
        seen.add(other)
    for chunk in _chunks(moving):
        rows.filter(pk__in=chunk).update(**{link.own: survivor_pk})
    for chunk in _chunks(dropped):
        rows.filter(pk__in=chunk).delete()
    reindex(link.other_model, seen)


def _move_rows(rows, survivor_pk, pks):
    """Point other rows' foreign key at the survivor. A row that is not a record (an
    affiliation) and would repeat one the survivor has is deleted instead."""
    manager = rows.model._default_manager
    if rows.is_record:
        moved = list(manager.filter(**{f"{rows.field}__in": pks}).values_list("pk", flat=True))
        for chunk in _chunks(moved):
            # ``QuerySet.update`` (no status): the records keep their status and times.
            manager.filter(pk__in=chunk).update(**{rows.field: survivor_pk})
        reindex(rows.model, moved)
        return
    fk = rows.model._meta.get_field(rows.field).attname
    others = [
        f.attname for f in rows.model._meta.concrete_fields if not f.primary_key and f.attname != fk
    ]
    seen = set(manager.filter(**{fk: survivor_pk}).values_list(*others))
    moving, dropped = [], []
    for pk, *values in manager.filter(**{f"{fk}__in": pks}).values_list("pk", *others):
        (dropped if tuple(values) in seen else moving).append(pk)
        seen.add(tuple(values))
    for chunk in _chunks(dropped):
        manager.filter(pk__in=chunk).delete()
    for chunk in _chunks(moving):
        manager.filter(pk__in=chunk).update(**{fk: survivor_pk})


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
