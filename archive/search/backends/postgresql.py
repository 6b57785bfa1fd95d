"""PostgreSQL: a weighted tsvector per entry (GIN-indexed), ranked with ts_rank.

Documents and queries are folded and split into words in Python (``archive.search.text``): the
tsvector is written directly and queries use the ``simple`` configuration, so accents and case
fold as on SQLite without the ``unaccent`` extension, which not every server lets us install.
"""

from contextlib import contextmanager

import numpy as np
from django.contrib.postgres.search import SearchVectorField
from django.db import connection, transaction
from django.db.models import Value
from django.db.models.functions import Cast

from .. import facets
from ..text import words
from .base import Backend, fetch

CONFIG = "simple"
# ts_rank weights for D (body), C (linked records' names), B (tags), A (name and aliases).
RANK_WEIGHTS = [0.1, 0.2, 0.4, 1.0]
# Normalisation 1: divide by 1 + log(length), so a short record named in the query is not
# outranked by a long article that merely repeats the word.
RANK_NORMALIZATION = 1
MAX_INDEXED_CHARS = 500_000
# PostgreSQL's limits: positions up to 16383, 256 positions and 2046 bytes per lexeme.
MAX_POSITION = 16383
MAX_POSITIONS_PER_LEXEME = 256
MAX_LEXEME_BYTES = 2046
# Positions left empty between columns, so a phrase never spans the end of one column and the
# start of the next (FTS5 phrases cannot either).
COLUMN_GAP = 10
# The lexemes of a record's name, other names, tags and linked names (weights A to C), as the
# GIN index of migration 0005 holds them.
NAMES_VECTOR = "ts_filter(vector, '{a,b,c}')"
# The marks of archive_search_postings' terms (search migration 0004): every lexeme, and the
# three- and four-letter prefixes of every lexeme; each for the whole record, then for names.
LEXEME, PREFIX = {False: "=", True: "+"}, {False: "~", True: "^"}
PREFIX_SIZES = (3, 4)
# After the range of a term's own key ("=war" only) or of every key it begins ("=warn...").
KEY_END, PREFIX_END = "\x01", "\U0010ffff"
# Entries waiting in archive_search_recent are tested one by one on every search (about 2 µs
# each); past this many, the writing transaction moves them into the word lists.
MERGE_AFTER = 500


def tsvector_literal(weighted_texts):
    """A tsvector in PostgreSQL's input syntax from (text, weight) pairs, folded in Python.

    Lexemes are runs of letters and digits only, so they need no escaping inside the quotes.
    """
    positions = {}
    offset = 0
    for text, weight in weighted_texts:
        tokens = words((text or "")[:MAX_INDEXED_CHARS])
        for index, token in enumerate(tokens, start=offset + 1):
            if len(token.encode("utf-8")) > MAX_LEXEME_BYTES:
                continue
            found = positions.setdefault(token, [])
            if len(found) < MAX_POSITIONS_PER_LEXEME:
                found.append(f"{min(index, MAX_POSITION)}{weight}")
        offset += len(tokens) + COLUMN_GAP
    return " ".join(f"'{token}':{','.join(found)}" for token, found in positions.items())


def tsquery(query):
    """tsquery syntax built from folded words only (letters and digits: nothing to escape)."""
    parts = []
    for term in query.terms:
        lexemes = [f"'{word}'" for word in term.words]
        if term.is_phrase:
            parts.append(" <-> ".join(lexemes))
        elif term.prefix:
            parts.append(f"({lexemes[0]} | {lexemes[0]}:*)")
        else:
            parts.append(lexemes[0])
    return " & ".join(parts)


