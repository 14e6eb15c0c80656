"""From a recognised entity to what the analyst does with it: the corpus query, the gazetteer type."""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

from reader.core.entities.recognise import recognise
from reader.core.entities.spans import ENTITY_TYPES, NAME_KINDS
from reader.core.text import fold

if TYPE_CHECKING:
    from reader.core.entities.gazetteer import Entity, Gazetteer

SIMILAR_ENOUGH = 0.75  # spelling likeness (0..1) of names sharing no word, to be offered


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


def similar_entities(gazetteer: Gazetteer | None, name: str, limit: int = 5) -> list[Entity]:
    """The gazetteer entities `name` may be another name of, most similar first: those sharing a word
    (`Snowden` and `Edward Snowden`), then those whose names read alike (`Chogou`, `Shoigu`)."""
    if gazetteer is None or not name.strip():
        return []
    words = set(fold(name).lower().split())
    scored = []
    for entity in gazetteer.entities.values():
        best = 0.0
        for alias in entity.names:
            folded = fold(alias).lower()
            shared = len(words & set(folded.split())) / max(1, len(words))
            best = max(best, 1.0 + shared if shared else SequenceMatcher(None, fold(name).lower(), folded).ratio())
        if best >= SIMILAR_ENOUGH:
            scored.append((-best, entity.id, entity))
    return [entity for _, _, entity in sorted(scored)[:limit]]


def suggested_type(name: str, lang: str, gazetteer: Gazetteer | None, fallback: str) -> str:
    """The type to suggest for a name the analyst typed: the type of the entity it shares a word with,
    else what recognition makes of the name on its own, else `fallback`."""
    similar = similar_entities(gazetteer, name, limit=1)
    if similar and set(fold(name).lower().split()) & {w for n in similar[0].names for w in fold(n).lower().split()}:
        return similar[0].type
    spans = recognise(name, lang)
    if len(spans) == 1 and spans[0].end - spans[0].start >= len(name.strip()) * 0.6:
        return gazetteer_type(spans[0].type)
    return fallback
