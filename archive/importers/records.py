"""Applying one incoming record to the database: the one code path every format shares.

Each format reads its files into plain dictionaries of the JSON archive's shape (see
``docs/archive-format.md``) and hands them to :class:`RecordWriter`. The writer finds the
record by its natural key, validates it with the model's own ``full_clean`` (the same rules
the admin applies), resolves links by slug, and writes only what changed.

Natural keys: the slug for every kind; an article is first looked up by its ``source_guid``
(a WordPress GUID) and then its ``source_url``. A record given without a slug gets the slug its
name or title makes, and that slug is its key, so importing it again finds it; an article with
a GUID or source URL instead gets a fresh unique slug, since those are its key.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from taggit.models import Tag, TaggedItem

from ..models import Affiliation, Article, Event, Organization, Person, Place, Quotation
from ..search.index import reindex


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
        """Every key a record of this kind may have, in the order exports write them."""
        extra = {"tags"} | ({"affiliations"} if self.model is Person else set())
        return [*self.scalar_fields, *self.links, *self.foreign_keys, *sorted(extra)]

    @property
    def required_fields(self):
        """Fields a new record must have (the model's non-blank fields without a default)."""
        return [
            name
            for name in self.scalar_fields
            if not self.model._meta.get_field(name).blank
            and not self.model._meta.get_field(name).has_default()
        ]


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


@dataclass(frozen=True)
class Skipped:
    """What a reader yields for an entry it counts but does not import (a WordPress attachment).

    ``reason`` is shown to the person importing when the entry is one they may have expected
    to be imported (a post without a title); routine skips leave it empty.
    """

    kind: str
    location: object
    reason: str = ""


@dataclass(frozen=True)
class Notice:
    """What a reader yields to tell the person importing something that is not a problem."""

    location: object
    message: str


def _text(value):
    return value.strip() if isinstance(value, str) else ""


class RecordWriter:
    """Validates and writes records, counting what was created, updated and left unchanged."""

    def __init__(self, problems, import_run=None):
        self.problems = problems
        self.import_run = import_run
        self.counts = defaultdict(Counter)
        self.seen = {}
        self.failed = set()
        self.slug_cache = defaultdict(dict)
        self.tag_cache = {}

    def skip(self, kind_name, number=1):
        self.counts[kind_name]["skipped"] += number

    def write(self, kind_name, data, location):
        """Validate and write one record; returns it, or None after reporting problems."""
        kind = KINDS.get(kind_name)
        if kind is None:
            self.problems.add(
                location,
                f"unknown kind of record “{kind_name}”; expected one of {', '.join(KINDS)}",
                "kind",
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
        instance = self._find(kind, data, location) or kind.model()
        is_new = instance.pk is None
        before = None if is_new else self._snapshot(kind, instance)
        stored_capture = getattr(instance, "capture_text", None)

        for name in kind.scalar_fields:
            if name in data:
                value = self._scalar(kind, name, data[name], location)
                setattr(instance, name, value)
        if (
            kind.model is Article
            and "capture_sha256" not in data
            and instance.capture_text != stored_capture
        ):
            # A new capture: Article.clean records its SHA-256. A capture_sha256 given in the
            # data (an export of the archive) is kept as it was recorded.
            instance.capture_sha256 = ""
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
        self._check_duplicate(kind, instance, data, location)
        if len(self.problems.items) > problems_before:
            if instance.slug:
                self.failed.add((kind.model, instance.slug))
            return None

        changed = is_new or self._snapshot(kind, instance) != before
        if not is_new:
            changed = changed or self._relations_differ(instance, links, tags, affiliations)
        if not changed:
            self.counts[kind.name]["unchanged"] += 1
            return instance

        instance.import_run = self.import_run
        instance.save()
        if is_new:
            self._add_relations(kind, instance, links, tags)
        else:
            for name, pks in links.items():
                getattr(instance, name).set(pks)
            if tags is not None:
                instance.tags.set([self._tag(name) for name in tags])
        if affiliations is not None:
            self._set_affiliations(instance, affiliations, is_new)
        self.slug_cache[kind.model][instance.slug] = instance.pk
        self.counts[kind.name]["created" if is_new else "updated"] += 1
        return instance

    def _add_relations(self, kind, instance, links, tags):
        """A new record's links and tags, one insert each (the fast path of a large import).

        These inserts send no signals, so the search index is told directly (within the
        import's ``batched`` block that costs nothing until the end of the run).
        """
        for name, pks in links.items():
            field = kind.model._meta.get_field(name)
            through = field.remote_field.through
            source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
            through._default_manager.bulk_create(
                [
                    through(**{f"{source}_id": instance.pk, f"{target}_id": pk})
                    for pk in dict.fromkeys(pks)
                ]
            )
        if tags:
            content_type = ContentType.objects.get_for_model(kind.model)
            TaggedItem.objects.bulk_create(
                [
                    TaggedItem(content_type=content_type, object_id=instance.pk, tag=tag)
                    for tag in dict.fromkeys(self._tag(name) for name in tags)
                ]
            )
        reindex(kind.model, [instance.pk])

    # Finding and comparing

    def _find(self, kind, data, location):
        """The stored record this data describes, by natural key, or None for a new one."""
        manager = kind.model._default_manager
        slug = _text(data.get("slug"))
        guid = url = ""
        if kind.model is Article:
            guid, url = _text(data.get("source_guid")), _text(data.get("source_url"))
            if guid:
                found = manager.filter(source_guid=guid).first()
                if found:
                    return found
            if url:
                found = manager.filter(source_url=url).first()
                if found and not (guid and found.source_guid and found.source_guid != guid):
                    return found
            if not slug and (guid or url):
                return None  # a new article: Article.clean gives it a unique slug
        if not slug:
            slug = self._derived_slug(kind, data)
            if not slug:
                return None
        found = manager.filter(slug=slug).first()
        if found is not None and guid and found.source_guid and found.source_guid != guid:
            self.problems.add(
                location,
                f"the slug “{slug}” belongs to another article (source identifier "
                f"“{found.source_guid}”); give this one a different slug",
                "slug",
            )
            return None
        if found is None and "slug" not in data:
            return kind.model(slug=slug)
        return found

    def _derived_slug(self, kind, data):
        """The slug a record given without one gets from its name or title."""
        source = data.get(kind.model.slug_source)
        if not isinstance(source, str) or not source.strip():
            return ""
        probe = kind.model(**{kind.model.slug_source: source})
        return probe.slug_base()

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

    def _check_duplicate(self, kind, instance, data, location):
        """Each record may appear once in a run, whether by its slug or by another key."""
        slug_key = (kind.name, "slug", instance.slug)
        pk_key = (kind.name, "pk", instance.pk)
        if instance.slug and slug_key in self.seen:
            self.problems.add(
                location,
                f"the slug “{instance.slug}” is already used by the {kind.name} at "
                f"{self.seen[slug_key]}; each record may appear once in an import",
                "slug",
            )
        elif instance.pk is not None and pk_key in self.seen:
            key = "source_guid" if _text(data.get("source_guid")) else "source_url"
            self.problems.add(
                location,
                f"this is the same {kind.name} as the one at {self.seen[pk_key]} (same {key}); "
                "each record may appear once in an import",
                key,
            )
        if instance.slug:
            self.seen.setdefault(slug_key, str(location))
        if instance.pk is not None:
            self.seen.setdefault(pk_key, str(location))

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
        if isinstance(value, str) and "\x00" in value:
            # PostgreSQL cannot store it; it is never part of real text.
            self.problems.add(location, "contains a NUL character (\\u0000)", name)
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
            if pk is not None:
                pks.append(pk)
            elif (target, slug) not in self.failed:  # otherwise already reported
                self.problems.add(
                    location,
                    f"no {target._meta.verbose_name} with the slug “{slug}” in the archive "
                    "or earlier in this import",
                    name,
                )
        return pks

    def _resolve_one(self, target, value, location, name):
        if value in (None, ""):
            return None
        if not isinstance(value, str):
            self.problems.add(location, "expected a slug", name)
            return None
        pk = self._pk_for(target, value)
        if pk is None:
            if (target, value) not in self.failed:
                self.problems.add(
                    location,
                    f"no {target._meta.verbose_name} with the slug “{value}” in the archive "
                    "or earlier in this import",
                    name,
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
        names = list(dict.fromkeys(v.strip().replace("\x00", "") for v in value if v.strip()))
        max_length = Tag._meta.get_field("name").max_length
        too_long = [name for name in names if len(name) > max_length]
        if too_long:
            self.problems.add(
                location,
                f"tag longer than {max_length} characters: “{too_long[0][:40]}…”",
                "tags",
            )
        return names

    def _tag(self, name):
        """The Tag for a name (tags are case-insensitive), created the first time it is used."""
        key = name.lower()
        if key not in self.tag_cache:
            tag = Tag.objects.filter(name__iexact=name).order_by("pk").first()
            self.tag_cache[key] = tag or Tag.objects.create(name=name)
        return self.tag_cache[key]

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
                if (Organization, item["organization"]) not in self.failed:
                    self.problems.add(
                        location,
                        f"no organisation with the slug “{item['organization']}”",
                        "affiliations",
                    )
                continue
            pairs.append((pk, str(item.get("role") or "")))
        return pairs

    def _set_affiliations(self, person, pairs, is_new):
        wanted = set(pairs)
        if not is_new:
            for affiliation in list(person.affiliations.all()):
                key = (affiliation.organization_id, affiliation.role)
                if key in wanted:
                    wanted.discard(key)
                else:
                    affiliation.delete()
        Affiliation.objects.bulk_create(
            [Affiliation(person=person, organization_id=pk, role=role) for pk, role in wanted]
        )
