"""What recognition produces and how names are keyed: the entity kinds, a recognised span, and the
script-neutral key of a name. Light to import: searching and the gazetteer need these without the rules."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii

from reader.core.text import fold

ENTITY_TYPES = ("person", "organisation", "place", "other")
AUTO_KINDS = ("person", "organisation", "place", "money", "percent", "quantity", "date")
NAME_KINDS = ("person", "organisation", "place")


@dataclass(frozen=True)
class Span:
    """A recognised entity: character offsets into the text, its type and where it came from."""

    start: int
    end: int
    text: str
    type: str
    entity_id: str | None
    source: str


@lru_cache(maxsize=100_000)
def normalise_name(name: str) -> str:
    """A language- and script-neutral key for a name (`Choïgou` -> `choigou`, `Шойгу` -> `shoigu`)."""
    text = unicodedata.normalize("NFC", name)
    text = re.sub(r"(?<=[а-яё])[иы]й\b", "y", text, flags=re.IGNORECASE)
    text = anyascii(text.translate(_CYRILLIC_NAME_TABLE))
    return re.sub(r"[^a-z0-9]+", "_", fold(text)).strip("_")


_CYRILLIC_NAME_TABLE = str.maketrans({"й": "i", "Й": "I", "ё": "е", "Ё": "Е", "ь": "", "Ь": "", "ъ": "", "Ъ": ""})
