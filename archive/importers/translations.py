"""Links from a record to another of its own kind (a translation to its original), which may
come later in the import than the record itself: resolved after every record is written.

A translation's ``translation_of`` names its original by slug. Where the original is already
stored it is set as the record is written, like any link; where it is not (it comes later in
the file, or is in a batch not inserted yet) the link waits here. ``finish`` then looks the
waiting slugs up (one query per 500), reports an unknown one with the record's file and line,
checks every link the import wrote for a loop (a chain of originals leading back to the
record: one query per level of the chains, see ``translation_loops``) and writes the waiting
links with one bulk UPDATE per 500 records. Nothing here queries per record.
"""

from collections import defaultdict
from dataclasses import dataclass

from ..models.translations import translation_loops

BATCH = 500


@dataclass
class _Link:
    instance: object
    name: str
    slug: str
    location: object
    pk: int | None  # the original's, when known at once


def self_links(kind):
    """The names of a kind's foreign keys to its own kind (``translation_of``)."""
    return [name for name, target in kind.foreign_keys.items() if target is kind.model]


class SelfLinks:
    def __init__(self, problems, records_met):
        self.problems = problems
        self.records_met = records_met
        self.links = defaultdict(list)  # model -> [_Link]

    def note(self, kind, instance, name, slug, pk, location):
        """Remember a written record's link to ``slug`` (its ``pk`` if it was found)."""
        if slug is not None:
            self.links[kind.model].append(_Link(instance, name, slug, location, pk))

    def finish(self):
        """Resolve the links noted; returns the records whose link was written now."""
        changed = []
        for model, links in self.links.items():
            changed += self._finish(model, [link for link in links if link.instance.pk is not None])
        self.links.clear()
        return changed

    def _finish(self, model, links):
        waiting = sorted({link.slug for link in links if link.pk is None})
        found = {}
        for start in range(0, len(waiting), BATCH):
            batch = waiting[start : start + BATCH]
            found.update(model._default_manager.filter(slug__in=batch).values_list("slug", "pk"))
        resolved = []
        for link in links:
            pk = link.pk if link.pk is not None else found.get(link.slug)
            if pk is None:
                if not self.records_met.has_failed(model, link.slug):
                    self.problems.add(
                        link.location,
                        f"no {model._meta.verbose_name} with the slug “{link.slug}” in the "
                        "archive or in this import",
                        link.name,
                    )
                continue
            resolved.append((link, pk))
        loops = translation_loops(model, {link.instance.pk: pk for link, pk in resolved})
        changed = []
        for link, pk in resolved:
            if link.instance.pk in loops:
                self.problems.add(
                    link.location,
                    f"“{link.slug}” is this {model._meta.verbose_name} itself or leads back to "
                    "it: a translation must point at its original, never make a loop",
                    link.name,
                )
            elif link.pk is None:
                setattr(link.instance, f"{link.name}_id", pk)
                changed.append(link.instance)
        names = sorted({link.name for link in links})
        if changed and names:
            model._default_manager.bulk_update(changed, names, batch_size=BATCH)
        return changed
