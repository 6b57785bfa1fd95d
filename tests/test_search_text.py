"""highlight() gives exactly what the plain token-by-token algorithm gives, for any text and query.

``reference_highlight`` below is that algorithm as it was before highlight() learned to search
the text directly; highlight() is compared with it over many generated texts and queries.
"""

import random

import pytest
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from archive.search import text as text_module
from archive.search.text import WORD, fold, highlight, parse_query


def reference_highlight(text, query, max_words=None):
    text = text or ""
    scanned = text[: text_module.SNIPPET_SCAN_LIMIT]
    folded = scanned.lower() if scanned.isascii() else None
    tokens = [
        (m.start(), m.end(), folded[m.start() : m.end()] if folded else fold(m.group()))
        for m in WORD.finditer(scanned)
    ]
    marked = _reference_matched_positions(tokens, query.terms)
    if max_words is None or len(tokens) <= max_words:
        start, end = 0, len(tokens)
    else:
        start = _reference_best_window(marked, len(tokens), max_words)
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
    return mark_safe("".join(parts)), bool(marked)  # noqa: S308


def _reference_matched_positions(tokens, terms):
    marked = set()
    folded = [token for _, _, token in tokens]
    for term in terms:
        first = term.words[0]
        if term.is_phrase:
            size = len(term.words)
            for index in range(len(folded) - size + 1):
                if folded[index] == first and tuple(folded[index : index + size]) == term.words:
                    marked.update(range(index, index + size))
        elif term.prefix:
            marked.update(index for index, token in enumerate(folded) if token.startswith(first))
        else:
            marked.update(index for index, token in enumerate(folded) if token == first)
    return marked


def _reference_best_window(marked, token_count, size):
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


# Words that are prefixes of one another, short words (never prefixes), digits, case, markup.
ASCII_WORDS = [
    "a",
    "an",
    "and",
    "the",
    "them",
    "then",
    "ca",
    "cam",
    "camp",
    "camps",
    "campaign",
    "CAMP",
    "Camp",
    "liberty",
    "Liberty",
    "lib",
    "libertyx",
    "res",
    "resettl",
    "resettlement",
    "Resettled",
    "x",
    "b",
    "i",
    "12",
    "123",
    "1990s",
    "2014",
    "script",
    "Script",
    "mark",
    "amp",
    "lt",
    "gt",
    "quot",
    "img",
    "src",
    "onerror",
    "alert",
]
# Words that fold to ASCII letter for letter (the fast way; the Kelvin sign too, and an accent
# as a separate combining mark is a separator), and words that do not (the general way).
FOLDING_WORDS = [
    "café",
    "CAFÉ",
    "Émigré",
    "émigré",
    "Zürich",
    "naïve",
    "Ångström",
    "İstanbul",
    "x²",
    "ª",
    "\U0001d402amp",
    "\u212aelvin",
    "e\u0301t",
]
OTHER_WORDS = ["Straße", "Москва", "ﬁne", "½", "3½", "ΣΟΦΙΑΣ", "ǅemal", "øre", "\u0663"]
ASCII_SEPARATORS = (
    [" "] * 12
    + [", ", ". ", "_", "__", "-", "\n", " & ", "&amp;", " <script> ", "</b>", "'", '"']
    + ['<a href="x">', "  ", "", "...", " (", ") ", "; ", "<", ">", "_ ", " _", "?", "\t"]
)
OTHER_SEPARATORS = ["’", " “", "” ", " — ", "\u00a0", "\u0301", "\ud800", "…", "«", "»"]


def random_text(rng, size, words, separators):
    parts = [rng.choice(separators) if rng.random() < 0.2 else ""]
    for _ in range(size):
        parts.append(rng.choice(words))
        parts.append(rng.choice(separators))
    if rng.random() < 0.5:
        parts.pop()
    return "".join(parts)


def random_query(rng, words):
    parts = []
    for _ in range(rng.randint(0, 4)):
        roll = rng.random()
        if roll < 0.25:  # a quoted phrase, sometimes unclosed or across punctuation
            phrase = rng.choice([" ", ", ", "_", "-", " <b> "]).join(
                rng.choice(words) for _ in range(rng.randint(1, 3))
            )
            parts.append(f'"{phrase}"' if rng.random() < 0.8 else f'"{phrase}')
        elif roll < 0.3:
            parts.append(rng.choice(["<b>", "<mark>", "&", '"', "''", "_", "<script>"]))
        else:
            parts.append(rng.choice(words))
    return parse_query(rng.choice([" ", ", ", " "]).join(parts))


def assert_same(text, query, max_words):
    expected = reference_highlight(text, query, max_words)
    got = highlight(text, query, max_words=max_words)
    assert got == expected, (text, query, max_words)
    assert type(got[0]) is SafeString


@pytest.mark.parametrize("seed", range(8))
def test_same_as_the_token_by_token_algorithm_on_ascii_text(seed, monkeypatch):
    rng = random.Random(seed)

    def general_way(*args):
        raise AssertionError("ASCII text should never need the general way")

    monkeypatch.setattr(text_module, "_highlight_tokens", general_way)
    for _ in range(300):
        size = rng.choice([0, 1, 2, 5, 10, 30, 35, 36, 37, 40, 60, 120, rng.randint(0, 400)])
        text = random_text(rng, size, ASCII_WORDS, ASCII_SEPARATORS)
        query = random_query(rng, ASCII_WORDS)
        for max_words in (None, 36, rng.randint(1, 8)):
            assert_same(text, query, max_words)


