"""Words, queries and highlighted snippets: the text rules both search back ends share.

A query is never handed to a database as the user typed it. It is cut to a safe length and
split into words (runs of letters and digits, folded by ``folding.fold``, as the index is) and
quoted phrases; each back end then
builds its own match expression from those words alone, so no operator, column filter or
control character typed by a reader ever reaches the database.
"""

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import mark_safe

from .folding import JOINERS, fold

MAX_QUERY_LENGTH = 200
MAX_TERMS = 10
# Bare words at least this long also match as prefixes ("resettl" finds "resettlement").
MIN_PREFIX_LENGTH = 3

WORD = re.compile(rf"[^\W_]+(?:[{JOINERS}]+[^\W_]+)*")
_JOINER = re.compile(f"[{JOINERS}]")
PHRASE = re.compile(r'"([^"]*)"?')

# Highlighting: snippets are escaped first, then these markers become <mark> tags, so neither
# the indexed text nor the query can ever inject markup.
SNIPPET_WORDS = 36
SNIPPET_SCAN_LIMIT = 100_000


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
    terms = tuple(query.terms)
    if max_words is None or (isinstance(max_words, int) and max_words > 0):
        layout = _layout(scanned)
        finders = _cached_finders(terms) if layout is not None else None
        if finders is not None:
            return _highlight_layout(text, layout, finders, max_words)
    return _highlight_tokens(text, scanned, terms, max_words)


# The fast way, for text whose words are all ASCII once folded (nearly all of it): the scanned
# text becomes a "layout", bytes with one byte per character and a space at each end, where every
# word character is its folded ASCII letter or digit and every other character is a space. A
# token starting at offset ``i`` of the text is then a run of letters at ``layout[i + 1]`` and
# the space before it is ``layout[i]``, so offsets need no translating, and each term is a
# plain byte search (or one small pattern, for a phrase) instead of a walk over every token.

_LAYOUT = bytes(  # ASCII letters and digits lower-cased (| 0x20 leaves digits alone), else " "
    (c | 0x20) if chr(c).isascii() and chr(c).isalnum() else ord(" ") for c in range(256)
)
_TOKEN_STARTS = bytes(ord(" ") if c == ord(" ") else ord("a") for c in range(256))
_ASCII_BYTES = bytes(range(128))
_LAYOUT_WORD = re.compile(rb"[^ ]+")
_ASCII_WORD = re.compile(r"[a-z0-9]+")


