"""Entity dialogs: the panel of an article's entities, and the prompt that adds a name to the gazetteer."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from reader.core.entities.actions import similar_entities, suggested_type
from reader.core.entities.spans import AUTO_KINDS, ENTITY_TYPES
from reader.core.text import fold, one_line, safe_text
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
    """Ask for a name (prefilled, editable), its type, and whether it is a new entity or another name
    of a similar one already in the gazetteer; answers (name, type, entity id or None) or None.

    While the name is edited, the similar entities and the suggested type follow it (until the
    analyst picks a type).
    """

    def __init__(self, name: str, kind: str, where: str, gazetteer=None, lang: str = "und") -> None:
        super().__init__()
        self.name_text, self.kind, self.where = name, kind, where
        self.gazetteer, self.lang = gazetteer, lang
        self.type_chosen = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content(f"Add a name to the gazetteer ({self.where})"), classes="dialog-title")
            yield Input(value=safe_text(one_line(self.name_text)), placeholder="name as the articles write it",
                        id="gazetteer-name")
            yield PickList(*[Option(Content(kind), id=kind) for kind in ENTITY_TYPES], id="gazetteer-type",
                           markup=False)
            yield PickList(id="gazetteer-as", markup=False)
            hint = f"enter: add as highlighted · {self.keys_for('focus_next')}: choose the type, then new " \
                   f"entity or another name of one · {self.keys_for('back')}: cancel"
            yield Static(Content(hint), classes="dialog-hint", id="gazetteer-hint")

    def on_mount(self) -> None:
        self.query_one("#gazetteer-type", PickList).highlighted = ENTITY_TYPES.index(self.kind)
        self._follow_name(self.name_text, suggest_type=False)
        self.query_one(Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._follow_name(event.value, suggest_type=not self.type_chosen)

    def _follow_name(self, name: str, suggest_type: bool) -> None:
        """Offer the entities `name` may belong to (the best first when it shares a word), and its type."""
        similar = similar_entities(self.gazetteer, name)
        choices = self.query_one("#gazetteer-as", PickList)
        choices.set_options([Option(Content("as a new entity"), id=""),
                             *(Option(Content(f"as another name of {safe_text(_canonical(e))} ({e.type})"),
                                      id=e.id) for e in similar)])
        shares_word = bool(similar) and bool(set(fold(name).lower().split()) &
                                             {w for n in similar[0].names for w in fold(n).lower().split()})
        choices.highlighted = 1 if shares_word else 0
        if suggest_type and name.strip():
            kind = suggested_type(name, self.lang, self.gazetteer, self.kind)
            self.query_one("#gazetteer-type", PickList).highlighted = ENTITY_TYPES.index(kind)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._answer()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id == "gazetteer-type" and event.option_list.has_focus:
            self.type_chosen = True

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_list.id == "gazetteer-type":
            self.type_chosen = True
        self._answer()

    def _answer(self) -> None:
        name = one_line(self.query_one(Input).value)
        if not name:
            self.query_one("#gazetteer-hint", Static).update(Content("Type the name to add first."))
            self.query_one(Input).focus()
            return
        kind = self.query_one("#gazetteer-type", PickList).highlighted_option
        owner = self.query_one("#gazetteer-as", PickList).highlighted_option
        self.dismiss((name, kind.id if kind is not None else self.kind, (owner.id or None) if owner else None))


def _canonical(entity) -> str:
    """An entity as the analyst knows it: its first (canonical) name."""
    return one_line(entity.names[0]) if entity.names else entity.id
