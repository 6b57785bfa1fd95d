"""Undoing an import run: the one implementation behind ``manage.py undo_import`` and the
Import runs admin action.

In one transaction, holding the import lock, every record the run created is removed and every
record it updated returns to its version before the run (fields, links, tags, affiliations).

What a run wrote is read from the history (``archive.history``): the run's revision holds a
version of every record it created or updated. A record in it is the run's own (created) when
its primary key is above the highest one of its kind as the run began
(``ImportRun.highest_pks``) and it has no version from before the run; otherwise the run
updated it, and its latest version before the run is what it returns to. A record with a
version after the run's, or deleted since, was changed again: the undo refuses and names it,
unless forced, when the record is left as it is now. Tags the run created that no record carries
any more are removed too, so undoing a run into an empty archive leaves it empty.

The plan is read with a few queries per kind (subqueries, never a query per record), so the
admin's confirmation page costs the same whatever the run's size. Carrying it out restores
records one by one through ``history.revert`` (``save()`` and the relation managers, so the
search index and the page cache follow, as for any revert) and deletes the removed ones a
kind at a time, in reverse link order, through ``QuerySet.delete()`` (whose signals keep the
search index right, as the admin's delete does), the index's updates batched to the end.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.functions import Cast
from django.utils import timezone
from reversion.models import Revision, Version
from taggit.models import Tag

from .. import history
from ..models import ImportRun
from ..registry import LINK_ORDER
from ..search.index import batched as batched_search_index
from .locking import import_transaction

TAG_KEY = "tag"
UNDO_ACTION = "undo"
DELETE_CHUNK = 500
IN_CHUNK = 5000
SHOWN_PER_LIST = 100


class UndoError(Exception):
    """The run cannot be undone as asked; nothing was changed."""


class UndoRefused(UndoError):
    """Records the run wrote were changed after it; ``plan.kept`` names them."""

    def __init__(self, plan):
        self.plan = plan
        super().__init__(str(self))

    def __str__(self):
        count = len(self.plan.kept)
        lines = [
            f"Import run {self.plan.run.pk} cannot be undone: {count} record"
            f"{'s' if count != 1 else ''} it wrote {'were' if count != 1 else 'was'} changed "
            "after it, and undoing would lose that change:",
            *(f"  {kept}" for kept in self.plan.kept),
            "Nothing was changed. Look at those records' history first, or undo anyway keeping "
            "them as they are now (--force).",
        ]
        return "\n".join(lines)


def highest_pks():
    """{kind name: its highest primary key}, and tags' under "tag", taken as a run begins."""
    found = {
        kind.name: kind.model._default_manager.aggregate(top=models.Max("pk"))["top"] or 0
        for kind in LINK_ORDER
    }
    found[TAG_KEY] = Tag.objects.aggregate(top=models.Max("pk"))["top"] or 0
    return found


@dataclass(frozen=True)
class Entry:
    """A record the run wrote."""

    kind: object  # registry.Kind
    pk: int
    slug: str
    label: str
    version: int | None = None  # the version it returns to (records the run updated)

    def __str__(self):
        named = f"{self.kind.name} {self.slug or f'#{self.pk}'}"
        return f"{named} ({self.label})" if self.label else named


@dataclass(frozen=True)
class Kept:
    """A record the undo leaves as it is, and why."""

    entry: Entry
    reason: str

    def __str__(self):
        return f"{self.entry}: {self.reason}"


@dataclass
class UndoPlan:
    run: ImportRun
    removed: dict = field(default_factory=lambda: defaultdict(list))  # kind name -> [Entry]
    restored: dict = field(default_factory=lambda: defaultdict(list))  # kind name -> [Entry]
    kept: list = field(default_factory=list)  # [Kept]
    new_tags: int = 0  # tags made during the run (removed when no record carries them)
    tags_removed: int = 0  # after carrying it out
    revisions: list = field(default_factory=list)  # the undo's in the history, once done

    def counts(self):
        """{kind name: {"removed": n, "restored": n, "kept": n}} for the kinds touched."""
        kept = defaultdict(int)
        for item in self.kept:
            kept[item.entry.kind.name] += 1
        counts = {}
        for kind in LINK_ORDER:
            figures = {
                "removed": len(self.removed[kind.name]),
                "restored": len(self.restored[kind.name]),
                "kept": kept[kind.name],
            }
            if any(figures.values()):
                counts[kind.name] = figures
        return counts

    def lists(self, limit=SHOWN_PER_LIST):
        """[(heading, [Entry or Kept], how many more)] for a person to read."""
        sections = [
            ("Removed (the run created them)", _flat(self.removed)),
            ("Restored to their version before the run", _flat(self.restored)),
            ("Kept as they are now (changed after the run)", self.kept),
        ]
        return [(title, items[:limit], max(0, len(items) - limit)) for title, items in sections]

    @property
    def summary(self):
        parts = [
            f"{figures[action]} {kind} {action}"
            for kind, figures in self.counts().items()
            for action in ("removed", "restored", "kept")
            if figures[action]
        ]
        return ", ".join(parts) or "nothing to change"


