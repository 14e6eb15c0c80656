"""From a recognised entity to what the analyst does with it: the corpus query, the gazetteer type."""

from __future__ import annotations

import re

from reader.core.entities import ENTITY_TYPES, NAME_KINDS


def entity_query(text: str, type: str, entity_id: str | None = None) -> str:
    """The query that finds every article mentioning the entity, whatever the language or spelling.

    Gazetteer entities are searched by id (`entity:shoigu`), automatic names by their normalised name
    (`entity:"Sergei Shoigu"`), amounts, percentages, quantities and dates as a phrase.
    """
    if entity_id:
        return f"entity:{entity_id}" if re.fullmatch(r"\w+", entity_id) else f'entity:"{entity_id}"'
    name = " ".join(text.replace('"', " ").split())
    return f'entity:"{name}"' if type in NAME_KINDS else f'"{name}"'


def gazetteer_type(type: str) -> str:
    """The gazetteer type to suggest for an entity of `type` (amounts and dates become `other`)."""
    return type if type in ENTITY_TYPES else "other"
