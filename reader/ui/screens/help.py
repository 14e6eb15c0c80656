"""The help screen: every action of the registry, grouped, with the keys in force."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from reader.core.text import safe_text
from reader.ui.actions import ARTICLE, bindings_for, grouped
from reader.ui.screens.dialogs import Dialog


class HelpBody(VerticalScroll, inherit_bindings=False):
    """The scrolling list of keys, moved by the registry's reading actions."""

    BINDINGS = bindings_for(ARTICLE)

    def action_move_down(self) -> None:
        self.scroll_down(animate=False)

    def action_move_up(self) -> None:
        self.scroll_up(animate=False)

    def action_first(self) -> None:
        self.scroll_home(animate=False)

    def action_last(self) -> None:
        self.scroll_end(animate=False)


class HelpScreen(Dialog):
    """Keys in force, by group; `back` or `help` closes it."""

    def __init__(self, keys: dict[str, str], keymap_files: list[str], quick_tags: dict[int, str],
                 tags_location: str = "") -> None:
        super().__init__()
        self.keys = keys
        self.keymap_files = keymap_files
        self.quick_tags = quick_tags
        self.tags_location = tags_location  # where tags and notes are written

    def compose(self) -> ComposeResult:
        groups = grouped(self.keys, self.quick_tags)
        width = max(len(keys) for _, rows in groups for keys, _ in rows)
        with Vertical(classes="dialog help"):
            yield Static(Content("Keys"), classes="dialog-title")
            with HelpBody(id="help-body"):
                for group, rows in groups:
                    yield Static(Content(group), classes="help-group")
                    lines = [Content.assemble((keys.ljust(width), "bold"), "  ", safe_text(description))
                             for keys, description in rows]
                    yield Static(Content("\n").join(lines), classes="help-keys")
            source = ", ".join(self.keymap_files) or "built-in defaults"
            if self.tags_location:
                where = f"{self.tags_location[:1].upper()}{self.tags_location[1:]} (--data DIR chooses)"
                yield Static(Content(where), classes="dialog-hint", id="help-tags")
            yield Static(Content(f"Keymap: {source} · {self.keys_for('back')}: close"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(HelpBody).focus()

    def action_help(self) -> None:
        self.dismiss(None)