@contextmanager
def without_sequential_scans():
    """Keep the planner off reading every row for a query a GIN index answers.

    For a word in half the archive PostgreSQL estimates that reading every row beats the GIN
    index, but testing each row unpacks its (out-of-line) tsvector, which its cost model does
    not count: 900 ms instead of 25 ms at 100,000 entries.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        yield
        cursor.execute("SET LOCAL enable_seqscan TO DEFAULT")


def postings_range(term, naming):
    """(low, high): the keys of archive_search_postings holding a word term (a prefix term
    of three or four letters has its own key; a longer one every lexeme it begins)."""
    word = term.words[0]
    if term.prefix and len(word) in PREFIX_SIZES:
        return PREFIX[naming] + word, PREFIX[naming] + word + KEY_END
    key = LEXEME[naming] + word
    return key, key + (PREFIX_END if term.prefix else KEY_END)


def known(ids, size):
    """The entry ids of a string of four-byte ids, those below ``size`` (written since the
    facet data was read: the next search has them)."""
    ids = np.frombuffer(ids or b"", dtype=">i4").astype(np.int64)
    return ids[ids < size]


class PostgreSQLBackend(Backend):
    vendor = "postgresql"

    def prepare(self, entry, document):
        literal = tsvector_literal(
            [
                (entry.heading, "A"),
                (entry.names, "A"),  # a record's other names count as much as its name
                (entry.tag_names, "B"),
                (entry.related, "C"),
                (entry.body, "D"),
            ]
        )
        entry.vector = Cast(Value(literal), output_field=SearchVectorField())

    def matching(self, query, data):
        if any(term.is_phrase for term in query.terms):
            return super().matching(query, data)  # word lists know no positions: GIN does
        return self._listed(query, data, naming=False)

    def naming(self, query, data, limit=None):
        if any(term.is_phrase for term in query.terms):
            return super().naming(query, data, limit)
        return self._listed(query, data, naming=True)

    def _listed(self, query, data, naming):
        """The live entries holding every term of ``query`` (in names only, when ``naming``):
        from the word lists, and from the entries written since they were built."""
        ranges = [postings_range(term, naming) for term in query.terms]
        # One range scan of the index per term (joined to a VALUES list, the ranges are
        # tested against every row instead).
        lists = " UNION ALL ".join(
            f"SELECT {number}, string_agg(ids, ''::bytea) FROM archive_search_postings"  # noqa: S608
            " WHERE term >= %s AND term < %s"
            for number in range(len(ranges))
        )
        rows = fetch(lists, [bound for bounds in ranges for bound in bounds])
        vector = NAMES_VECTOR if naming else "vector"
        (recent,) = fetch(
            "SELECT string_agg(int4send(id::int4), ''::bytea) FROM archive_search_recent"  # noqa: S608
            f" WHERE {vector} @@ to_tsquery(%s, %s)",
            [CONFIG, tsquery(query)],
        )[0]
        listed = dict(rows)
        size = len(data.value_of)
        found = data.value_of != 0  # a deleted entry's id stays listed until the next build
        for number in range(len(ranges)):
            holding = np.zeros(size, dtype=bool)
            holding[known(listed.get(number), size)] = True
            found &= holding
        recent = known(recent, size)
        found[recent[data.value_of[recent] != 0]] = True
        return np.flatnonzero(found)

    def settle(self):
        fetch(
            "SELECT archive_search_postings_merge() WHERE"
            " (SELECT count(*) FROM (SELECT FROM archive_search_recent LIMIT %s) AS waiting) >= %s",
            [MERGE_AFTER, MERGE_AFTER],
        )

    def optimize(self):
        fetch("SELECT archive_search_postings_build()", [])

    def match_ids(self, query):
        with without_sequential_scans():
            return fetch(
                "SELECT string_agg(id::text, ',') FROM archive_searchentry"
                " WHERE vector @@ to_tsquery(%s, %s)",
                [CONFIG, tsquery(query)],
            )[0][0]

    def naming_ids(self, query, limit=None):
        # All of them, from the GIN index of the name-weighted lexemes (migration 0005), whatever
        # the limit: asked for the newest few, the planner walks the primary key backwards and
        # unpacks every row's tsvector until it has them (seconds when they are rare). Reading
        # every naming match from the index costs 10 to 25 ms at 100,000 articles.
        with without_sequential_scans():
            return fetch(
                f"SELECT string_agg(id::text, ',') FROM archive_searchentry"  # noqa: S608
                f" WHERE {NAMES_VECTOR} @@ to_tsquery(%s, %s)",
                [CONFIG, tsquery(query)],
            )[0][0]

    def rank_window(self, matches, size):
        # Every match is ranked by its id (they are in memory): ranking reads the vectors from
        # archive_search_rank, stored in place (search migration 0003), and never tests the
        # full-text match again.
        window = super().rank_window(matches, size)
        return np.sort(matches.ids) if window is None else window

    def ranked_ids(self, query, offset, limit, window=None):
        if window is None:
            # Sorted, as rank_window's are: the bounds below are its first and last ids.
            window = np.sort(facets.parse_ids(self.match_ids(query)))
        if not len(window):
            return []
        # The ids go as one array literal (adapting thousands of Python ints costs more than
        # the query), and the bounds spare the planner testing every row against the array.
        rows = fetch(
            "SELECT id FROM archive_search_rank"
            " WHERE id >= %s AND id <= %s AND id = ANY(%s::bigint[])"
            " ORDER BY ts_rank(%s::float4[], vector, to_tsquery(%s, %s), %s) DESC, id"
            " LIMIT %s OFFSET %s",
            [
                int(window[0]),
                int(window[-1]),
                "{" + ",".join(map(str, window.tolist())) + "}",
                RANK_WEIGHTS,
                CONFIG,
                tsquery(query),
                RANK_NORMALIZATION,
                limit,
                offset,
            ],
        )
        return [pk for (pk,) in rows]

    def facet_source(self):
        value_groups = fetch(
            "SELECT kind, section, year, string_agg(id::text, ',') FROM archive_searchentry"
            " GROUP BY kind, section, year",
            [],
        )
        links = fetch(
            "SELECT string_agg(searchentry_id || ',' || tag_id, ',') FROM archive_searchentry_tags",
            [],
        )[0][0]
        return [(row[:3], row[3]) for row in value_groups], links

    def tag_rows(self, tag_ids):
        return fetch("SELECT id, slug, name FROM taggit_tag WHERE id = ANY(%s)", [list(tag_ids)])
