"""A record's links, tags and affiliations: slugs resolved, compared and written.

Memory stays flat however long the run: slug and tag lookups are bounded caches (a miss costs
one query), and new records' links, tags and affiliations wait in a buffer that ``flush``
writes in one statement per table.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from taggit.models import Tag, TaggedItem

from ..models import Affiliation, OldSlug, Organization
from ..registry import BY_MODEL
from ..rows import insert_rows, link_columns
from ..search.index import reindex_written
from . import values
from .bookkeeping import CACHE_SIZE, BoundedCache
from .naturalkeys import AFFILIATIONS, attach_relations
from .values import Invalid

_MISSING = object()
PREFETCH_BATCH = 500
TAGGED_ITEM_COLUMNS = ("content_type_id", "object_id", "tag_id")
AFFILIATION_COLUMNS = ("person_id", "organization_id", "role")


@dataclass(frozen=True)
class Resolved:
    """What a record's data says its relations are; None (or absent) where it does not say."""

    foreign_keys: dict  # name -> the linked record's primary key, or None
    links: dict  # name -> primary keys
    tags: list | None
    affiliations: list | None  # (organisation pk, role)
    # Links to a record of the same kind (a translation's original): name -> (slug, pk or None
    # when not stored yet; ``translations.SelfLinks`` resolves those after the import).
    self_links: dict


class Relations:
    def __init__(self, records_met):
        self.records_met = records_met
        self.slug_cache = defaultdict(lambda: BoundedCache(CACHE_SIZE))
        self.tag_cache = BoundedCache(CACHE_SIZE)
        self.pending_rows = defaultdict(list)

    # Resolving

    def prefetch(self, kinds_and_data):
        """Look up, a query per kind of record linked to, the slugs a chunk's records link
        to that are not cached yet (a slug not found is cached as None, as ``pk_for`` does)."""
        wanted = defaultdict(set)
        for kind, data in kinds_and_data:
            for name, target in {**kind.links, **kind.foreign_keys}.items():
                wanted[target].update(_slugs(data.get(name)))
            if isinstance(data.get(AFFILIATIONS), list):
                organizations = [item.get("organization") for item in data[AFFILIATIONS]
                                 if isinstance(item, dict)]  # fmt: skip
                wanted[Organization].update(_slugs(organizations))
        for model, slugs in wanted.items():
            cache = self.slug_cache[model]
            missing = sorted(slug for slug in slugs if slug not in cache)
            for start in range(0, len(missing), PREFETCH_BATCH):
                batch = missing[start : start + PREFETCH_BATCH]
                found = dict(
                    model._default_manager.filter(slug__in=batch).values_list("slug", "pk")
                )
                gone = [slug for slug in batch if slug not in found]
                if gone:  # a link to a record's old slug links the record (a merge, a rename)
                    found.update(OldSlug.objects.moved(model, gone))
                for slug in batch:
                    cache[slug] = found.get(slug)

    def resolve(self, kind, data):
        """(Resolved, invalid) for the relations ``data`` gives."""
        invalid = []
        foreign_keys, self_links = {}, {}
        for name, target in kind.foreign_keys.items():
            if name in data and target is kind.model:
                slug, bad = values.single_slug(data[name], name)
                invalid += bad
                pk = None if slug is None else self.pk_for(target, slug)
                foreign_keys[name] = pk
                self_links[name] = (slug, pk)
            elif name in data:
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
        return Resolved(foreign_keys, links, tags, affiliations, self_links), invalid

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
        return pk

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
            if pk is None:
                pk = OldSlug.objects.moved(model, [slug]).get(slug)
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
        """Whether a stored record's relations differ from those resolved (as the natural-key
        lookup read them, or read now for a record it did not)."""
        stored = getattr(instance, "stored_relations", None)
        if stored is None:
            attach_relations(BY_MODEL[type(instance)], [instance])
            stored = instance.stored_relations
        for name, pks in resolved.links.items():
            if stored.links[name] != set(pks):
                return True
        if resolved.tags is not None and stored.tags != {tag.lower() for tag in resolved.tags}:
            return True
        return resolved.affiliations is not None and stored.affiliations != set(
            resolved.affiliations
        )

    def write(self, kind, instance, resolved, is_new):
        """Give a just saved record the links, tags and affiliations ``resolved`` says."""
        if is_new:
            self._add_new(kind, instance, resolved)
            return
        for name, pks in resolved.links.items():
            getattr(instance, name).set(pks)
        if resolved.tags is not None:
            instance.tags.set([self.tag(name) for name in resolved.tags])
        if resolved.affiliations is not None:
            self._set_affiliations(instance, resolved.affiliations)

    def _add_new(self, kind, instance, resolved):
        """A new record's links and tags, buffered until ``flush`` (the fast path of a large
        import: one insert per table for many records).

        These inserts send no signals, so the search index is told directly (within the
        import's ``batched`` block, which ends after ``flush``), with what is known here so
        that the record need not be read back.
        """
        for name, pks in resolved.links.items():
            field = kind.model._meta.get_field(name)
            self.pending_rows[field.remote_field.through, link_columns(field)].extend(
                (instance.pk, pk) for pk in dict.fromkeys(pks)
            )
        tags = list(dict.fromkeys(self.tag(name) for name in resolved.tags or ()))
        if tags:
            content_type = ContentType.objects.get_for_model(kind.model)
            self.pending_rows[TaggedItem, TAGGED_ITEM_COLUMNS].extend(
                (content_type.pk, instance.pk, tag.pk) for tag in tags
            )
        if resolved.affiliations:
            self.pending_rows[Affiliation, AFFILIATION_COLUMNS].extend(
                (instance.pk, pk, role) for pk, role in dict.fromkeys(resolved.affiliations)
            )
        reindex_written(instance, resolved.links, tags)

    @staticmethod
    def _set_affiliations(person, pairs):
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

    def flush(self):
        """Write the buffered links and tags: one statement per table."""
        for (model, columns), rows in self.pending_rows.items():
            insert_rows(model, columns, rows)
        self.pending_rows.clear()


def _slugs(value):
    """The slugs a link's value names, whatever its shape (bad shapes are reported later)."""
    values = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return [slug for slug in values if isinstance(slug, str)]
