"""Applying one incoming record to the database: the one code path every format shares.

Each format reads its files into :class:`~.items.Record` items holding plain dictionaries of
the JSON archive's shape (see ``docs/archive-format.md``) and hands them to
:class:`RecordWriter`. The writer finds the record by its natural keys (``naturalkeys.py``),
coerces the values (``values.py``), resolves links by slug (``relations.py``), validates it with
the model's own ``full_clean`` (the same rules the admin applies) and writes only what changed.

New records are validated one by one but inserted together (:class:`NewRecords`): one INSERT
for a run of records of one kind, at the end of the chunk, or earlier when a record needs them
stored (another kind, which may link to them, or a record sharing one of their keys).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from .. import history
from ..registry import KINDS
from . import naturalkeys, values
from .duplicates import RecordsMet
from .files import FILES, FileAttacher
from .items import Record
from .naturalkeys import SLUG, StoredRecords, key_values
from .relations import Relations
from .tags import TAG_KIND, write_tag
from .translations import SelfLinks
from .values import Invalid, text


@dataclass(frozen=True)
class Change:
    """A record's data applied to its instance (not yet saved), and what else it says."""

    instance: object
    before: dict | None  # the stored record's snapshot; None for a new record
    resolved: object  # relations.Resolved
    timestamps: dict
    invalid: list
    location: object = None

    @property
    def is_new(self):
        return self.before is None


