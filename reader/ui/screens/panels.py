"""Dialogs of the workflow: a pick list whose content a worker loads, and a one-line text prompt."""

from __future__ import annotations

from typing import Any, Callable

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from reader.ui import messages as msg
from reader.ui.jobs import problem_line
from reader.ui.screens.dialogs import Dialog, PickList


class LoadingPanel(Dialog):
    """A titled pick list filled by `load()` in a thread; choosing an option dismisses with `answer(id)`."""

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog panel"):
            yield Static(Content(self.title_text), classes="dialog-title")
            yield PickList(id="panel-list", markup=False)
            yield Static(Content("Loading…"), classes="dialog-hint", id="panel-hint")

    def on_mount(self) -> None:
        self.query_one(PickList).focus()
        self._load()

    @work(thread=True, exit_on_error=False)
    def _load(self) -> None:
        try:
            data = self.load()
        except Exception as exc:  # noqa: BLE001 - shown in the dialog
            self.post_message(msg.PanelData(None, problem_line(exc)))
            return
        self.post_message(msg.PanelData(data))

    def on_panel_data(self, message: msg.PanelData) -> None:
        hint = self.query_one("#panel-hint", Static)
        if message.problem:
            hint.update(Content(message.problem))
            return
        choices = self.query_one(PickList)
        choices.set_options(self.options(message.data))
        enabled = [i for i in range(choices.option_count) if not choices.get_option_at_index(i).disabled]
        if enabled:
            choices.highlighted = enabled[0]
        hint.update(Content(self.hint(message.data, bool(enabled))))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.answer(event.option.id or ""))

    def say(self, text: str) -> None:
        """Show `text` in the line under the list."""
        self.query_one("#panel-hint", Static).update(Content(text))

    # -- what a panel fills in -------------------------------------------------------------------
    def load(self) -> Any:
        """The panel's data (runs in a thread)."""
        raise NotImplementedError

    def options(self, data: Any) -> list[Option]:
        """The options showing the data; each option's id is what `answer` gets."""
        raise NotImplementedError

    def hint(self, data: Any, any_option: bool) -> str:
        """The line under the list."""
        return f"{self.keys_for('open')}: choose · {self.keys_for('back')}: close"

    def answer(self, option_id: str) -> Any:
        """What the dialog answers for the chosen option."""
        return option_id


class TextPrompt(Dialog):
    """Ask for one line of text; `check` returns a problem to show instead of answering ('' when fine)."""

    def __init__(self, title: str, value: str = "", placeholder: str = "",
                 check: Callable[[str], str] | None = None) -> None:
        super().__init__()
        self.title_text, self.initial, self.placeholder = title, value, placeholder
        self.check = check or (lambda text: "" if text else "Type something first.")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content(self.title_text), classes="dialog-title")
            yield Input(self.initial, placeholder=self.placeholder, id="prompt-input")
            hint = f"enter: OK · {self.keys_for('back')}: cancel"
            yield Static(Content(hint), classes="dialog-hint", id="prompt-hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        problem = self.check(text)
        if problem:
            self.query_one("#prompt-hint", Static).update(Content(problem))
            return
        self.dismiss(text)
