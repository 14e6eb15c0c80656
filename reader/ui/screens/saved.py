"""Saved searches in the app: the list of them (enter runs one; rename, delete) and the check of a name."""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.content import Content
from textual.widgets.option_list import Option

from reader.core.text import safe_text
from reader.core.userdata.saved import delete_search, load_saved, rename_search
from reader.ui import messages as msg
from reader.ui.actions import SAVED, bindings_for
from reader.ui.jobs import problem_line
from reader.ui.screens.dialogs import PickList
from reader.ui.screens.panels import LoadingPanel, TextPrompt


def name_problem(name: str) -> str:
    """Why `name` cannot name a saved search ('' when it can)."""
    name = name.lstrip("@")
    if not name:
        return "Type a name (no spaces)."
    return "A name has no spaces." if any(char.isspace() for char in name) else ""


class SavedSearchPanel(LoadingPanel):
    """Every saved search of the corpus (`@name  query`); answers the query of the one chosen.
    `saved_rename` and `saved_delete` (asked twice) change the file, then the list is read again."""

    BINDINGS = bindings_for(SAVED)

    def __init__(self, path: Path) -> None:
        super().__init__("Saved searches")
        self.path = path
        self.saved: dict[str, str] = {}
        self.deleting: str | None = None  # the name a second delete key removes

    def load(self) -> dict[str, str]:
        return load_saved(self.path)

    def options(self, saved: dict[str, str]) -> list[Option]:
        self.saved = saved
        return [Option(Content(f"@{safe_text(name)}  {safe_text(query)}"), id=name)
                for name, query in sorted(saved.items(), key=lambda item: item[0].casefold())]

    def hint(self, saved, any_option: bool) -> str:
        where = f"File: {self.path}"
        if not any_option:
            return f"No saved searches yet: {self.keys_for('save_search')} saves the query in the box. {where}"
        return f"{self.keys_for('open')}: run · {self.keys_for('saved_rename')}: rename · " \
               f"{self.keys_for('saved_delete')}: delete · {self.keys_for('back')}: close · {where}"

    def answer(self, option_id: str) -> str:
        return self.saved[option_id]

    def _chosen(self) -> str | None:
        option = self.query_one(PickList).highlighted_option
        return option.id if option is not None else None

    def action_saved_rename(self) -> None:
        name = self._chosen()
        if name is None:
            return

        def done(new: str | None) -> None:
            if new and new.lstrip("@") != name:
                self._change(rename_search, name, new.lstrip("@"))

        self.app.push_screen(TextPrompt(f"Rename @{safe_text(name)} to", name, "new name", name_problem), done)

    def action_saved_delete(self) -> None:
        name = self._chosen()
        if name is None:
            return
        if self.deleting != name:
            self.deleting = name
            self.say(f"{self.keys_for('saved_delete')} again deletes @{safe_text(name)} from {self.path}")
            return
        self.deleting = None
        self._change(delete_search, name)

    @work(thread=True, exit_on_error=False)
    def _change(self, change, *names: str) -> None:
        try:
            change(*names, self.path)
        except Exception as exc:  # noqa: BLE001 - shown in the panel
            self.post_message(msg.PanelData(None, problem_line(exc)))
            return
        self.post_message(msg.PanelData(load_saved(self.path)))
