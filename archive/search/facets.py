"""Facet counts from every entry's facet values held in memory, for both back ends.

Counting facets in SQL joins every match to its facet values and tags and groups the joined
rows: for a word in half the archive that is ~150,000 rows per page (SQLite sorts them to
group them; PostgreSQL reads every wide row). Instead each process keeps, per entry id, its
(kind, section, year) value and its tag ids in numpy arrays; a page fetches the matching ids
as one string and counts them with ``numpy.bincount`` (2 ms for 50,000 matches, where
``collections.Counter`` takes 12). The arrays are checked against the index's version stamp
(``archive_search_state``, changed by triggers on every write to the index: migration
``0005_search_at_scale``) before every count, so they are never stale: the next count after a
change reloads them, which costs about 0.15 s per 100,000 entries.
"""

import threading
from dataclasses import dataclass

import numpy as np
from django.db import connection

from ..stamps import read_stamp

# Matches of more than one entry in this many count tags over every link rather than their own.
BROAD_SHARE = 8
_lock = threading.Lock()
_loaded = {}


@dataclass(frozen=True, eq=False)
class FacetData:
    version: int | str  # a string on PostgreSQL (archive.stamps)
    value_of: np.ndarray  # entry id -> facet value id (0: no entry)
    tag_starts: np.ndarray  # entry id -> where its tags start in tag_ids; one more at the end
    tag_ids: np.ndarray  # every entry's tag ids, entry after entry
    tag_entries: np.ndarray  # the entry id of each of tag_ids
    values: dict  # facet value id -> (kind, section, year)

    def count(self, ids):
        """({(kind, section, year): count}, {tag id: count}) over the entries ``ids``."""
        ids = ids[ids < len(self.value_of)]  # written since this was read: the next count has it
        values = {
            self.values[value_id]: number
            for value_id, number in nonzero_counts(np.bincount(self.value_of[ids])).items()
            if value_id in self.values  # 0 (no entry), or added since: the next count has it
        }
        if len(ids) * BROAD_SHARE > len(self.value_of):
            # A broad match: every tag link tested once costs less than gathering the runs.
            tags = self.tag_ids[self.mask(ids)[self.tag_entries]]
        else:
            tags = self.tag_ids[self.tag_positions(ids)]
        return values, nonzero_counts(np.bincount(tags))

    def mask(self, ids):
        """A boolean per entry id: whether it is one of ``ids``."""
        found = np.zeros(len(self.value_of), dtype=bool)
        found[ids] = True
        return found

    def tag_positions(self, ids):
        """Positions in tag_ids of every tag of the entries ``ids``: each entry's run, one
        after another."""
        starts = self.tag_starts[ids]
        lengths = self.tag_starts[ids + 1] - starts
        run_offsets = np.cumsum(lengths) - lengths
        return np.arange(lengths.sum()) + np.repeat(starts - run_offsets, lengths)

    def select(self, ids, kind=None, section=None, year=None, tag_id=None):
        """The entries of ``ids`` with this kind, section, year and tag (those given), in order.

        Filtering here rather than in SQL keeps every back end's query a plain full-text match:
        joined to a filter, SQLite tests each match against a subquery and PostgreSQL's planner
        gives up the full-text index (300 to 900 ms for a common word with a tag filter).
        """
        ids = ids[ids < len(self.value_of)]  # written since this was read: not in the filters
        wanted = {"kind": kind, "section": section, "year": year}
        wanted = {name: value for name, value in wanted.items() if value is not None}
        if wanted:
            allowed = np.zeros(len(self.values) + 1, dtype=bool)
            for value_id, value in self.values.items():
                facet = dict(zip(("kind", "section", "year"), value, strict=True))
                allowed[value_id] = all(facet[name] == wanted[name] for name in wanted)
            ids = ids[allowed[self.value_of[ids]]]
        if tag_id is not None:
            ids = ids[self.mask(self.tag_entries[self.tag_ids == tag_id])[ids]]
        return ids


def nonzero_counts(counts):
    found = np.flatnonzero(counts)
    return dict(zip(found.tolist(), counts[found].tolist(), strict=True))


def parse_ids(joined):
    """The numbers of a comma-separated string of integers (``group_concat``, ``string_agg``)."""
    return np.fromstring(joined or "", dtype=np.int64, sep=",")


def current(backend):
    """This database's facet data, reloaded when the index has changed since it was read."""
    version = read_stamp("archive_search_state", connection)
    key = (connection.vendor, connection.settings_dict["NAME"])
    data = _loaded.get(key)
    if data is None or data.version != version:
        with _lock:
            data = _loaded.get(key)
            if data is None or data.version != version:
                data = _loaded[key] = load(version, *backend.facet_source())
    return data


def load(version, value_groups, links):
    """Facet data from [((kind, section, year), "entry_id,entry_id,..."), ...] and
    "entry_id,tag_id,entry_id,tag_id,..." of every tag link.

    The stamp was read before them: a write landing meanwhile (even between the two reads)
    leaves newer data under the older stamp, which only means the next count reloads.
    """
    values, groups = {}, []
    for value_id, (value, joined) in enumerate(value_groups, start=1):
        values[value_id] = tuple(value)
        groups.append((value_id, parse_ids(joined)))
    size = max((int(ids.max()) for _, ids in groups if len(ids)), default=0) + 1
    value_of = np.zeros(size, dtype=np.int64)
    for value_id, ids in groups:
        value_of[ids] = value_id
    links = parse_ids(links).reshape(-1, 2)
    links = links[links[:, 0] < size]
    links = links[np.argsort(links[:, 0], kind="stable")]
    tag_starts = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(np.bincount(links[:, 0], minlength=size), out=tag_starts[1:])
    return FacetData(version, value_of, tag_starts, links[:, 1].copy(), links[:, 0].copy(), values)
