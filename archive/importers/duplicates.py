"""Each record may appear once in an import: which records the run has met, and where a
record met again first appeared."""

from collections import defaultdict

from .bookkeeping import PrimaryKeySet
from .naturalkeys import SLUG, key_values
from .values import Invalid, text


class RecordsMet:
    """The records met so far (a bit per primary key) and the new ones that failed validation
    (by slug: they have no primary key), whose links are then not reported again.

    ``earlier_records`` is a callable that reads the run's files again from the start,
    yielding :class:`~.items.Record`; it is used only to name where a duplicate first appeared.
    """

    def __init__(self, earlier_records=None):
        self.earlier_records = earlier_records or (lambda: ())
        self.met = defaultdict(PrimaryKeySet)
        self.failed = set()

    def created(self, model, pk):
        self.met[model].add(pk)

    def fail(self, model, instance):
        """A record was not written: remember a new one's slug."""
        if instance.slug and instance.pk is None:
            self.failed.add((model, instance.slug))

    def has_failed(self, model, slug):
        return (model, slug) in self.failed

    def check(self, kind, instance, data, location, before):
        """Invalid when the record was met before in this run, whether by its slug or by
        another key; an empty list otherwise (and the record is now met).

        A second record with a slug already met finds the first one by that slug (it is
        stored, or was there before), so meeting a primary key twice covers both keys; a
        first record that failed validation is not stored and is remembered in ``failed``.
        """
        if instance.pk is not None:
            if not self.met[kind.model].add(instance.pk):
                return []
        elif not instance.slug or not self.has_failed(kind.model, instance.slug):
            return []
        first = self._first_location(kind, instance, location)
        # Met by its slug when it keeps the slug the first one left it with.
        if instance.slug and (before is None or before[SLUG] == instance.slug):
            return [
                Invalid(
                    f"the slug “{instance.slug}” is already used by the {kind.verbose_name} at "
                    f"{first}; each record may appear once in an import",
                    SLUG,
                )
            ]
        others = [name for name in kind.natural_key if name != SLUG]
        fallback = others[-1] if others else SLUG
        key = next((name for name in others if text(data.get(name))), fallback)
        return [
            Invalid(
                f"this is the same {kind.verbose_name} as the one at {first} (same {key}); "
                "each record may appear once in an import",
                key,
            )
        ]

    def _first_location(self, kind, instance, location):
        """Where the record met again first appeared (reads the files again: only for errors)."""
        keys = {(name, getattr(instance, name)) for name in kind.natural_key}
        keys = {(name, value) for name, value in keys if value}
        for record in self.earlier_records():
            if str(record.location) == str(location):
                break
            if record.kind != kind.name or not isinstance(record.data, dict):
                continue
            if keys & set(key_values(kind, record.data).items()):
                return str(record.location)
        return "an earlier line of this import"
