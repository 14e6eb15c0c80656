"""Facet counts over every article a query matches: languages, sources, tags, entities."""

from __future__ import annotations

from collections import Counter
from typing import Iterable

FACET_NAMES = ("lang", "source", "tag", "entity")
TOP_ENTITIES = 20


def count_facets(documents: Iterable[dict], top_entities: int = TOP_ENTITIES) -> dict[str, dict[str, int]]:
    """Counts per facet value from stored index fields, most frequent first (ties by value).

    `lang` and `source` are single values; `tag` and `entity` are comma-joined lists. Only the
    `top_entities` most frequent entities are kept.
    """
    counters = {name: Counter() for name in FACET_NAMES}
    for fields in documents:
        for name in ("lang", "source"):
            value = " ".join(str(fields.get(name) or "").split())
            if value:
                counters[name][value] += 1
        for name in ("tag", "entity"):
            values = {v for v in str(fields.get(name) or "").split(",") if v}
            counters[name].update(values)
    facets = {name: dict(sorted(counter.items(), key=lambda item: (-item[1], item[0])))
              for name, counter in counters.items()}
    facets["entity"] = dict(list(facets["entity"].items())[:top_entities])
    return facets