def _flat(by_kind):
    return [entry for kind in LINK_ORDER for entry in by_kind[kind.name]]


def plan_undo(run):
    """What undoing ``run`` would do, changing nothing. Raises UndoError when it cannot be
    undone at all (already undone, or recorded before the archive kept its history)."""
    if run.undone_at is not None:
        by = f" by {run.undone_by}" if run.undone_by else ""
        raise UndoError(
            f"Import run {run.pk} was already undone, on {run.undone_at:%Y-%m-%d %H:%M}{by}. "
            "Nothing was changed."
        )
    if not run.highest_pks:
        raise UndoError(
            f"Import run {run.pk} ran before the archive kept what each import wrote, so it "
            "cannot be undone. Nothing was changed."
        )
    revisions = list(
        Revision.objects.filter(origin__import_run=run)
        .exclude(origin__action=UNDO_ACTION)
        .values_list("pk", flat=True)
    )
    plan = UndoPlan(run)
    for kind in LINK_ORDER:
        _plan_kind(plan, kind, revisions, run.highest_pks.get(kind.name, 0))
    _keep_what_others_link_to(plan, revisions)
    plan.new_tags = Tag.objects.filter(pk__gt=run.highest_pks.get(TAG_KEY, 0)).count()
    return plan


def _plan_kind(plan, kind, revisions, highest):
    """Sort the records of one kind the run wrote: four queries however many there are."""
    content_type = ContentType.objects.get_for_model(kind.model)
    in_run = Version.objects.filter(revision_id__in=revisions, content_type=content_type)
    written = {}  # object id -> the label of its (latest) version in the run
    for object_id, label in in_run.order_by("pk").values_list("object_id", "object_repr"):
        written[object_id] = label
    if not written:
        return
    as_pk = in_run.annotate(as_pk=Cast("object_id", models.BigIntegerField())).values("as_pk")
    existing = {
        pk: (slug, updated_at, import_run_id)
        for pk, slug, updated_at, import_run_id in kind.model._default_manager.filter(pk__in=as_pk)
        .values_list("pk", "slug", "updated_at", "import_run_id")
        .order_by()
    }
    others = Version.objects.filter(
        content_type=content_type, object_id__in=in_run.values("object_id")
    ).exclude(revision_id__in=revisions)
    run_versions = in_run.filter(object_id=models.OuterRef("object_id"))
    before = dict(
        others.filter(pk__lt=models.Subquery(run_versions.order_by("pk").values("pk")[:1]))
        .values("object_id")
        .annotate(latest=models.Max("pk"))
        .values_list("object_id", "latest")
        .order_by()
    )
    later = {}
    for version in (
        others.filter(pk__gt=models.Subquery(run_versions.order_by("-pk").values("pk")[:1]))
        .select_related("revision__user", "revision__origin__import_run")
        .order_by("pk")
    ):
        later[version.object_id] = version  # the latest wins
    for object_id in sorted(written, key=int):
        pk = int(object_id)
        created = pk > highest and object_id not in before
        if pk not in existing:
            if not created:
                entry = Entry(kind, pk, "", written[object_id])
                plan.kept.append(Kept(entry, "deleted since the run; left deleted"))
            continue  # a record the run created and someone removed since: nothing to do
        slug, updated_at, import_run_id = existing[pk]
        entry = Entry(kind, pk, slug, written[object_id], before.get(object_id))
        if object_id in later:
            plan.kept.append(Kept(entry, _changed(later[object_id])))
        elif import_run_id != plan.run.pk or (
            plan.run.finished_at and updated_at > plan.run.finished_at
        ):
            # Written since by a path that kept no version: a later import, or a save.
            by = f" by import run {import_run_id}" if import_run_id != plan.run.pk else ""
            when = timezone.localtime(updated_at)
            plan.kept.append(Kept(entry, f"changed on {when:%Y-%m-%d %H:%M}{by}"))
        elif created:
            plan.removed[kind.name].append(entry)
        elif entry.version is not None:
            plan.restored[kind.name].append(entry)
        else:
            plan.kept.append(
                Kept(entry, "has no version from before the run (it predates the history)")
            )


def _written_by_run(model, revisions):
    """A subquery of the primary keys of ``model``'s records the run's revisions hold."""
    return (
        Version.objects.filter(
            revision_id__in=revisions, content_type=ContentType.objects.get_for_model(model)
        )
        .annotate(as_pk=Cast("object_id", models.BigIntegerField()))
        .values("as_pk")
    )