def _layout(scanned):
    """The layout of ``scanned`` (see above), or None if a word in it does not fold to ASCII."""
    if scanned.isascii():
        return b" " + scanned.encode("ascii").translate(_LAYOUT) + b" "
    if _JOINER.search(scanned):
        return None  # a joiner makes one word of letters around it; the layout cannot
    # One byte per character: every non-ASCII character becomes "?", a separator; those that
    # are word characters are then overwritten with their folded letter, where they have one.
    raw = bytearray(scanned.encode("ascii", "replace"))
    utf8 = scanned.encode("utf-8", "surrogatepass")
    for char in set(utf8.translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass")):
        if WORD.fullmatch(char):
            folded = _ascii_fold(char)
            if folded is None:
                return None
            position = scanned.find(char)
            while position >= 0:
                raw[position] = folded
                position = scanned.find(char, position + 1)
    return b" " + raw.translate(_LAYOUT) + b" "


@lru_cache(maxsize=1024)
def _ascii_fold(char):
    """The byte a word character folds to, if it folds to one ASCII letter or digit ("é": "e").

    Folding a word is folding each of its characters in turn (decomposition and dropping
    combining marks work per character; so does lower-casing, but for a final sigma, which
    never folds to ASCII), so a word of such characters folds to its layout bytes.
    """
    folded = fold(char)
    if len(folded) == 1 and _ASCII_WORD.fullmatch(folded):
        return ord(folded)
    return None


def _cached_finders(terms):
    try:
        return _finders(terms)
    except TypeError:  # unhashable terms: not from parse_query, so take the general way
        return None


@lru_cache(maxsize=256)
def _finders(terms):
    """How to find each term in a layout: (kind, needle) pairs; None if a term has no words.

    A term with a word that is not ASCII letters and digits cannot match any token of a
    layout, whose tokens all are, so it is left out.
    """
    finders = []
    for term in terms:
        if not term.words or not all(term.words):
            return None
        if not all(isinstance(w, str) and _ASCII_WORD.fullmatch(w) for w in term.words):
            continue
        needles = [word.encode("ascii") for word in term.words]
        if term.is_phrase:  # the words as consecutive tokens, whatever separates them
            pattern = b" " + b" +".join(re.escape(needle) for needle in needles) + b"(?= )"
            finders.append(("phrase", re.compile(pattern)))
        elif term.prefix:
            finders.append(("prefix", b" " + needles[0]))
        else:
            finders.append(("word", b" " + needles[0] + b" "))
    return tuple(finders)


@lru_cache(maxsize=16)
def _window_pattern(size):
    """Matches ``size`` tokens of a layout, from the start of the first."""
    return re.compile(rb"(?:[^ ]+ +){%d}[^ ]+" % (size - 1))


def _find_marks(layout, finders):
    """{start: end} offsets of every token of the scanned text that a term matches."""
    marks = {}
    find = layout.find
    for kind, needle in finders:
        if kind == "word":  # found at the space before it; the space after may start the next
            size = len(needle) - 2
            at = find(needle)
            while at >= 0:
                marks[at] = at + size
                at = find(needle, at + size + 1)
        elif kind == "prefix":  # a prefix also matches the word itself
            at = find(needle)
            while at >= 0:
                after = find(b" ", at + len(needle))  # never -1: the layout ends with a space
                marks[at] = after - 1
                at = find(needle, after)
        else:  # phrases may overlap ("a a" twice in "a a a"), so search again from the next byte
            match = needle.search(layout)
            while match:
                for word in _LAYOUT_WORD.finditer(layout, match.start(), match.end()):
                    marks[word.start() - 1] = word.end() - 1
                match = needle.search(layout, match.start() + 1)
    return marks


def _highlight_layout(text, layout, finders, max_words):
    marks = _find_marks(layout, finders)
    offsets = sorted(marks)
    window = _layout_window(layout, offsets, max_words)
    if window is None:  # no tokens at all
        return escape(text[:500]), False
    begin, finish = window
    if finish is None:
        finish = len(text)
    else:
        offsets = offsets[: bisect_left(offsets, finish)]
    offsets = offsets[bisect_left(offsets, begin) :]
    spans = [(start, marks[start]) for start in offsets]
    return _assemble(text, begin, finish, spans), bool(marks)


def _layout_window(layout, offsets, size):
    """(begin, end) offsets of the window that ``_best_window`` picks, as ``_highlight_tokens``
    shows it: begin is 0 for a window from the first token, end None for one to the last token.
    None if there are no tokens at all.

    Only tokens up to the last marked one are counted, and the window's ends are found by
    stepping over tokens from a marked one, so a long text is not walked token by token.
    """
    first_token = _LAYOUT_WORD.search(layout)
    if first_token is None:
        return None
    if size is None or size >= (len(layout) - 1) // 2:  # more tokens than can fit in the text
        return 0, None
    window = _window_pattern(size)
    match = window.match(layout, first_token.start())
    if not match or not _LAYOUT_WORD.search(layout, match.end()):
        return 0, None  # no more than ``size`` tokens: all of them
    if not offsets:
        return 0, match.end() - 1
    # b" a" at offset i of ``starts`` is a token starting at offset i of the text.
    starts = layout[: offsets[-1] + 2].translate(_TOKEN_STARTS)
    indexes = []  # the token index of each marked token: how many tokens start before it
    index = previous = 0
    for offset in offsets:
        index += starts.count(b" a", previous, offset + 1)
        indexes.append(index)
        previous = offset
    best = _densest(indexes, size)
    lead = min(5, best)
    at = offsets[bisect_left(indexes, best)]
    for _ in range(lead):
        at = starts.rfind(b" a", 0, at)
    match = window.match(layout, at + 1)
    if match and _LAYOUT_WORD.search(layout, match.end()):
        return (0 if best == lead else at), match.end() - 1
    if not match:  # fewer than ``size`` tokens left: the window is the last ``size`` tokens
        starts = layout.translate(_TOKEN_STARTS)
        at = len(starts)
        for _ in range(size):
            at = starts.rfind(b" a", 0, at)
    return at, None


# The general way, for text with words that fold to something else ("Straße", "Москва"): fold
# and compare every token.


def _highlight_tokens(text, scanned, terms, max_words):
    folded = scanned.lower() if scanned.isascii() else None  # ASCII: fold once, slice per word
    tokens = [
        (m.start(), m.end(), folded[m.start() : m.end()] if folded else fold(m.group()))
        for m in WORD.finditer(scanned)
    ]
    marked = _matched_positions(tokens, terms)
    if max_words is None or len(tokens) <= max_words:
        start, end = 0, len(tokens)
    else:
        start = _best_window(marked, len(tokens), max_words)
        end = start + max_words
    if not tokens:
        return escape(text[:500]), False
    begin = 0 if start == 0 else tokens[start][0]
    finish = len(text) if end >= len(tokens) else tokens[end - 1][1]
    spans = [tokens[index][:2] for index in range(start, end) if index in marked]
    return _assemble(text, begin, finish, spans), bool(marked)


def _assemble(text, begin, finish, spans):
    """Escaped HTML of ``text[begin:finish]`` with the (start, end) ``spans`` in <mark>, and
    an ellipsis for each end cut off."""
    parts = ["…" if begin else ""]
    cursor = begin
    for start, end in spans:
        parts.append(escape(text[cursor:start]))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        cursor = end
    parts.append(escape(text[cursor:finish]))
    if finish < len(text):
        parts.append("…")
    return mark_safe("".join(parts))  # noqa: S308 (every piece escaped above)


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
    best_start = _densest(sorted(marked), size)
    lead = min(5, best_start)
    return max(0, min(best_start - lead, token_count - size))


def _densest(positions, size):
    """The first of the sorted ``positions`` that starts a run of ``size`` holding the most."""
    best_start, best_count = 0, -1
    right = 0
    for left, position in enumerate(positions):
        while right < len(positions) and positions[right] < position + size:
            right += 1
        if right - left > best_count:
            best_count = right - left
            best_start = position
    return best_start
