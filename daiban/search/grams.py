"""Text to bigrams: what the search index stores and what a query looks up.

Chinese has no spaces between words, and a name is often two characters (王芳), so the unit of the index
is the bigram: every two adjacent characters of a run of word characters (CJK, letters, digits). A term of
two or more characters is found by the bigrams it contains; the candidates are then checked against the
stored text, so a bigram shared by chance never makes a hit.

A bigram is stored as one integer (the two code points side by side), compared the same way on SQLite and
PostgreSQL, with no collation in the way.
"""

from __future__ import annotations

import re
import unicodedata

_RUN = re.compile(r"\w+")
_SHIFT = 0x110000  # one more than the largest code point


def normalize(text: str) -> str:
    """Full-width to half-width, upper to lower case (ＡＢＣ１２ → abc12), as indexed and as searched."""
    return unicodedata.normalize("NFKC", text).lower()


def runs(text: str) -> list[str]:
    """The runs of word characters of the normalized text (punctuation and spaces split runs)."""
    return _RUN.findall(normalize(text))


def code(pair: str) -> int:
    return ord(pair[0]) * _SHIFT + ord(pair[1])


def grams(text: str, limit: int | None = None) -> list[int]:
    """The distinct bigram codes of ``text``, in order of first appearance; at most ``limit``."""
    seen: dict[int, None] = {}
    for run in runs(text):
        for i in range(len(run) - 1):
            seen.setdefault(code(run[i : i + 2]), None)
            if limit is not None and len(seen) >= limit:
                return list(seen)
    return list(seen)


def contains(haystack: str, words: list[str]) -> bool:
    """Whether every word occurs in ``haystack`` (both normalized; ``words`` from ``runs``)."""
    text = normalize(haystack)
    return all(w in text for w in words)
