"""A story's timeline: the articles telling one story, in the order they were published."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reader.core.dates import normalise_date

if TYPE_CHECKING:
    from reader.core.engine import Engine


def story_timeline(engine: Engine, article_id: str) -> list[dict]:
    """The article and its same-story articles, oldest first, undated last: date, lang, source, id, title."""
    rows = []
    for member in [article_id, *engine.story_members(article_id)]:
        stored = engine.stored(member)
        if stored is None:
            continue
        rows.append({"date": normalise_date(stored.date), "lang": stored.lang, "source": stored.source,
                     "id": member, "title": stored.title})
    return sorted(rows, key=lambda row: (not row["date"], row["date"], row["id"]))
