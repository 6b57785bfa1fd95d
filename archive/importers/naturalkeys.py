"""Finding the stored record an incoming one describes, by the natural keys its kind declares.

Each kind names its keys, strongest first, the slug last (``Kind.natural_key``): the slug for
every kind; an article is first looked up by its ``source_guid`` (a WordPress GUID) and then its
``source_url``. A record found by a weaker key but holding a different value of the strongest
one is another record. A record given without a slug gets the slug its name or title makes,
and that slug is its key, so importing it again finds it; one given a stronger key instead
gets a fresh unique slug from the model, since that key is its identity. A stored record found
by the slug a name makes must have that name: a different name is a problem naming both,
never an overwrite.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from taggit.models import TaggedItem

from ..models import Affiliation, OldSlug
from .values import Invalid, name_key, text

SLUG = "slug"
AFFILIATIONS = "affiliations"


@dataclass(frozen=True)
class Found:
    """What ``find`` found: the stored record (a new unsaved one carrying the slug its name
    makes, or None for a new record), the slug no other stored record holds when the lookup
    proved it (so validation can skip that uniqueness query), and why nothing may be written."""

    instance: object = None
    proven_unique_slug: str = ""
    invalid: list = field(default_factory=list)


def derived_slug(kind, data):
    """The slug a record given without one gets from its name or title."""
    source = data.get(kind.model.slug_source)
    if not isinstance(source, str) or not source.strip():
        return ""
    probe = kind.model(**{kind.model.slug_source: source})
    return probe.slug_base()


def key_values(kind, data):
    """{key name: value} of the natural keys the data gives (the slug derived if not given)."""
    values = {name: text(data.get(name)) for name in kind.natural_key}
    values[SLUG] = values[SLUG] or derived_slug(kind, data)
    return values


def find(kind, data, stored):
    """The stored record this data describes, as a :class:`Found`."""
    given = {name: text(data.get(name)) for name in kind.natural_key if name != SLUG}
    strongest = kind.natural_key[0]
    for name, value in given.items():
        if value:
            found = stored.lookup(kind.model, name, value)
            if found and not _conflicts(found, strongest, given):
                return Found(found, found.slug)  # it holds its slug: no other record can
    slug = text(data.get(SLUG))
    if not slug and any(given.values()):
        return Found()  # a new record: the model gives it a unique slug
    slug = slug or derived_slug(kind, data)
    if not slug:
        return Found()
    found = stored.lookup(kind.model, SLUG, slug)
    if found is not None and _conflicts(found, strongest, given):
        label = kind.model._meta.get_field(strongest).verbose_name
        message = (
            f"the slug “{slug}” belongs to another {kind.verbose_name} ({label} "
            f"“{getattr(found, strongest)}”); give this one a different slug"
        )
        return Found(invalid=[Invalid(message, SLUG)])
    if found is not None and SLUG not in data and not _same_name(kind, found, data):
        return Found(invalid=[_name_clash(kind, found, data, slug)])
    if found is None:
        moved_to = stored.moved_to(kind.model, slug)
        if moved_to is not None:
            return Found(invalid=[_old_address(kind, moved_to, data, slug)])
        if SLUG not in data:
            return Found(kind.model(slug=slug), slug)
    return Found(found, slug)


def _conflicts(found, strongest, given):
    """Whether a stored record holds another value of the strongest key than the data gives."""
    wanted = given.get(strongest)
    held = getattr(found, strongest) if wanted else ""
    return bool(held) and held != wanted


def _same_name(kind, found, data):
    """Whether a record found by the slug its name makes has that name (case and spacing
    aside): two different names that make one slug are two records, never one."""
    source = kind.model.slug_source
    return name_key(getattr(found, source)) == name_key(data.get(source))


def _name_clash(kind, found, data, slug):
    source = kind.model.slug_source
    return Invalid(
        f"“{text(data.get(source))}” makes the slug “{slug}”, which is the {kind.verbose_name} "
        f"“{getattr(found, source)}”; give this {kind.verbose_name} a slug of its own (or, if it "
        "is that record, its slug)",
        source,
    )


def _old_address(kind, record, data, slug):
    """A slug a record gave up (merged into another, renamed) is never taken by an import: it
    would bring back the duplicate, or take over the address that leads to the record."""
    source = kind.model.slug_source
    given = f"“{text(data.get(source))}” makes the slug" if SLUG not in data else "The slug"
    return Invalid(
        f"{given} “{slug}”, an old address of the {kind.verbose_name} “{getattr(record, source)}” "
        f"(merged or renamed; its slug is now “{record.slug}”): give “{record.slug}” to update "
        f"that {kind.verbose_name}, or a slug of its own to add another",
        SLUG if SLUG in data else source,
    )


@dataclass
class StoredRelations:
    """What a stored record links to, as the writer compares it: {link: pks}, its tags' names
    (lower case) and its affiliations as (organisation pk, role)."""

    links: dict
    tags: set
    affiliations: set


def attach_relations(kind, instances):
    """Give each stored record its ``stored_relations``, read as plain values: a query per
    table for all of them, no model instance per linked record or tag."""
    by_pk = {instance.pk: StoredRelations({name: set() for name in kind.links}, set(), set())
             for instance in instances}  # fmt: skip
    if not by_pk:
        return
    pks = list(by_pk)
    for name in kind.links:
        field = kind.model._meta.get_field(name)
        through = field.remote_field.through
        source, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
        rows = through._default_manager.filter(**{f"{source}__in": pks})
        for pk, linked in rows.values_list(source, target):
            by_pk[pk].links[name].add(linked)
    tagged = TaggedItem.objects.filter(
        content_type=ContentType.objects.get_for_model(kind.model), object_id__in=pks
    )
    for pk, name in tagged.values_list("object_id", "tag__name"):
        by_pk[pk].tags.add(name.lower())
    if AFFILIATIONS in kind.accepted_keys:
        rows = Affiliation.objects.filter(person_id__in=pks)
        for pk, organization, role in rows.values_list("person_id", "organization_id", "role"):
            by_pk[pk].affiliations.add((organization, role))
    for instance in instances:
        instance.stored_relations = by_pk[instance.pk]


class StoredRecords:
    """The stored records a chunk of the run names, looked up a query per key in advance
    (``prefetch``) so that each record need not ask for its own."""

    def __init__(self):
        self.prefetched = {}
        self.never_given_up = {}  # {model: slugs no record holds nor gave up}, per chunk

    def prefetch(self, kinds_and_data):
        """Look up the stored records named by (kind, data) pairs, with what the writer
        compares (their links, tags and affiliations: ``attach_relations``)."""
        wanted = defaultdict(set)
        kinds = {}
        for kind, data in kinds_and_data:
            kinds[kind.name] = kind
            for name, value in key_values(kind, data).items():
                if value:
                    wanted[kind.name, name].add(value)
        self.prefetched = {}
        self.never_given_up = {}
        for (kind_name, name), values in wanted.items():
            kind = kinds[kind_name]
            known = dict.fromkeys(values)
            stored = list(
                kind.model._default_manager.filter(**{f"{name}__in": values}).order_by("-pk")
            )
            attach_relations(kind, stored)
            for instance in stored:
                known[getattr(instance, name)] = instance  # the lowest pk wins, as in first()
            self.prefetched[kind.model, name] = known
            if name == SLUG:
                gone = {value for value, instance in known.items() if instance is None}
                moved = OldSlug.objects.moved(kind.model, gone) if gone else {}
                self.never_given_up[kind.model] = gone - moved.keys()

    def lookup(self, model, name, value):
        """The stored record whose ``name`` is ``value`` (the lowest pk), or None."""
        known = self.prefetched.get((model, name))
        if known is not None and value in known:
            return known.pop(value)  # once: the record may change after this
        return model._default_manager.filter(**{name: value}).order_by("pk").first()

    def moved_to(self, model, slug):
        """The stored record that gave up ``slug`` (see OldSlug), or None."""
        if slug in self.never_given_up.get(model, ()):
            return None
        return OldSlug.objects.record_at(model._default_manager.all(), slug)

    def forget(self, kind, snapshots):
        """A record was written: what was looked up by these keys may be out of date."""
        for name in kind.natural_key:
            known = self.prefetched.get((kind.model, name))
            if known is not None:
                for values in snapshots:
                    known.pop(values.get(name), None)
