"""Applying one incoming record to the database: the one code path every format shares.

Each format reads its files into plain dictionaries of the JSON archive's shape (see
``docs/archive-format.md``) and hands them to :class:`RecordWriter`. The writer finds the
record by its natural key, validates it with the model's own ``full_clean`` (the same rules
the admin applies), resolves links by slug, and writes only what changed.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models

from ..models import Affiliation, Article, Event, Organization, Person, Place, Quotation


@dataclass(frozen=True)
class Kind:
    name: str
    plural: str
    model: type
    list_fields: tuple = ()
    links: dict = field(default_factory=dict)
    foreign_keys: dict = field(default_factory=dict)

    @property
    def scalar_fields(self):
        skip = {"id", "created_at", "updated_at", "import_run", *self.foreign_keys}
        return [
            f.name
            for f in self.model._meta.concrete_fields
            if f.name not in skip and not f.is_relation
        ]

    @property
    def accepted_keys(self):
        extra = {"tags"} | ({"affiliations"} if self.model is Person else set())
        return [*self.scalar_fields, *self.links, *self.foreign_keys, *sorted(extra)]


KINDS = {
    kind.name: kind
    for kind in [
        Kind("organization", "organizations", Organization, ("aliases",)),
        Kind("place", "places", Place, ("aliases",)),
        Kind("person", "people", Person, ("aliases", "roles")),
        Kind(
            "event",
            "events",
            Event,
            links={"people": Person, "organizations": Organization},
            foreign_keys={"place": Place},
        ),
        Kind(
            "article",
            "articles",
            Article,
            links={
                "people": Person,
                "organizations": Organization,
                "places": Place,
                "events": Event,
            },
        ),
        Kind(
            "quotation",
            "quotations",
            Quotation,
            links={"people": Person, "organizations": Organization},
            foreign_keys={"article": Article},
        ),
    ]
}
KINDS_BY_PLURAL = {kind.plural: kind for kind in KINDS.values()}
# Order in which kinds can be written so that every link points at something already there.
KIND_ORDER = ["organization", "place", "person", "event", "article", "quotation"]


class RecordWriter:
    """Validates and writes records, counting what was created, updated and left unchanged."""

    def __init__(self, problems, import_run=None):
        self.problems = problems
        self.import_run = import_run
        self.counts = defaultdict(Counter)
        self.seen = {}
        self.slug_cache = defaultdict(dict)

    def skip(self, kind_name, number=1):
        self.counts[kind_name]["skipped"] += number

    def write(self, kind_name, data, location):
        """Validate and write one record; returns it, or None after reporting problems."""
        kind = KINDS.get(kind_name)
        if kind is None:
            self.problems.add(
                location, f"unknown kind “{kind_name}”; expected one of {', '.join(KINDS)}", "kind"
            )
            return None
        if not isinstance(data, dict):
            self.problems.add(location, "expected an object of named fields")
            return None
        problems_before = len(self.problems.items)
        for key in data:
            if key not in kind.accepted_keys:
                self.problems.add(
                    location,
                    f"unknown field; a {kind.name} has {', '.join(kind.accepted_keys)}",
                    key,
                )
        instance = self._find(kind, data) or kind.model()
        is_new = instance.pk is None
        before = None if is_new else self._snapshot(kind, instance)

        for name in kind.scalar_fields:
            if name in data:
                value = self._scalar(kind, name, data[name], location)
                setattr(instance, name, value)
        for name, target in kind.foreign_keys.items():
            if name in data:
                setattr(instance, name, self._resolve_one(target, data[name], location, name))
        links = {
            name: self._resolve_many(target, data[name], location, name)
            for name, target in kind.links.items()
            if name in data
        }
        tags = self._tags(data.get("tags"), location) if "tags" in data else None
        affiliations = (
            self._affiliations(data["affiliations"], location) if "affiliations" in data else None
        )
        try:
            instance.full_clean()
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    self.problems.add(location, message, None if name == "__all__" else name)
        self._check_duplicate(kind, instance, location)
        if len(self.problems.items) > problems_before:
            return None

        changed = is_new or self._snapshot(kind, instance) != before
        if not is_new:
            changed = changed or self._relations_differ(instance, links, tags, affiliations)
        if not changed:
            self.counts[kind.name]["unchanged"] += 1
            return instance

        instance.import_run = self.import_run
        instance.save()
        for name, pks in links.items():
            getattr(instance, name).set(pks)
        if tags is not None:
            instance.tags.set(tags, clear=True)
        if affiliations is not None:
            self._set_affiliations(instance, affiliations)
        self.slug_cache[kind.model][instance.slug] = instance.pk
        self.counts[kind.name]["created" if is_new else "updated"] += 1
        return instance

    # Finding and comparing

    def _find(self, kind, data):
        manager = kind.model._default_manager
        slug = data.get("slug")
        if isinstance(slug, str) and slug:
            return manager.filter(slug=slug).first()
        if kind.model is Article:
            for key in ("source_guid", "source_url"):
                value = data.get(key)
                if isinstance(value, str) and value:
                    found = manager.filter(**{key: value}).first()
                    if found:
                        return found
        return None

    def _snapshot(self, kind, instance):
        names = [*kind.scalar_fields, *(f"{name}_id" for name in kind.foreign_keys)]
        return {name: str(getattr(instance, name)) for name in names}

    def _relations_differ(self, instance, links, tags, affiliations):
        for name, pks in links.items():
            current = set(getattr(instance, name).values_list("pk", flat=True))
            if current != set(pks):
                return True
        if tags is not None:
            current = {tag.name.lower() for tag in instance.tags.all()}
            if current != {tag.lower() for tag in tags}:
                return True
        if affiliations is not None:
            current = set(instance.affiliations.values_list("organization_id", "role"))
            if current != set(affiliations):
                return True
        return False

    def _check_duplicate(self, kind, instance, location):
        key = (kind.name, instance.slug)
        if instance.slug and key in self.seen:
            self.problems.add(
                location,
                f"the slug “{instance.slug}” is already used by the {kind.name} at "
                f"{self.seen[key]}; each record may appear once",
                "slug",
            )
        elif instance.slug:
            self.seen[key] = location

    # Values

    def _scalar(self, kind, name, value, location):
        model_field = kind.model._meta.get_field(name)
        if name in kind.list_fields and isinstance(value, list):
            if not all(isinstance(item, str) for item in value):
                self.problems.add(location, "expected a list of text", name)
                return ""
            return "\n".join(item.strip() for item in value if item.strip())
        if value is None and isinstance(model_field, models.CharField | models.TextField):
            return ""
        if isinstance(value, dict | list):
            self.problems.add(location, "expected a single value, not a list or object", name)
            return model_field.get_default()
        return value

    def _slugs(self, value, location, name):
        if value is None:
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problems.add(location, "expected a list of slugs", name)
            return []
        return value

    def _resolve_many(self, target, value, location, name):
        pks = []
        for slug in self._slugs(value, location, name):
            pk = self._pk_for(target, slug)
            if pk is None:
                self.problems.add(
                    location,
                    f"no {target._meta.verbose_name} with the slug “{slug}” in the archive "
                    "or earlier in this import",
                    name,
                )
            else:
                pks.append(pk)
        return pks

    def _resolve_one(self, target, value, location, name):
        if value in (None, ""):
            return None
        if not isinstance(value, str):
            self.problems.add(location, "expected a slug", name)
            return None
        pk = self._pk_for(target, value)
        if pk is None:
            self.problems.add(
                location, f"no {target._meta.verbose_name} with the slug “{value}”", name
            )
            return None
        return target._default_manager.get(pk=pk)

    def _pk_for(self, model, slug):
        cache = self.slug_cache[model]
        if slug not in cache:
            cache[slug] = (
                model._default_manager.filter(slug=slug).values_list("pk", flat=True).first()
            )
        return cache[slug]

    def _tags(self, value, location):
        if isinstance(value, str):
            value = value.split(";")
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problems.add(location, "expected a list of tag names", "tags")
            return []
        names = [v.strip() for v in value if v.strip()]
        too_long = [name for name in names if len(name) > 100]
        if too_long:
            self.problems.add(location, f"tag longer than 100 characters: {too_long[0]}", "tags")
        return names

    def _affiliations(self, value, location):
        if not isinstance(value, list):
            self.problems.add(location, "expected a list of {organization, role}", "affiliations")
            return []
        pairs = []
        for item in value:
            if not isinstance(item, dict) or not isinstance(item.get("organization"), str):
                self.problems.add(
                    location, "each affiliation needs an organisation slug", "affiliations"
                )
                continue
            pk = self._pk_for(Organization, item["organization"])
            if pk is None:
                self.problems.add(
                    location,
                    f"no organisation with the slug “{item['organization']}”",
                    "affiliations",
                )
                continue
            pairs.append((pk, str(item.get("role") or "")))
        return pairs

    def _set_affiliations(self, person, pairs):
        wanted = set(pairs)
        for affiliation in list(person.affiliations.all()):
            key = (affiliation.organization_id, affiliation.role)
            if key in wanted:
                wanted.discard(key)
            else:
                affiliation.delete()
        Affiliation.objects.bulk_create(
            [Affiliation(person=person, organization_id=pk, role=role) for pk, role in wanted]
        )