def _keep_what_others_link_to(plan, revisions):
    """A record the run created that a record outside the run links to now was linked to
    after the run (it did not exist before): removing it would change that record too, so
    it is kept, like any record changed after the run. A query per link between kinds (per
    ``IN_CHUNK`` records removed)."""
    for kind in LINK_ORDER:
        removed = {entry.pk: entry for entry in plan.removed[kind.name]}
        linked_from = {}  # pk -> "kind slug" of a record linking to it
        pks = sorted(removed)
        for start in range(0, len(pks), IN_CHUNK):
            for pk, linker in _linked_from_outside(kind, pks[start : start + IN_CHUNK], revisions):
                linked_from.setdefault(pk, linker)
        if linked_from:
            plan.removed[kind.name] = [e for e in removed.values() if e.pk not in linked_from]
            plan.kept += [
                Kept(removed[pk], f"{linked_from[pk]} links to it since the run")
                for pk in sorted(linked_from)
            ]


def _linked_from_outside(kind, pks, revisions):
    """(pk, "kind slug") for each record outside the run linking to one of ``pks``."""
    for other in LINK_ORDER:
        outside = _written_by_run(other.model, revisions)
        for link in other.model._meta.many_to_many:
            if link.related_model is not kind.model:
                continue
            source, target = link.m2m_field_name(), link.m2m_reverse_field_name()
            rows = (
                link.remote_field.through._default_manager.filter(**{f"{target}__in": pks})
                .exclude(**{f"{source}__in": outside})
                .values_list(target, f"{source}__slug")
                .order_by()
            )
            yield from ((pk, f"{other.name} {slug}") for pk, slug in rows)
        for name, target_model in other.foreign_keys.items():
            if target_model is not kind.model:
                continue
            rows = (
                other.model._default_manager.filter(**{f"{name}__in": pks})
                .exclude(pk__in=outside)
                .values_list(name, "slug")
                .order_by()
            )
            yield from ((pk, f"{other.name} {slug}") for pk, slug in rows)


def _changed(version):
    revision = version.revision
    origin = getattr(revision, "origin", None)
    who = []
    if revision.user is not None:
        who.append(str(revision.user))
    if origin is not None and origin.import_run_id:
        who.append(f"import run {origin.import_run_id}")
    by = f" by {', '.join(who)}" if who else ""
    return f"changed on {timezone.localtime(revision.date_created):%Y-%m-%d %H:%M}{by}"


def undo_import(run_pk, *, user=None, force=False, dry_run=False, lock_wait=None):
    """Undo import run ``run_pk`` (see the module's documentation); returns its UndoPlan.

    ``force`` undoes the rest when records were changed after the run, leaving those as they
    are; ``dry_run`` only plans. Raises UndoError (UndoRefused naming the records changed since)
    and ArchiveBusy (another import holds the lock after ``lock_wait`` seconds), nothing
    changed.
    """
    with import_transaction(wait=lock_wait):
        run = ImportRun.objects.select_for_update().filter(pk=run_pk).first()
        if run is None:
            raise UndoError(f"No import run {run_pk}; the admin lists them under “Import runs”.")
        plan = plan_undo(run)
        if plan.kept and not force:
            raise UndoRefused(plan)
        if not dry_run:
            _carry_out(plan, user)
    return plan


def _carry_out(plan, user):
    run = plan.run
    comment = f"Undo of import run {run.pk} ({run}): {plan.summary}."
    with (
        history.recording(user=user, comment=comment, action=UNDO_ACTION),
        batched_search_index(),
    ):
        for kind in LINK_ORDER:
            for entry in plan.restored[kind.name]:
                version = Version.objects.get(pk=entry.version)
                history.revert(version, user=user, comment=comment, action=UNDO_ACTION)
        removed = [
            record
            for kind in LINK_ORDER
            for pks in _chunks([entry.pk for entry in plan.removed[kind.name]])
            for record in kind.model._default_manager.filter(pk__in=pks)
        ]
        # Their last versions, with what links to them, so each can be found and restored.
        history.record_deletion(removed, user=user, comment=comment, action=UNDO_ACTION)
        for kind in reversed(LINK_ORDER):
            for pks in _chunks([entry.pk for entry in plan.removed[kind.name]]):
                kind.model._default_manager.filter(pk__in=pks).delete()
        unused = Tag.objects.filter(
            pk__gt=run.highest_pks.get(TAG_KEY, 0), taggit_taggeditem_items__isnull=True
        )
        unused_pks = list(unused.values_list("pk", flat=True))
        plan.tags_removed = Tag.objects.filter(pk__in=unused_pks).delete()[0]
    undone = Revision.objects.filter(origin__action=UNDO_ACTION, comment=comment)
    if not undone.exists():
        # Nothing restored or removed (the run changed nothing): the undo is kept all the same.
        history.open_revision(user=user, comment=comment, action=UNDO_ACTION)
    plan.revisions = sorted(undone.values_list("pk", flat=True))
    run.undone_at = timezone.now()
    run.undone_by = user if user is not None and user.is_authenticated else None
    run.save(update_fields=["undone_at", "undone_by"])


def _chunks(pks):
    for start in range(0, len(pks), DELETE_CHUNK):
        yield pks[start : start + DELETE_CHUNK]
