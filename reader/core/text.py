"""Text hygiene shared by every layer: neutralising control characters and folding accents."""

from __future__ import annotations

import re
import unicodedata
from itertools import filterfalse

# C0 controls except tab and newline, DEL, and C1 controls.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]")
# Bidirectional overrides/isolates and zero-width characters that can disguise text.
_INVISIBLE_RE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]")


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


def fold(text: str) -> str:
    """Lower-case and strip accents (`Choïgou` -> `choigou`, `Straße` -> `strasse`)."""
    if text.isascii():
        return text.lower()
    return "".join(filterfalse(unicodedata.combining, unicodedata.normalize("NFKD", text.casefold())))


def one_line(text: str) -> str:
    """Collapse all whitespace runs (newlines included) to single spaces."""
    return " ".join(text.split())
