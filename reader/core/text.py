"""Text hygiene shared by every layer: neutralising control characters, folding accents, cutting words."""

from __future__ import annotations

import re
import unicodedata
from itertools import filterfalse

from reader.core.unicode_marks import MARKS, MarkPattern

# C0 controls except tab and newline, DEL, and C1 controls.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]")
# Bidirectional overrides/isolates and zero-width characters that can disguise text.
_INVISIBLE_RE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]")

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# The words of a text as the search index and the entity finder see them. Numbers (of any script's
# digits) keep inner separators (64.2, 3,000, 1,00,000); CJK characters are one token each; other words
# are runs of word characters and combining marks of every script (Devanagari vowel signs and viramas
# are not \w on their own), never punctuation such as the danda (।).
TOKEN_RE = MarkPattern(rf"\d+(?:[.,]\d+)*|[{_CJK}]|(?:[^\W{_CJK}]+|[{MARKS}])+")
_LETTERS_RE = MarkPattern(rf"(?:[^\W\d_]|[{MARKS}])+")


def is_letters(word: str) -> bool:
    """Whether `word` is letters only, with the combining marks of any script (`str.isalpha` is False
    for `जमशेदपुर`: its vowel signs are marks)."""
    return bool(_LETTERS_RE.fullmatch(word))


def _visible_control(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # Unicode "control pictures": ESC becomes ␛
    if code == 0x7F:
        return "\u2421"
    return "\ufffd"


def safe_text(text: str) -> str:
    """Return `text` with control characters made visible and invisible formatting removed.

    Everything that came from an article passes through here before it reaches a widget or stdout.
    """
    text = _CONTROL_RE.sub(_visible_control, text)
    return _INVISIBLE_RE.sub("", text)


# Latin letters that carry their mark inside (no decomposition): folded as their readers type them
_OWN_MARKS = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ı": "i", "ð": "d", "ħ": "h", "ŧ": "t", "ŀ": "l",
                            "æ": "ae", "œ": "oe", "þ": "th"})


def fold(text: str) -> str:
    """Lower-case and strip accents (`Choïgou` -> `choigou`, `Straße` -> `strasse`, `Łódź` -> `lodz`,
    `Işık` -> `isik`)."""
    if text.isascii():
        return text.lower()
    return "".join(filterfalse(unicodedata.combining,
                               unicodedata.normalize("NFKD", text.casefold().translate(_OWN_MARKS))))


def find_word(text: str, word: str, position: int = 0) -> int:
    """Offset of the next occurrence of `word` at or after `position` as a whole word (no word
    character or combining mark either side), or -1."""
    while True:
        start = text.find(word, position)
        if start < 0:
            return start
        end = start + len(word)
        if start <= 0 or not _word_char(text[start - 1]):
            if end >= len(text) or not _word_char(text[end]):
                return start
        position = start + 1


def _word_char(char: str) -> bool:
    """A letter, digit, underscore or combining mark (a vowel sign is inside its word)."""
    return char.isalnum() or char == "_" or unicodedata.category(char)[0] == "M"


def one_line(text: str) -> str:
    """Collapse all whitespace runs (newlines included) to single spaces."""
    return " ".join(text.split())


def normalise_tag(tag: str) -> str:
    """The canonical form of a tag: NFC, trimmed, inner whitespace runs as one '-', casefolded."""
    text = unicodedata.normalize("NFC", "-".join(unicodedata.normalize("NFC", str(tag)).split()).casefold())
    if not text or any(unicodedata.category(char) == "Cc" for char in text):
        raise ValueError(f"not a usable tag: {tag!r}")
    return text
