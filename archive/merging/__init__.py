"""Merging duplicates: two or more records of one kind ("McCain", "John McCain") become one.

The one code path for the admin action and ``manage.py merge_records``. Everything that points
at a duplicate moves to the survivor: every many-to-many link, from other kinds or its own
(read from ``_meta``, so a link added to the models moves too), rows that carry more (a
person's affiliations, without making a row the survivor already has), foreign keys of other
kinds (an event's place), and tags. The duplicates' names and one-per-line lists (aliases,
roles) join the survivor's, their slugs become the survivor's old slugs (their addresses answer
301 to it, ``models/old_slugs.py``), and they are deleted. All in one transaction; the search
index is brought in step with the survivor's names and the page cache follows the database.

A merge is one revision in the history (``archive.history``): the duplicates as they were, the
survivor and every record whose links moved as they became. Its ``Merge`` row keeps what
``revert_merge`` must undo. How things move is in ``moves.py``.
"""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .. import history
from ..models import Merge, OldSlug
from ..models.base import lines
from ..registry import BY_MODEL, KINDS
from ..search.index import batched, reindex_with_dependents
from .moves import (
    links_of,
    move_documents,
    move_links,
    move_rows,
    record_moved,
    rows_of,
    unmove_documents,
    unmove_links,
    unmove_rows,
)


def a(noun):
    """ "a person", "an organisation"."""
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"


def mergeable_kinds():
    """The kinds whose records may be merged: those with other names (aliases) to keep."""
    return [kind for kind in KINDS.values() if "aliases" in kind.list_fields]


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
                f"“{record}” is {a(record._meta.verbose_name)}, not "
                f"{a(model._meta.verbose_name)}: only records of one kind can be merged."
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
    files = record.documents.count()  # a generic relation: neither of the above
    if files:
        counts[str(record.documents.model._meta.verbose_name_plural)] = files
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
    with transaction.atomic(), history.kept_by_hand(), batched():
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
            "links": [move_links(link, survivor.pk, pks) for link in links_of(model)],
            "rows": [move_rows(rows, survivor.pk, pks) for rows in rows_of(model)],
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
        undo["documents"] = move_documents(model, survivor.pk, pks)
        model._default_manager.filter(pk__in=pks).delete()
        for record in done.duplicates:
            OldSlug.objects.remember(survivor, record.slug)
        # Then the survivor and every record whose links moved, as they are now.
        revision.record([survivor])
        record_moved(undo, revision)
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
        unmove_documents(undo.get("documents", []), survivor.pk)
        for entry in undo["links"]:
            unmove_links(entry, survivor.pk)
        for entry in undo["rows"]:
            unmove_rows(entry, survivor.pk)
        survivor.refresh_from_db()
        for name, value in undo["survivor"].items():
            setattr(survivor, name, value)
        if undo["tags_added"]:
            survivor.tags.remove(*undo["tags_added"])
        survivor.save()
        record_moved(undo)
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
                    f"“{slug}” is {a(other.verbose_name)}, not {a(kind.verbose_name)}: "
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
