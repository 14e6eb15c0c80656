"""The story timeline: the open article and the articles telling the same story, oldest first."""

from __future__ import annotations

import datetime as dt

from textual.content import Content
from textual.widgets.option_list import Option

from reader.core.text import one_line, safe_text
from reader.ui.screens.panels import LoadingPanel


def _day(iso: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(iso) if len(iso) == 10 else None
    except ValueError:
        return None


def when_column(date: str, first_date: str) -> str:
    """`first` for the first publication, `+3d` for days after it, `?` when either date lacks a day."""
    if not date:
        return "?"
    if date == first_date:
        return "first"
    start, day = _day(first_date), _day(date)
    return f"+{(day - start).days}d" if start and day else "later"


class TimelinePanel(LoadingPanel):
    """One row per article: date, first/+days, language, source, title (`*` the open one); answers an id."""

    def __init__(self, engine, article_id: str) -> None:
        super().__init__(f"Story timeline of {safe_text(article_id)}")
        self.engine, self.article_id = engine, article_id

    def load(self) -> list[dict]:
        return self.engine.story_timeline(self.article_id)

    def options(self, rows: list[dict]) -> list[Option]:
        first_date = rows[0]["date"] if rows else ""
        options = []
        for row in rows:
            this = "*" if row["id"] == self.article_id else " "
            source = safe_text(one_line(row["source"] or "-"))[:18]
            line = f"{this} {row['date'] or '(undated)':<10} {when_column(row['date'], first_date):>6}  " \
                   f"{row['lang']:<3} {source:<18} {safe_text(one_line(row['title']))}"
            options.append(Option(Content(line), id=row["id"]))
        return options

    def hint(self, rows, any_option: bool) -> str:
        alone = "No other article tells this story (no translation or rewrite found). " if len(rows) < 2 else ""
        return f"{alone}* this article · {self.keys_for('open')}: open one · {self.keys_for('back')}: close"
