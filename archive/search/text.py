"""Words, queries and highlighted snippets: the text rules both search back ends share.

A query is never handed to a database as the user typed it. It is cut to a safe length and
split into words (runs of letters and digits, accents and case folded, the way SQLite's
``unicode61 remove_diacritics 2`` tokenizer folds them) and quoted phrases; each back end then
builds its own match expression from those words alone, so no operator, column filter or
control character typed by a reader ever reaches the database.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import mark_safe

MAX_QUERY_LENGTH = 200
MAX_TERMS = 10
# Bare words at least this long also match as prefixes ("resettl" finds "resettlement").
MIN_PREFIX_LENGTH = 3

WORD = re.compile(r"[^\W_]+")
PHRASE = re.compile(r'"([^"]*)"?')

# Highlighting: snippets are escaped first, then these markers become <mark> tags, so neither
# the indexed text nor the query can ever inject markup.
SNIPPET_WORDS = 36
SNIPPET_SCAN_LIMIT = 100_000


def fold(text):
    """Lower case without accents: "Émigré" -> "emigre"."""
    if text.isascii():
        return text.lower()  # nothing to decompose: the common case, and much faster
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def words(text):
    return WORD.findall(fold(text))


@dataclass(frozen=True)
class Term:
    """One thing every hit must contain: a word (maybe as a prefix) or a quoted phrase."""

    words: tuple
    prefix: bool = False

    @property
    def is_phrase(self):
        return len(self.words) > 1


@dataclass(frozen=True)
class ParsedQuery:
    text: str
    terms: tuple

    def __bool__(self):
        return bool(self.terms)


def parse_query(raw):
    """The terms of a query string. Anything can be passed; the result is always safe."""
    text = (raw or "")[:MAX_QUERY_LENGTH]
    terms = []
    seen = set()
    position = 0
    for match in PHRASE.finditer(text):
        terms.extend(_bare_terms(text[position : match.start()]))
        phrase = tuple(words(match.group(1)))
        if len(phrase) == 1:
            terms.append(Term(phrase, prefix=len(phrase[0]) >= MIN_PREFIX_LENGTH))
        elif phrase:
            terms.append(Term(phrase))
        position = match.end()
    terms.extend(_bare_terms(text[position:]))
    unique = []
    for term in terms:
        if term not in seen:
            seen.add(term)
            unique.append(term)
    return ParsedQuery(text=text.strip(), terms=tuple(unique[:MAX_TERMS]))


def _bare_terms(text):
    return [Term((word,), prefix=len(word) >= MIN_PREFIX_LENGTH) for word in words(text)]


def highlight(text, query, max_words=None):
    """Escaped HTML of ``text`` (or its best window of ``max_words`` words) with matches marked.

    Returns (html, matched): ``matched`` says whether any query term was found.
    """
    text = text or ""
    scanned = text[:SNIPPET_SCAN_LIMIT]
    folded = scanned.lower() if scanned.isascii() else None  # ASCII: fold once, slice per word
    tokens = [
        (m.start(), m.end(), folded[m.start() : m.end()] if folded else fold(m.group()))
        for m in WORD.finditer(scanned)
    ]
    marked = _matched_positions(tokens, query.terms)
    if max_words is None or len(tokens) <= max_words:
        start, end = 0, len(tokens)
    else:
        start = _best_window(marked, len(tokens), max_words)
        end = start + max_words
    if not tokens:
        return escape(text[:500]), False
    begin = 0 if start == 0 else tokens[start][0]
    finish = len(text) if end >= len(tokens) else tokens[end - 1][1]
    parts = ["…" if begin else ""]
    cursor = begin
    for index in range(start, end):
        if index in marked:
            token_start, token_end, _ = tokens[index]
            parts.append(escape(text[cursor:token_start]))
            parts.append(f"<mark>{escape(text[token_start:token_end])}</mark>")
            cursor = token_end
    parts.append(escape(text[cursor:finish]))
    if finish < len(text):
        parts.append("…")
    return mark_safe("".join(parts)), bool(marked)  # noqa: S308 (every piece escaped above)


def _matched_positions(tokens, terms):
    marked = set()
    folded = [token for _, _, token in tokens]
    for term in terms:
        first = term.words[0]
        if term.is_phrase:
            size = len(term.words)
            for index in range(len(folded) - size + 1):
                if folded[index] == first and tuple(folded[index : index + size]) == term.words:
                    marked.update(range(index, index + size))
        elif term.prefix:  # a prefix also matches the word itself
            marked.update(index for index, token in enumerate(folded) if token.startswith(first))
        else:
            marked.update(index for index, token in enumerate(folded) if token == first)
    return marked


def _best_window(marked, token_count, size):
    """The start of the window of ``size`` tokens holding the most marked tokens."""
    if not marked:
        return 0
    positions = sorted(marked)
    best_start, best_count = 0, -1
    right = 0
    for left, position in enumerate(positions):
        while right < len(positions) and positions[right] < position + size:
            right += 1
        if right - left > best_count:
            best_count = right - left
            best_start = position
    lead = min(5, best_start)
    return max(0, min(best_start - lead, token_count - size))
