"""Applying one incoming record to the database: the one code path every format shares.

Each format reads its files into plain dictionaries of the JSON archive's shape (see
``docs/archive-format.md``) and hands them to :class:`RecordWriter`. The writer finds the
record by its natural key, validates it with the model's own ``full_clean`` (the same rules
the admin applies), resolves links by slug, and writes only what changed.

Natural keys: the slug for every kind; an article is first looked up by its ``source_guid``
(a WordPress GUID) and then its ``source_url``. A record given without a slug gets the slug its
name or title makes, and that slug is its key, so importing it again finds it; an article with
a GUID or source URL instead gets a fresh unique slug, since those are its key. A stored record
found by the slug a name makes must have that name: a different name is a problem naming
both, never an overwrite.
"""

import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.dateparse import parse_datetime
from taggit.models import Tag, TaggedItem

from ..models import Affiliation, Article, Organization, Person
from ..registry import BY_MODEL, KINDS, TIMESTAMPS
from ..search.index import reindex
from .bookkeeping import CACHE_SIZE, BoundedCache, PrimaryKeySet
from .tags import TAG_KIND, write_tag


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


@dataclass(frozen=True)
class Withdrawn:
    """What a reader yields for a record its source has taken down (a WordPress post moved to
    the trash): a stored record found by ``keys`` (its natural keys) is made a draft, through
    the ordinary write; one never imported is counted as skipped."""

    kind: str
    keys: dict
    location: object
    reason: str


def _text(value):
    return value.strip() if isinstance(value, str) else ""


def _name_key(value):
    """A name as compared for identity: NFKC, case-folded, runs of spaces as one."""
    return " ".join(unicodedata.normalize("NFKC", str(value or "")).casefold().split())


_MISSING = object()


