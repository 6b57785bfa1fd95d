"""PostgreSQL: a weighted tsvector per entry (GIN-indexed), ranked with ts_rank.

Documents and queries are folded and split into words in Python (``archive.search.text``): the
tsvector is written directly and queries use the ``simple`` configuration, so accents and case
fold as on SQLite without the ``unaccent`` extension, which not every server lets us install.
"""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db.models import F, Value
from django.db.models.functions import Cast

from ..text import words
from .base import Backend

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

    def search_query(self, query):
        return SearchQuery(tsquery(query), search_type="raw", config=CONFIG)

    def matching(self, entries, query):
        return entries.filter(vector=self.search_query(query))

    def ranked_ids(self, entries, query, offset, limit):
        search_query = self.search_query(query)
        rank = SearchRank(
            F("vector"), search_query, weights=RANK_WEIGHTS, normalization=RANK_NORMALIZATION
        )
        ranked = (
            entries.filter(vector=search_query)
            .annotate(rank=rank)
            .order_by("-rank", "id")
            .values_list("id", flat=True)
        )
        return list(ranked[offset : offset + limit])
