"""A record's links, tags and affiliations: slugs resolved, compared and written.

Memory stays flat however long the run: slug and tag lookups are bounded caches (a miss costs
one query), and new records' links, tags and given timestamps wait in a buffer that ``flush``
writes in one statement per table.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from taggit.models import Tag, TaggedItem

from ..models import Affiliation, Organization
from ..registry import TIMESTAMPS
from ..search.index import reindex
from . import values
from .bookkeeping import CACHE_SIZE, BoundedCache
from .naturalkeys import AFFILIATIONS
from .values import Invalid

_MISSING = object()


@dataclass(frozen=True)
class Resolved:
    """What a record's data says its relations are; None (or absent) where it does not say."""

    foreign_keys: dict  # name -> the linked instance, or None
    links: dict  # name -> primary keys
    tags: list | None
    affiliations: list | None  # (organisation pk, role)


class Relations:
    def __init__(self, records_met):
        self.records_met = records_met
        self.slug_cache = defaultdict(lambda: BoundedCache(CACHE_SIZE))
        self.tag_cache = BoundedCache(CACHE_SIZE)
        self.pending_rows = defaultdict(list)
        self.pending_timestamps = defaultdict(list)

    # Resolving

    def resolve(self, kind, data):
        """(Resolved, invalid) for the relations ``data`` gives."""
        invalid = []
        foreign_keys = {}
        for name, target in kind.foreign_keys.items():
            if name in data:
                foreign_keys[name] = self._resolve_one(target, data[name], name, invalid)
        links = {
            name: self._resolve_many(target, data[name], name, invalid)
            for name, target in kind.links.items()
            if name in data
        }
        tags = None
        if "tags" in data:
            tags, bad = values.tag_names(data["tags"])
            invalid += bad
        affiliations = None
        if AFFILIATIONS in data:
            affiliations = self._affiliations(data[AFFILIATIONS], invalid)
        return Resolved(foreign_keys, links, tags, affiliations), invalid

    def _resolve_many(self, target, value, name, invalid):
        slugs, bad = values.slug_list(value, name)
        invalid += bad
        pks = []
        for slug in slugs:
            pk = self.pk_for(target, slug)
            if pk is not None:
                pks.append(pk)
            else:
                invalid += self._unknown(target, slug, name)
        return pks

    def _resolve_one(self, target, value, name, invalid):
        slug, bad = values.single_slug(value, name)
        invalid += bad
        if slug is None:
            return None
        pk = self.pk_for(target, slug)
        if pk is None:
            invalid += self._unknown(target, slug, name)
            return None
        return target._default_manager.get(pk=pk)

    def _affiliations(self, value, invalid):
        items, bad = values.affiliation_list(value)
        invalid += bad
        pairs = []
        for item in items:
            pair, bad = values.affiliation(item)
            invalid += bad
            if pair is None:
                continue
            slug, role = pair
            pk = self.pk_for(Organization, slug)
            if pk is None:
                if not self.records_met.has_failed(Organization, slug):
                    invalid.append(Invalid(f"no organisation with the slug “{slug}”", AFFILIATIONS))
                continue
            pairs.append((pk, role))
        return pairs

    def _unknown(self, target, slug, name):
        if self.records_met.has_failed(target, slug):
            return []  # its own problems are reported already
        return [
            Invalid(
                f"no {target._meta.verbose_name} with the slug “{slug}” in the archive "
                "or earlier in this import",
                name,
            )
        ]

    def pk_for(self, model, slug):
        cache = self.slug_cache[model]
        pk = cache.get(slug, _MISSING)
        if pk is _MISSING:
            pk = model._default_manager.filter(slug=slug).values_list("pk", flat=True).first()
            cache[slug] = pk
        return pk

    def remember(self, model, slug, pk):
        self.slug_cache[model][slug] = pk

    def tag(self, name):
        """The Tag for a name (tags are case-insensitive), created the first time it is used."""
        key = name.lower()
        tag = self.tag_cache.get(key)
        if tag is None:
            tag = Tag.objects.filter(name__iexact=name).order_by("pk").first()
            tag = self.tag_cache[key] = tag or Tag.objects.create(name=name)
        return tag

    def remember_tag(self, tag):
        self.tag_cache[tag.name.lower()] = tag

    # Comparing and writing

    @staticmethod
    def differ(instance, resolved):
        """Whether a stored record's relations differ from those resolved.

        Through .all(), so that what the natural-key lookup prefetched is used.
        """
        for name, pks in resolved.links.items():
            if {record.pk for record in getattr(instance, name).all()} != set(pks):
                return True
        if resolved.tags is not None:
            current = {tag.name.lower() for tag in instance.tags.all()}
            if current != {tag.lower() for tag in resolved.tags}:
                return True
        if resolved.affiliations is not None:
            current = {(a.organization_id, a.role) for a in instance.affiliations.all()}
            if current != set(resolved.affiliations):
                return True
        return False

    def write(self, kind, instance, resolved, is_new):
        """Give a just saved record the links, tags and affiliations ``resolved`` says."""
        if is_new:
            self._add_new(kind, instance, resolved)
        else:
            for name, pks in resolved.links.items():
                getattr(instance, name).set(pks)
            if resolved.tags is not None:
                instance.tags.set([self.tag(name) for name in resolved.tags])
        if resolved.affiliations is not None:
            self._set_affiliations(instance, resolved.affiliations, is_new)

    def _add_new(self, kind, instance, resolved):
        """A new record's links and tags, buffered until ``flush`` (the fast path of a large
        import: one insert per table for many records).

        These inserts send no signals, so the search index is told directly (within the
        import's ``batched`` block, which ends after ``flush``).
        """
        for name, pks in resolved.links.items():
            field = kind.model._meta.get_field(name)
            through = field.remote_field.through
            source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
            self.pending_rows[through].extend(
                through(**{f"{source}_id": instance.pk, f"{target}_id": pk})
                for pk in dict.fromkeys(pks)
            )
        if resolved.tags:
            content_type = ContentType.objects.get_for_model(kind.model)
            self.pending_rows[TaggedItem].extend(
                TaggedItem(content_type=content_type, object_id=instance.pk, tag=tag)
                for tag in dict.fromkeys(self.tag(name) for name in resolved.tags)
            )
        reindex(kind.model, [instance.pk])

    @staticmethod
    def _set_affiliations(person, pairs, is_new):
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

    def stamp(self, kind, instance, timestamps):
        """Restore the created/updated times the data gave, at ``flush``."""
        stamped = {name: getattr(instance, name) for name in TIMESTAMPS} | timestamps
        self.pending_timestamps[kind.model].append(kind.model(pk=instance.pk, **stamped))

    def flush(self):
        """Write the buffered links, tags and timestamps: one statement per table."""
        for model, rows in self.pending_rows.items():
            model._default_manager.bulk_create(rows, batch_size=1000)
        self.pending_rows.clear()
        # Given times replace the ones save() just set: bulk_update leaves auto_now alone and
        # sends no signals.
        for model, rows in self.pending_timestamps.items():
            model._default_manager.bulk_update(rows, TIMESTAMPS, batch_size=500)
        self.pending_timestamps.clear()
