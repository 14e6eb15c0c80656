"""Entity dialogs: the panel of an article's entities, and the prompt that adds a name to the gazetteer."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from reader.core.entities import AUTO_KINDS, ENTITY_TYPES
from reader.core.text import one_line, safe_text
from reader.ui.screens.dialogs import Dialog, PickList

TYPE_ORDER = list(dict.fromkeys([*ENTITY_TYPES, *AUTO_KINDS]))
TYPE_TITLES = {"person": "People", "organisation": "Organisations", "place": "Places", "other": "Other",
               "money": "Money", "percent": "Percentages", "quantity": "Quantities", "date": "Dates"}


class EntityPanel(Dialog):
    """The article's entities grouped by type, with counts and source.

    Answers ("search", row) on enter, ("add", row) on the keys of `gazetteer_add`, None on `back`;
    a row is one of `reader.core.entities.summarise`'s dicts.
    """

    def __init__(self, rows: list[dict], title: str) -> None:
        super().__init__()
        self.rows = rows
        self.title_text = title

    def compose(self) -> ComposeResult:
        options: list[Option] = []
        for kind in sorted({row["type"] for row in self.rows}, key=TYPE_ORDER.index):
            members = [(i, row) for i, row in enumerate(self.rows) if row["type"] == kind]
            heading = f"{TYPE_TITLES.get(kind, kind)} ({sum(row['count'] for _, row in members):,})"
            options.append(Option(Content(heading).stylize("bold"), disabled=True))
            options += [Option(_row_label(row), id=str(index)) for index, row in members]
        with Vertical(classes="dialog"):
            yield Static(Content(self.title_text), classes="dialog-title")
            yield PickList(*options, id="entity-list", markup=False)
            hint = f"{self.keys_for('open')}: search the corpus for it · {self.keys_for('gazetteer_add')}: " \
                   f"add to the gazetteer · {self.keys_for('back')}: close"
            yield Static(Content(hint if self.rows else "No entities in this article. " + hint),
                         classes="dialog-hint")

    def on_mount(self) -> None:
        choices = self.query_one(PickList)
        choices.highlighted = next((i for i in range(choices.option_count)
                                    if not choices.get_option_at_index(i).disabled), None)
        choices.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(("search", self.rows[int(event.option.id)]))

    def on_key(self, event: events.Key) -> None:
        keys = getattr(self.app, "keymap_keys", {}).get("gazetteer_add", "").split(",")
        option = self.query_one(PickList).highlighted_option
        if event.key in keys and option is not None and option.id is not None:
            event.stop()
            self.dismiss(("add", self.rows[int(option.id)]))


def _row_label(row: dict) -> Content:
    source = f"gazetteer: {safe_text(row['id'])}" if row["id"] else row["source"]
    also = f"  also {', '.join(safe_text(one_line(name)) for name in row['names'])}" if row.get("names") else ""
    return Content.assemble(f"  {safe_text(one_line(row['text']))}",
                            Content(f"  ×{row['count']:,}  {source}{also}").stylize("dim"))


class GazetteerPrompt(Dialog):
    """Ask for a name (prefilled, editable) and its type; answers (name, type) or None."""

    def __init__(self, name: str, kind: str, where: str) -> None:
        super().__init__()
        self.name_text = name
        self.kind = kind
        self.where = where

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content(f"Add a name to the gazetteer ({self.where})"), classes="dialog-title")
            yield Input(value=safe_text(one_line(self.name_text)), placeholder="name as the articles write it",
                        id="gazetteer-name")
            yield PickList(*[Option(Content(kind), id=kind) for kind in ENTITY_TYPES], id="gazetteer-type",
                           markup=False)
            hint = f"enter: add as the highlighted type · {self.keys_for('focus_next')}: choose the type · " \
                   f"{self.keys_for('back')}: cancel"
            yield Static(Content(hint), classes="dialog-hint", id="gazetteer-hint")

    def on_mount(self) -> None:
        self.query_one(PickList).highlighted = ENTITY_TYPES.index(self.kind)
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        option = self.query_one(PickList).highlighted_option
        self._answer(option.id if option is not None else self.kind)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._answer(event.option.id or self.kind)

    def _answer(self, kind: str) -> None:
        name = one_line(self.query_one(Input).value)
        if not name:
            self.query_one("#gazetteer-hint", Static).update(Content("Type the name to add first."))
            self.query_one(Input).focus()
            return
        self.dismiss((name, kind))