class RecordWriter:
    """Validates and writes records, counting what was created, updated and left unchanged.

    Memory stays flat however long the run: slug and tag lookups are bounded caches (a miss
    costs one query), the records met so far are one bit per primary key, and new records'
    links and tags wait in a buffer that ``flush`` writes in one insert per table.

    ``earlier_records`` is a callable that reads the run's files again from the start,
    yielding (kind, data, location); it is used only to name where a duplicate first appeared.
    """

    def __init__(self, problems, import_run=None, earlier_records=None, notice=None):
        self.problems = problems
        self.notice = notice or (lambda location, message: None)
        self.import_run = import_run
        self.earlier_records = earlier_records or (lambda: ())
        self.counts = defaultdict(Counter)
        self.met = defaultdict(PrimaryKeySet)
        self.failed = set()
        self.slug_cache = defaultdict(lambda: BoundedCache(CACHE_SIZE))
        self.tag_cache = BoundedCache(CACHE_SIZE)
        self.pending_rows = defaultdict(list)
        self.pending_timestamps = defaultdict(list)
        self.prefetched = {}
        self._slug_proven_unique = None

    def prefetch(self, records):
        """Look up, a query per key, the stored records a chunk of (kind, data, location)
        items names by their natural keys, so that ``write`` need not ask for each one."""
        wanted = defaultdict(set)
        for kind_name, data, _ in records:
            kind = KINDS.get(kind_name)
            if kind is None or not isinstance(data, dict):
                continue
            slug = _text(data.get("slug")) or self._derived_slug(kind, data)
            keys = [("slug", slug)]
            if kind.model is Article:
                keys += [
                    ("source_guid", data.get("source_guid")),
                    ("source_url", data.get("source_url")),
                ]
            for name, value in keys:
                value = _text(value)
                if value:
                    wanted[kind.model, name].add(value)
        self.prefetched = {}
        for (model, name), values in wanted.items():
            known = dict.fromkeys(values)
            stored = model._default_manager.filter(**{f"{name}__in": values})
            # What _relations_differ compares, for all of them at once.
            related = [*BY_MODEL[model].links, "tags"]
            if model is Person:
                related.append("affiliations")
            for instance in stored.prefetch_related(*related).order_by("-pk"):
                known[getattr(instance, name)] = instance  # the lowest pk wins, as in first()
            self.prefetched[model, name] = known

    def _lookup(self, model, name, value):
        """The stored record whose ``name`` is ``value`` (the lowest pk), or None."""
        known = self.prefetched.get((model, name))
        if known is not None and value in known:
            return known.pop(value)  # once: the record may change after this
        return model._default_manager.filter(**{name: value}).order_by("pk").first()

    def _forget_prefetched(self, model, values):
        """A record was written: what was looked up by these keys may be out of date."""
        for name in ("slug", "source_guid", "source_url"):
            known = self.prefetched.get((model, name))
            if known is not None:
                for value in values:
                    known.pop(value.get(name), None)

    def flush(self):
        """Write the buffered links and tags of new records: one insert per table."""
        for model, rows in self.pending_rows.items():
            model._default_manager.bulk_create(rows, batch_size=1000)
        self.pending_rows.clear()
        # Given times replace the ones save() just set: bulk_update leaves auto_now alone and
        # sends no signals.
        for model, rows in self.pending_timestamps.items():
            model._default_manager.bulk_update(rows, TIMESTAMPS, batch_size=500)
        self.pending_timestamps.clear()

    def skip(self, kind_name, number=1):
        self.counts[kind_name]["skipped"] += number

    def withdraw(self, item):
        """Make the stored record a ``Withdrawn`` item names a draft; None if there is none."""
        found = self._find(KINDS[item.kind], item.keys, item.location)
        if found is None or found.pk is None:
            self.skip(item.kind)
            self.notice(item.location, f"{item.reason}: not imported")
            return None
        return self.write(item.kind, {**item.keys, "status": "draft"}, item.location, item.reason)

    def write(self, kind_name, data, location, reason=None):
        """Validate and write one record; returns it, or None after reporting problems."""
        if kind_name == TAG_KIND:
            return self._write_tag(data, location)
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
                    f"unknown field; {kind.verbose_name} records have "
                    f"{', '.join(kind.accepted_keys)}",
                    key,
                )
        timestamps = self._timestamps(data, location)
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
        self._validate(instance, location)
        self._check_duplicate(kind, instance, data, location, before)
        if len(self.problems.items) > problems_before:
            if instance.slug and instance.pk is None:
                self.failed.add((kind.model, instance.slug))
            return None

        changed = is_new or self._snapshot(kind, instance) != before
        if not is_new:
            changed = changed or self._relations_differ(instance, links, tags, affiliations)
        if not changed:
            self.counts[kind.name]["unchanged"] += 1
            return instance

        if before and before["status"] == "published" and instance.status != "published":
            because = f"{reason}: " if reason else ""
            self.notice(location, f"{because}no longer public (it is now a draft)")
        instance.import_run = self.import_run
        instance.save()
        self._forget_prefetched(
            kind.model, [before or {}, {"slug": instance.slug, **self._snapshot(kind, instance)}]
        )
        if is_new:
            self._add_relations(kind, instance, links, tags)
        else:
            for name, pks in links.items():
                getattr(instance, name).set(pks)
            if tags is not None:
                instance.tags.set([self._tag(name) for name in tags])
        if affiliations is not None:
            self._set_affiliations(instance, affiliations, is_new)
        if timestamps:
            stamped = {name: getattr(instance, name) for name in TIMESTAMPS} | timestamps
            self.pending_timestamps[kind.model].append(kind.model(pk=instance.pk, **stamped))
        if is_new:
            self.met[kind.model].add(instance.pk)
        self.slug_cache[kind.model][instance.slug] = instance.pk
        self.counts[kind.name]["created" if is_new else "updated"] += 1
        return instance

    def _write_tag(self, data, location):
        tag, action = write_tag(data, location, self.problems)
        if tag is not None:
            self.tag_cache[tag.name.lower()] = tag
            self.counts[TAG_KIND][action] += 1
        return tag

    def _validate(self, instance, location):
        """The model's ``full_clean``. The slug's uniqueness query is left out only when the
        natural-key lookup has just shown that no other record holds the slug."""
        proven = bool(instance.slug) and instance.slug == self._slug_proven_unique
        errors = {}
        try:
            instance.full_clean(validate_unique=not proven)
        except ValidationError as error:
            errors = error.message_dict
        if proven:
            try:
                instance.validate_unique(exclude=["slug", *errors])
            except ValidationError as error:
                errors = {**errors, **error.message_dict}
        for name, messages in errors.items():
            for message in messages:
                self.problems.add(location, message, None if name == "__all__" else name)

    def _add_relations(self, kind, instance, links, tags):
        """A new record's links and tags, buffered until ``flush`` (the fast path of a large
        import: one insert per table for many records).

        These inserts send no signals, so the search index is told directly (within the
        import's ``batched`` block, which ends after ``flush``).
        """
        for name, pks in links.items():
            field = kind.model._meta.get_field(name)
            through = field.remote_field.through
            source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
            self.pending_rows[through].extend(
                through(**{f"{source}_id": instance.pk, f"{target}_id": pk})
                for pk in dict.fromkeys(pks)
            )
        if tags:
            content_type = ContentType.objects.get_for_model(kind.model)
            self.pending_rows[TaggedItem].extend(
                TaggedItem(content_type=content_type, object_id=instance.pk, tag=tag)
                for tag in dict.fromkeys(self._tag(name) for name in tags)
            )
        reindex(kind.model, [instance.pk])

    # Finding and comparing

    def _find(self, kind, data, location):
        """The stored record this data describes, by natural key, or None for a new one."""
        self._slug_proven_unique = None
        slug = _text(data.get("slug"))
        guid = url = ""
        if kind.model is Article:
            guid, url = _text(data.get("source_guid")), _text(data.get("source_url"))
            if guid:
                found = self._lookup(kind.model, "source_guid", guid)
                if found:
                    return found
            if url:
                found = self._lookup(kind.model, "source_url", url)
                if found and not (guid and found.source_guid and found.source_guid != guid):
                    return found
            if not slug and (guid or url):
                return None  # a new article: Article.clean gives it a unique slug
        if not slug:
            slug = self._derived_slug(kind, data)
            if not slug:
                return None
        found = self._lookup(kind.model, "slug", slug)
        if found is not None and guid and found.source_guid and found.source_guid != guid:
            self.problems.add(
                location,
                f"the slug “{slug}” belongs to another article (source identifier "
                f"“{found.source_guid}”); give this one a different slug",
                "slug",
            )
            return None
        if found is not None and "slug" not in data and not self._same_name(kind, found, data):
            self._report_name_clash(kind, found, data, slug, location)
            return None
        self._slug_proven_unique = slug  # no record but ``found`` has this slug
        if found is None and "slug" not in data:
            return kind.model(slug=slug)
        return found

    def _same_name(self, kind, found, data):
        """Whether a record found by the slug its name makes has that name (case and spacing
        aside): two different names that make one slug are two records, never one."""
        field = kind.model.slug_source
        return _name_key(getattr(found, field)) == _name_key(data.get(field))

    def _report_name_clash(self, kind, found, data, slug, location):
        field = kind.model.slug_source
        self.problems.add(
            location,
            f"“{_text(data.get(field))}” makes the slug “{slug}”, which is the {kind.name} "
            f"“{getattr(found, field)}”; give this {kind.name} a slug of its own (or, if it "
            "is that record, its slug)",
            field,
        )

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
        # Through .all(), so that what prefetch() fetched is used.
        for name, pks in links.items():
            current = {record.pk for record in getattr(instance, name).all()}
            if current != set(pks):
                return True
        if tags is not None:
            current = {tag.name.lower() for tag in instance.tags.all()}
            if current != {tag.lower() for tag in tags}:
                return True
        if affiliations is not None:
            current = {(a.organization_id, a.role) for a in instance.affiliations.all()}
            if current != set(affiliations):
                return True
        return False

    def _check_duplicate(self, kind, instance, data, location, before):
        """Each record may appear once in a run, whether by its slug or by another key.

        A second record with a slug already met finds the first one by that slug (it is
        stored, or was there before), so meeting a primary key twice covers both keys; a
        first record that failed validation is not stored and is remembered in ``failed``.
        """
        if instance.pk is not None:
            if not self.met[kind.model].add(instance.pk):
                return
        elif not instance.slug or (kind.model, instance.slug) not in self.failed:
            return
        first = self._first_location(kind, instance, location)
        # Met by its slug when it keeps the slug the first one left it with.
        if instance.slug and (before is None or before["slug"] == instance.slug):
            self.problems.add(
                location,
                f"the slug “{instance.slug}” is already used by the {kind.name} at "
                f"{first}; each record may appear once in an import",
                "slug",
            )
        else:
            key = "source_guid" if _text(data.get("source_guid")) else "source_url"
            self.problems.add(
                location,
                f"this is the same {kind.name} as the one at {first} (same {key}); "
                "each record may appear once in an import",
                key,
            )

    def _first_location(self, kind, instance, location):
        """Where the record met again first appeared (reads the files again: only for errors)."""
        keys = {("slug", instance.slug)} if instance.slug else set()
        if kind.model is Article:
            keys |= {("guid", instance.source_guid), ("url", instance.source_url)} - {
                ("guid", ""),
                ("url", ""),
            }
        for kind_name, data, earlier in self.earlier_records():
            if str(earlier) == str(location):
                break
            if kind_name != kind.name or not isinstance(data, dict):
                continue
            slug = _text(data.get("slug")) or self._derived_slug(kind, data)
            found = {("slug", slug)}
            if kind.model is Article:
                found |= {
                    ("guid", _text(data.get("source_guid"))),
                    ("url", _text(data.get("source_url"))),
                }
            if keys & found:
                return str(earlier)
        return "an earlier line of this import"

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

    def _timestamps(self, data, location):
        """The created/updated times the data gives (ISO 8601 with an offset), parsed."""
        found = {}
        for name in TIMESTAMPS:
            value = data.get(name)
            if value in (None, ""):
                continue
            try:
                parsed = parse_datetime(value) if isinstance(value, str) else None
            except ValueError:
                parsed = None
            if parsed is None or parsed.tzinfo is None:
                self.problems.add(
                    location,
                    "expected an ISO 8601 date and time with its offset, such as "
                    "2016-09-12T08:30:00+00:00",
                    name,
                )
                continue
            found[name] = parsed
        return found

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
        pk = cache.get(slug, _MISSING)
        if pk is _MISSING:
            pk = model._default_manager.filter(slug=slug).values_list("pk", flat=True).first()
            cache[slug] = pk
        return pk

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
        tag = self.tag_cache.get(key)
        if tag is None:
            tag = Tag.objects.filter(name__iexact=name).order_by("pk").first()
            tag = self.tag_cache[key] = tag or Tag.objects.create(name=name)
        return tag

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