class RecordWriter:
    """Validates and writes records, counting what was created, updated and left unchanged.

    ``earlier_records`` is a callable that reads the run's files again from the start,
    yielding :class:`~.items.Record`; it is used only to name where a duplicate first appeared.
    """

    def __init__(self, problems, import_run=None, earlier_records=None, notice=None):
        self.problems = problems
        self.notice = notice or (lambda location, message: None)
        self.import_run = import_run
        self.counts = defaultdict(Counter)
        self.records_met = RecordsMet(earlier_records)
        self.stored = StoredRecords()
        self.relations = Relations(self.records_met)
        self.new_records = NewRecords()
        self.history = RunHistory(import_run)
        self.self_links = SelfLinks(problems, self.records_met)
        self.files = FileAttacher(problems, self.counts, import_run, self.notice)

    def prefetch(self, records):
        """Look up, a query per key, the stored records a chunk of records names, and the
        records they link to."""
        named = [
            (KINDS[record.kind], record.data)
            for record in records
            if record.kind in KINDS and isinstance(record.data, dict)
        ]
        self.stored.prefetch(named)
        self.relations.prefetch(named)
        self.history.keep_before(self.stored)

    def flush(self):
        self._insert_new()
        self.relations.flush()
        self.files.attach()  # the chunk's records are all stored now
        self.history.flush()

    def finish(self):
        """After every record is written: the links to records of their own kind."""
        self.flush()
        # The run's versions of those records hold the links too.
        for instance in self.self_links.finish():
            self.history.written(instance)
        self.history.flush()

    def skip(self, kind_name, number=1):
        self.counts[kind_name]["skipped"] += number

    def withdraw(self, item):
        """Make the stored record a ``Withdrawn`` item names a draft; None if there is none."""
        self._insert_new()
        found = naturalkeys.find(KINDS[item.kind], item.keys, self.stored)
        self._report(item.location, found.invalid)
        if found.instance is None or found.instance.pk is None:
            self.skip(item.kind)
            self.notice(item.location, f"{item.reason}: not imported")
            return None
        draft = Record(item.kind, {**item.keys, "status": "draft"}, item.location)
        return self.write(draft, reason=item.reason)

    def write(self, record, reason=None):
        """Validate and write one :class:`~.items.Record`; returns the stored instance, or None
        after reporting problems. ``reason`` says why, when the record is made a draft."""
        kind_name, data, location = record.kind, record.data, record.location
        if kind_name == TAG_KIND:
            return self._write_tag(data, location)
        invalid = _shape_problems(kind_name, data)
        if invalid:
            return self._report(location, invalid)
        files = data.get(FILES)
        if FILES in data:
            data = {key: value for key, value in data.items() if key != FILES}
        instance = self._write_record(kind_name, data, location, reason)
        if instance is not None:
            self.files.add(instance, files, location)
        return instance

    def _write_record(self, kind_name, data, location, reason):
        kind = KINDS[kind_name]
        if self.new_records.needed_by(kind, data):
            self._insert_new()
        change = self._apply(kind, data, location)
        if change.invalid:
            self.records_met.fail(kind.model, change.instance)
            return self._report(location, change.invalid)
        if not change.is_new and not self._differs(kind, change):
            self.counts[kind.name]["unchanged"] += 1
            return change.instance
        self._save(kind, change, location, reason)
        self.counts[kind.name]["created" if change.is_new else "updated"] += 1
        return change.instance

    def _apply(self, kind, data, location):
        """Find the record and give it the data's values, collecting what is wrong."""
        invalid = [
            Invalid(
                f"unknown field; {kind.verbose_name} records have {', '.join(kind.accepted_keys)}",
                key,
            )
            for key in data
            if key not in kind.accepted_keys
        ]
        timestamps, bad = values.timestamps(data)
        invalid += bad
        found = naturalkeys.find(kind, data, self.stored)
        invalid += found.invalid
        instance = found.instance or kind.model()
        before = None if instance.pk is None else snapshot(kind, instance)
        stored_capture = getattr(instance, "capture_text", None)
        for name in kind.scalar_fields:
            if name in data:
                value, bad = values.scalar(kind, name, data[name])
                invalid += bad
                setattr(instance, name, value)
        if (
            "capture_sha256" in kind.scalar_fields
            and "capture_sha256" not in data
            and instance.capture_text != stored_capture
        ):
            # A new capture: the model's clean() records its SHA-256. A capture_sha256 given
            # in the data (an export of the archive) is kept as it was recorded.
            instance.capture_sha256 = ""
        resolved, bad = self.relations.resolve(kind, data)
        invalid += bad
        for name, pk in resolved.foreign_keys.items():
            setattr(instance, kind.model._meta.get_field(name).attname, pk)
        # A linked record was just found by its slug: asking again whether it exists cannot fail.
        linked = [name for name, pk in resolved.foreign_keys.items() if pk is not None]
        # Links to the same kind are checked (for loops) all at once at the end.
        linked += [name for name in resolved.self_links if name not in linked]
        invalid += _validate(instance, found.proven_unique_slug, linked)
        invalid += self.records_met.check(kind, instance, data, location, before)
        return Change(instance, before, resolved, timestamps, invalid, location)

    def _differs(self, kind, change):
        return snapshot(kind, change.instance) != change.before or self.relations.differ(
            change.instance, change.resolved
        )

    def _save(self, kind, change, location, reason):
        instance, before = change.instance, change.before
        if before and before["status"] == "published" and instance.status != "published":
            because = f"{reason}: " if reason else ""
            self.notice(location, f"{because}no longer public (it is now a draft)")
        instance.import_run = self.import_run
        instance.given_times = change.timestamps
        self.stored.forget(kind, [before or {}, {SLUG: instance.slug, **snapshot(kind, instance)}])
        if change.is_new:
            self.new_records.add(kind, change)
            return
        instance.save()
        self._saved(kind, change)

    def _insert_new(self):
        for kind, change in self.new_records.insert():
            self._saved(kind, change)

    def _saved(self, kind, change):
        """What follows a record's save: its links, tags and times, and the run's bookkeeping."""
        instance = change.instance
        self.relations.write(kind, instance, change.resolved, change.is_new)
        for name, (slug, pk) in change.resolved.self_links.items():
            self.self_links.note(kind, instance, name, slug, pk, change.location)
        if change.is_new:
            self.records_met.created(kind.model, instance.pk)
        self.relations.remember(kind.model, instance.slug, instance.pk)
        self.history.written(instance)

    def _write_tag(self, data, location):
        tag, action = write_tag(data, location, self.problems)
        if tag is not None:
            self.relations.remember_tag(tag)
            self.counts[TAG_KIND][action] += 1
        return tag

    def _report(self, location, invalid):
        for item in invalid:
            self.problems.add(location, item.message, item.field)
        return None


