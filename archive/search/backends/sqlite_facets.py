"""SQLite: facet counts from the entries' facet values held in memory.

Counting facets in SQL joins every match to a narrow table and sorts the joined rows to group
them: for a word in half the archive that is ~150,000 rows sorted per page. Instead each
process keeps, per entry id, its (kind, section, year) value and its tag ids in numpy arrays,
read from ``archive_search_facets`` and ``archive_searchentry_tags``; a page fetches the
matching ids as one string and counts them with ``numpy.bincount`` (4 ms for 50,000 matches,
where ``collections.Counter`` takes 15). The arrays are checked against the index's version
stamp (migration ``0012_search_at_scale``) on every count, so they are never stale: any
write to the index changes the stamp and the next count reloads them, which costs about a
tenth of a second per 100,000 entries.
"""

import threading
from dataclasses import dataclass

import numpy as np
from django.db import connection

_lock = threading.Lock()
_loaded = {}


@dataclass(frozen=True, eq=False)
class FacetData:
    version: int
    value_of: np.ndarray  # entry id -> facet value id (0: no entry)
    tag_starts: np.ndarray  # entry id -> where its tags start in tag_ids; one more at the end
    tag_ids: np.ndarray  # every entry's tag ids, entry after entry
    values: dict  # facet value id -> (kind, section, year)

    def count(self, ids):
        """({facet value id: count}, {tag id: count}) over the entries ``ids`` (a numpy array)."""
        ids = ids[ids < len(self.value_of)]  # written since this was read: the next count has it
        starts = self.tag_starts[ids]
        lengths = self.tag_starts[ids + 1] - starts
        # Positions in tag_ids of every tag of every entry: each entry's run, one after another.
        run_offsets = np.cumsum(lengths) - lengths
        positions = np.arange(lengths.sum()) + np.repeat(starts - run_offsets, lengths)
        return (
            nonzero_counts(np.bincount(self.value_of[ids])),
            nonzero_counts(np.bincount(self.tag_ids[positions])),
        )


def nonzero_counts(counts):
    found = np.flatnonzero(counts)
    return dict(zip(found.tolist(), counts[found].tolist(), strict=True))


def parse_ids(joined):
    """The numbers of a ``group_concat`` of integers, as a numpy array."""
    return np.fromstring(joined or "", dtype=np.int64, sep=",")


def current():
    """This database's facet data, reloaded when the index has changed since it was read."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT version FROM archive_search_state")
        (version,) = cursor.fetchone()
    key = connection.settings_dict["NAME"]
    data = _loaded.get(key)
    if data is None or data.version != version:
        with _lock:
            data = _loaded.get(key)
            if data is None or data.version != version:
                data = _loaded[key] = _load(version)
    return data


def _pairs(cursor, sql):
    cursor.execute(sql)
    return parse_ids(cursor.fetchone()[0]).reshape(-1, 2)


def _load(version):
    # The stamp was read first: a write landing meanwhile leaves newer data under the older
    # stamp, which only means one more reload.
    with connection.cursor() as cursor:
        entries = _pairs(
            cursor, "SELECT group_concat(id || ',' || value_id) FROM archive_search_facets"
        )
        links = _pairs(
            cursor,
            "SELECT group_concat(searchentry_id || ',' || tag_id) FROM ("
            "SELECT searchentry_id, tag_id FROM archive_searchentry_tags"
            " ORDER BY searchentry_id, tag_id)",
        )
        cursor.execute("SELECT id, kind, section, year FROM archive_search_facet_values")
        values = {row[0]: row[1:] for row in cursor.fetchall()}
    size = int(entries[:, 0].max()) + 1 if len(entries) else 1
    value_of = np.zeros(size, dtype=np.int64)
    value_of[entries[:, 0]] = entries[:, 1]
    links = links[links[:, 0] < size]
    tag_starts = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(np.bincount(links[:, 0], minlength=size), out=tag_starts[1:])
    return FacetData(version, value_of, tag_starts, links[:, 1].copy(), values)
