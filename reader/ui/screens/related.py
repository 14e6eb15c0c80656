"""The related-articles panel (SPEC §6): same story first, each with its score, reasons and story marker."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from reader.core.related.store import Relation
from reader.core.text import one_line, safe_text
from reader.ui.actions import BY_ID, DIALOG, bindings_for
from reader.ui.jobs import problem_line
from reader.ui.screens.dialogs import Dialog, PickList

LIMIT = 20


@dataclass
class RelatedChoice:
    """What the analyst chose: open `article_id` alone, or side by side with candidate `index`."""

    article_id: str
    side_by_side: bool
    candidates: list[Relation]
    index: int


def relation_prompt(relation: Relation) -> Content:
    """Two lines: language badge, score, title and story marker; then the reasons."""
    badge = Content(f" {safe_text(relation.lang).upper()[:3] or '?'} ").stylize("bold reverse")
    title = safe_text(one_line(relation.title)) or "(untitled)"
    first = Content.assemble(badge, f" {relation.score:.3f}  ", (title, "bold"))
    if relation.same_story:
        first = first.append(Content("  ● same story").stylize("bold"))
    reasons = " · ".join(safe_text(one_line(reason)) for reason in relation.reasons) or "no reasons given"
    return Content.assemble(first, "\n", Content(f"      {reasons}").stylize("dim"))


class RelatedPanel(Dialog):
    """The open article's related articles; enter opens one, `side_by_side` shows it beside the article."""

    _side = BY_ID["side_by_side"]
    BINDINGS = [*bindings_for(DIALOG), Binding(_side.keys, _side.id, _side.description, show=False, id=_side.id)]
    DEFAULT_CSS = """
    RelatedPanel #related-list { height: auto; max-height: 16; }
    """
    WIDTH = 100  # wider than other dialogs: titles and reasons are long

    @dataclass
    class Found(Message):
        relations: list[Relation]

    @dataclass
    class Failed(Message):
        problem: str

    def __init__(self, engine, lock: threading.Lock, article_id: str, title: str) -> None:
        super().__init__()
        self.engine, self.lock = engine, lock
        self.article_id, self.title_text = article_id, title
        self.relations: list[Relation] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content(f"Related to: {self.title_text}"), classes="dialog-title")
            yield Static(Content("Finding related articles…"), id="related-state")
            yield PickList(id="related-list", markup=False)
            hint = f"{self.keys_for('open')}: open · {self.keys_for('side_by_side')}: side by side · " \
                   f"{self.keys_for('back')}: close"
            yield Static(Content(hint), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(".dialog").styles.width = self.WIDTH  # inline: the app's dialog width would win
        self.query_one(PickList).display = False
        self._find()

    @work(thread=True, exclusive=True, group="related", exit_on_error=False)
    def _find(self) -> None:
        try:
            with self.lock:
                relations = self.engine.related(self.article_id, limit=LIMIT)
        except Exception as exc:  # noqa: BLE001 - shown in the panel
            self.post_message(self.Failed(problem_line(exc)))
            return
        self.post_message(self.Found(relations))

    def on_related_panel_found(self, message: Found) -> None:
        self.relations = message.relations
        state = self.query_one("#related-state", Static)
        if not message.relations:
            state.update(Content("No related articles found."))
            return
        state.display = False
        choices = self.query_one(PickList)
        choices.set_options(Option(relation_prompt(r), id=r.id) for r in message.relations)
        choices.display = True
        choices.highlighted = 0
        choices.focus()

    def on_related_panel_failed(self, message: Failed) -> None:
        self.query_one("#related-state", Static).update(Content(message.problem))

    def _choose(self, side_by_side: bool) -> None:
        index = self.query_one(PickList).highlighted
        if index is None or not self.relations:
            return
        self.dismiss(RelatedChoice(self.relations[index].id, side_by_side, self.relations, index))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose(side_by_side=False)

    def action_side_by_side(self) -> None:
        self._choose(side_by_side=True)

