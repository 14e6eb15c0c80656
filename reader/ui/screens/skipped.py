"""The files the last index update could not read, each with the reason (unknown type, broken PDF…)."""

from __future__ import annotations

from textual.content import Content
from textual.widgets.option_list import Option

from reader.core.text import one_line, safe_text
from reader.ui.screens.panels import LoadingPanel


class SkippedPanel(LoadingPanel):
    """One row per file not indexed: its name and why; closing is all it does."""

    def __init__(self, skipped: list) -> None:
        super().__init__(f"Not indexed: {len(skipped):,} files")
        self.skipped = skipped

    def load(self) -> list:
        return self.skipped

    def options(self, skipped: list) -> list[Option]:
        return [Option(Content(f"{safe_text(one_line(item.name))}  —  {safe_text(one_line(item.reason))}"),
                       id=str(number)) for number, item in enumerate(skipped)]

    def hint(self, skipped: list, any_option: bool) -> str:
        return f"{self.keys_for('back')}: close · `reader index --format json` lists them too"

    def answer(self, option_id: str) -> None:
        return None
