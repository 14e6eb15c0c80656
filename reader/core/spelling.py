"""Spellings across scripts: a word's Latin form, and its consonant skeleton, which stays the same
across the ways languages write one name (`Shoigu`, `Schoigu`, `Шойгу` -> `sk`)."""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

STEM_CONSONANTS = 4  # a word's stem for matching across languages: the first consonants of its skeleton

# Skeleton rewriting: digraphs and letters that sound alike across spellings map to one class.
_SKELETON_RULES = (
    ("tsch", "s"), ("dsch", "s"), ("dzh", "s"), ("sch", "s"), ("tch", "s"), ("ch", "s"),
    ("sh", "s"), ("zh", "s"), ("ts", "s"), ("tz", "s"), ("dj", "s"), ("kh", "k"), ("ph", "f"),
    ("th", "t"), ("gh", "k"), ("ck", "k"), ("x", "ks"),
)
_SKELETON_TABLE = str.maketrans(
    {"b": "p", "d": "t", "g": "k", "c": "k", "q": "k", "v": "f", "w": "f", "z": "s", "j": "s",
     "m": "n", "a": None, "e": None, "i": None, "o": None, "u": None, "y": None, "h": None}
)
_DUPLICATE_RE = re.compile(r"(.)\1+")


def transliterate(text: str) -> str:
    """Return the Latin ASCII form of `text` in any script (`Путин` -> `Putin`, `Choïgou` -> `Choigou`)."""
    return anyascii(unicodedata.normalize("NFC", text))


def skeleton(word: str) -> str:
    """Return the consonant skeleton of a transliterated lower-case word (`shoigu`, `schoigu` -> `sk`)."""
    for digraph, replacement in _SKELETON_RULES:
        if digraph in word:
            word = word.replace(digraph, replacement)
    return _DUPLICATE_RE.sub(r"\1", word.translate(_SKELETON_TABLE))
