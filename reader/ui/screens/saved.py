"""Saved searches in the app: the list of them (enter runs one) and the check of a name to save under."""

from __future__ import annotations

from pathlib import Path

from textual.content import Content
from textual.widgets.option_list import Option

from reader.core.saved import load_saved, saved_searches_path
from reader.core.text import safe_text
from reader.ui.screens.panels import LoadingPanel


def name_problem(name: str) -> str:
    """Why `name` cannot name a saved search ('' when it can)."""
    name = name.lstrip("@")
    if not name:
        return "Type a name (no spaces)."
    return "A name has no spaces." if any(char.isspace() for char in name) else ""


class SavedSearchPanel(LoadingPanel):
    """Every saved search (`@name  query`); answers the query of the one chosen."""

    def __init__(self, corpus: Path) -> None:
        super().__init__("Saved searches")
        self.corpus = corpus
        self.saved: dict[str, str] = {}

    def load(self) -> dict[str, str]:
        return load_saved(corpus=self.corpus)

    def options(self, saved: dict[str, str]) -> list[Option]:
        self.saved = saved
        return [Option(Content(f"@{safe_text(name)}  {safe_text(query)}"), id=name)
                for name, query in sorted(saved.items(), key=lambda item: item[0].casefold())]

    def hint(self, saved, any_option: bool) -> str:
        where = f"File: {saved_searches_path(self.corpus)}"
        if not any_option:
            return f"No saved searches yet: {self.keys_for('save_search')} saves the query in the box. {where}"
        return f"{self.keys_for('open')}: run · {self.keys_for('back')}: close · {where}"

    def answer(self, option_id: str) -> str:
        return self.saved[option_id]
