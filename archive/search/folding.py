"""Folding: the one rule by which indexed text, queries and highlighting compare words.

Both back ends index and search words folded here, in Python (SQLite through the SQL function
``archive_search_words`` its triggers call; PostgreSQL through the tsvector written directly),
so what a reader types and what the index holds are always folded the same way.

Per script:
- Latin and Greek: lower case without accents ("Émigré" -> "emigre", "Αθήνα" -> "αθηνα"; final
  sigma as sigma). Greek capitals carry no accents, so "ΑΘΗΝΑ" finds "Αθήνα".
- Cyrillic and every other script: lower case only; marks are letters of their own there
  ("Алексей" keeps its "й", "Фёдор" its "ё", Ukrainian "ї" stays apart from "і").
- Persian and Arabic: the Arabic and Persian forms of yeh and kaf are one letter (ي ى -> ی,
  ك -> ک); the zero-width non-joiner, the tatweel, the harakat and the hamza and madda marks
  (أ إ آ -> ا) are dropped.
"""

import unicodedata
from functools import lru_cache

_ARABIC = str.maketrans(
    {
        "\u064a": "\u06cc",  # ARABIC LETTER YEH -> FARSI YEH
        "\u0649": "\u06cc",  # ALEF MAKSURA -> FARSI YEH
        "\u0643": "\u06a9",  # ARABIC LETTER KAF -> KEHEH
        "\u200c": None,  # ZERO WIDTH NON-JOINER
        "\u0640": None,  # TATWEEL
        "\u0670": None,  # SUPERSCRIPT ALEF
        **{chr(c): None for c in range(0x064B, 0x0660)},  # harakat, hamza and madda marks
    }
)
# What ``fold`` drops that is not a letter: inside a word, these join its letters into one word
# ("می‌آیند" is one word), as in the folded text (a regular expression character class).
JOINERS = "\u200c\u0640\u064b-\u065f\u0670"
_FINAL_SIGMA = str.maketrans({"ς": "σ"})
_ACCENTED_SCRIPTS = ("LATIN", "GREEK")


@lru_cache(maxsize=4096)
def _drops_marks(char):
    """Whether the combining marks after this base character are accents to fold away."""
    return unicodedata.name(char, "").startswith(_ACCENTED_SCRIPTS)


def fold(text):
    """``text`` folded for comparison (see the module's docstring): "Émigré" -> "emigre"."""
    if text.isascii():
        return text.lower()  # nothing to decompose: the common case, and much faster
    # Decomposed first, so that hamza and madda forms lose their mark with the harakat.
    decomposed = unicodedata.normalize("NFKD", text).translate(_ARABIC)
    kept = []
    drop = False
    for char in decomposed:
        if not unicodedata.combining(char):
            drop = _drops_marks(char)
        elif drop:
            continue
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept)).lower().translate(_FINAL_SIGMA)