class RunHistory:
    """The run's revision (``archive.history``): every record it creates or updates is kept,
    as written (links and tags included), at the end of each chunk, in bulk; one revision per
    run, tied to the ImportRun, opened when the run first writes a record.

    A stored record the run may update that has no version yet (written before history was
    kept) first has its state kept, in a revision of its own ("baseline"), so that what the
    run changed can be seen and undone. Both cost a few queries per chunk, none per record."""

    def __init__(self, import_run):
        self.import_run = import_run
        self.revision = None
        self.baseline = None
        self.pending = {}

    def keep_before(self, stored):
        by_model = defaultdict(set)
        for (model, _), known in stored.prefetched.items():
            by_model[model].update(instance.pk for instance in known.values() if instance)
        for model, pks in by_model.items():
            missing = history.without_versions(model, pks)
            if missing:
                if self.baseline is None:
                    self.baseline = history.open_revision(
                        comment="As it was before history was kept", action="baseline"
                    )
                self.baseline.record_pks(model, sorted(missing))

    def written(self, instance):
        self.pending[type(instance), instance.pk] = instance

    def flush(self):
        if not self.pending:
            return
        if self.revision is None:
            run = self.import_run
            self.revision = history.open_revision(
                user=getattr(run, "user", None),
                import_run=run,
                comment=f"Imported by {run.command}" if run else "Imported",
                action="import",
            )
        self.revision.record(list(self.pending.values()))
        self.pending = {}


def _shape_problems(kind_name, data):
    if kind_name not in KINDS:
        return [
            Invalid(
                f"unknown kind of record “{kind_name}”; expected one of {', '.join(KINDS)}",
                "kind",
            )
        ]
    if not isinstance(data, dict):
        return [Invalid("expected an object of named fields")]
    return []


def snapshot(kind, instance):
    """The record's own values as text, to tell whether an import changed them."""
    names = [*kind.scalar_fields, *(f"{name}_id" for name in kind.foreign_keys)]
    return {name: str(getattr(instance, name)) for name in names}


class NewRecords:
    """New records of one kind, validated and waiting to be inserted together."""

    def __init__(self):
        self.kind = None
        self.changes = []
        self.keys = set()

    def needed_by(self, kind, data):
        """Whether the waiting records must be stored before this record is written: it is of
        another kind (it may link to them), it names one of their keys, or it gets a slug the
        model makes unique against the stored records."""
        if not self.changes:
            return False
        if kind is not self.kind:
            return True
        if not text(data.get(SLUG)) and any(
            text(data.get(name)) for name in kind.natural_key if name != SLUG
        ):
            return True  # a fresh slug, made unique against the stored records
        keys = key_values(kind, data)
        if not keys[SLUG]:
            return True
        return any((name, value) in self.keys for name, value in keys.items() if value)

    def add(self, kind, change):
        self.kind = kind
        self.changes.append(change)
        for name in kind.natural_key:
            value = getattr(change.instance, name)
            if value:
                self.keys.add((name, value))

    def insert(self):
        """Insert the waiting records (one statement per batch; they get their primary keys)
        and yield (kind, change) for each."""
        if not self.changes:
            return
        kind, changes = self.kind, self.changes
        self.kind, self.changes, self.keys = None, [], set()
        kind.model._default_manager.bulk_create(
            [change.instance for change in changes], batch_size=BATCH_SIZE
        )
        for change in changes:
            yield kind, change


BATCH_SIZE = 500


def _validate(instance, proven_unique_slug, linked=()):
    """The model's ``full_clean``. The slug's uniqueness query is left out only when the
    natural-key lookup has just shown that no other record holds the slug, and the query
    whether a linked record exists when it was just found (``linked``), or is the import's
    own run (``import_run``, which the writer sets)."""
    proven = bool(instance.slug) and instance.slug == proven_unique_slug
    errors = {}
    try:
        instance.full_clean(exclude=[*linked, "import_run"], validate_unique=not proven)
    except ValidationError as error:
        errors = error.message_dict
    if proven:
        try:
            instance.validate_unique(exclude=[SLUG, *linked, "import_run", *errors])
        except ValidationError as error:
            errors = {**errors, **error.message_dict}
    return [
        Invalid(message, None if name == "__all__" else name)
        for name, messages in errors.items()
        for message in messages
    ]