@pytest.mark.parametrize("seed", range(4))
def test_same_as_the_token_by_token_algorithm_on_other_text(seed):
    rng = random.Random(1000 + seed)
    words = ASCII_WORDS * 2 + FOLDING_WORDS
    for _ in range(300):
        size = rng.choice([0, 1, 3, 20, 36, 37, 60, rng.randint(0, 300)])
        separators = ASCII_SEPARATORS + OTHER_SEPARATORS
        text_words = words + OTHER_WORDS if rng.random() < 0.3 else words
        text = random_text(rng, size, text_words, separators)
        query = random_query(rng, words + OTHER_WORDS)
        for max_words in (None, 36, rng.randint(1, 8)):
            assert_same(text, query, max_words)


def test_same_as_the_token_by_token_algorithm_past_the_scan_limit(monkeypatch):
    monkeypatch.setattr(text_module, "SNIPPET_SCAN_LIMIT", 60)
    rng = random.Random(7)
    for _ in range(500):
        text = random_text(rng, rng.randint(0, 40), ASCII_WORDS, ASCII_SEPARATORS)
        query = random_query(rng, ASCII_WORDS)
        for max_words in (None, 36, rng.randint(1, 8)):
            assert_same(text, query, max_words)


def test_same_as_the_token_by_token_algorithm_on_long_bodies():
    rng = random.Random(11)
    words = [f"filler{n}" for n in range(200)] + ASCII_WORDS
    body = random_text(rng, 25_000, words, [" "] * 8 + [", ", ". ", "\n"])
    assert len(body) > text_module.SNIPPET_SCAN_LIMIT
    for raw in ["camp", "resettl", '"camp liberty"', "zzz", "the a", "filler199 x"]:
        for max_words in (None, 36):
            assert_same(body, parse_query(raw), max_words)
    assert_same("", parse_query("camp"), 36)
    assert_same(None, parse_query("camp"), None)
    assert_same("&<>" * 300, parse_query("amp"), 36)


def test_other_window_sizes_and_empty_queries_give_the_same():
    text = "camp one two three camp four five six camp"
    for query in [parse_query("camp"), parse_query(""), parse_query('"one two"')]:
        for max_words in (0, -3, 1, 2, 9, 10, 11):
            assert_same(text, query, max_words)


def test_a_prefix_marks_the_whole_word():
    html, matched = highlight("Resettlement of the resettled", parse_query("resettl"))
    assert html == "<mark>Resettlement</mark> of the <mark>resettled</mark>"
    assert matched


def test_a_short_word_is_not_a_prefix():
    html, matched = highlight("The theme then", parse_query("the"))
    assert html == "<mark>The</mark> <mark>theme</mark> <mark>then</mark>"
    html, matched = highlight("An and a", parse_query("an"))
    assert html == "<mark>An</mark> and a"


def test_a_phrase_matches_across_punctuation_and_underscores():
    query = parse_query('"camp liberty"')
    html, matched = highlight("Back to Camp, Liberty; camp_liberty; camp or liberty", query)
    assert html == (
        "Back to <mark>Camp</mark>, <mark>Liberty</mark>; <mark>camp</mark>_<mark>liberty</mark>;"
        " camp or liberty"
    )
    assert matched


def test_overlapping_phrases_are_all_marked():
    html, _ = highlight("no no no yes", parse_query('"no no"'))
    assert html == "<mark>no</mark> <mark>no</mark> <mark>no</mark> yes"


def test_accents_fold_in_text_and_query():
    html, matched = highlight("Le café de Zürich", parse_query("cafe ZURICH"))
    assert html == "Le <mark>café</mark> de <mark>Zürich</mark>"
    html, _ = highlight("Straße and strasse", parse_query("straße"))
    assert html == "<mark>Straße</mark> and strasse"


def test_markup_in_text_and_query_is_escaped():
    html, matched = highlight("a <b>bold</b> & b", parse_query("<b> bold"))
    assert (
        html
        == "a &lt;<mark>b</mark>&gt;<mark>bold</mark>&lt;/<mark>b</mark>&gt; &amp; <mark>b</mark>"
    )
    html, matched = highlight('<img src=x onerror="alert(1)">', parse_query("<mark>img</mark>"))
    assert html == "&lt;<mark>img</mark> src=x onerror=&quot;alert(1)&quot;&gt;"
    html, matched = highlight("<script>", parse_query("zzz"))
    assert (html, matched) == ("&lt;script&gt;", False)


def test_a_window_of_a_long_text_has_ellipses():
    words = [f"w{n}" for n in range(100)]
    words[50] = "target"
    html, matched = highlight(" ".join(words), parse_query("target"), max_words=10)
    assert html == "…w45 w46 w47 w48 w49 <mark>target</mark> w51 w52 w53 w54…"
    html, matched = highlight(" ".join(words) + "!", parse_query("w99"), max_words=8)
    assert html == "…w92 w93 w94 w95 w96 w97 w98 <mark>w99</mark>!"
    html, matched = highlight("- " + " ".join(words), parse_query("zzz"), max_words=2)
    assert (html, matched) == ("- w0 w1…", False)


def test_words_that_fold_to_ascii_letter_for_letter_take_the_fast_way():
    for word in FOLDING_WORDS:
        assert text_module._layout(f"’{word}” — x") is not None, word
    for word in OTHER_WORDS:
        assert text_module._layout(f"’{word}” — x") is None, word
