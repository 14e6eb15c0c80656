"""Modal dialogs: tag prompt with completion, notes editor, tag panel; all bound through the registry."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option, OptionDoesNotExist

from reader.core.results.narrowing import facet_clause, has_clause
from reader.core.text import safe_text
from reader.ui.actions import DIALOG, LIST, bindings_for
from reader.ui.render import key_display

WIDEN = "\x00widen"  # the option that takes every filter of the panel out


class Dialog(ModalScreen, inherit_bindings=False):
    """A modal screen that `back` closes with no answer."""

    BINDINGS = bindings_for(DIALOG)

    def action_back(self) -> None:
        self.dismiss(None)

    def action_focus_next(self) -> None:
        self.focus_next()

    def action_focus_previous(self) -> None:
        self.focus_previous()

    def action_save(self) -> None:
        """Only the notes editor saves."""

    def action_help(self) -> None:
        """Help is not shown over a dialog."""

    def keys_for(self, action_id: str) -> str:
        """How the keys of an action in force read, for hints."""
        keys = getattr(self.app, "keymap_keys", {}).get(action_id, "")
        return "/".join(key_display(k) for k in keys.split(",") if k)


class PickList(OptionList, inherit_bindings=False):
    """An OptionList moved by the registry's list actions."""

    BINDINGS = bindings_for(LIST)

    def action_move_down(self) -> None:
        self.action_cursor_down()

    def action_move_up(self) -> None:
        self.action_cursor_up()

    def action_open(self) -> None:
        self.action_select()

    def action_mark(self) -> None:
        """Nothing to mark here."""


COMPLETIONS = 50  # completion rows: enough to pick from, few enough to redraw at every key
PANEL_ROWS = 300  # tag panel rows before the filter box is needed


def matching_tags(tags: list[tuple[str, int]], typed: str, limit: int) -> list[tuple[str, int]]:
    """The (tag, count) pairs that start with `typed`, then those that contain it, in the given order."""
    typed = typed.strip().casefold()
    if not typed:
        return tags[:limit]
    starts, inside = [], []
    for name, count in tags:
        folded = name.casefold()
        if folded.startswith(typed):
            starts.append((name, count))
            if len(starts) >= limit:
                break
        elif typed in folded and len(inside) < limit:
            inside.append((name, count))
    return [*starts, *inside][:limit]


class TagPrompt(Dialog):
    """Ask for a tag, completing from `tags` (most used first); answers the tag text, or None."""

    def __init__(self, title: str, tags: list[tuple[str, int]], restrict: bool = False) -> None:
        super().__init__()
        self.title_text = title
        self.tags = tags
        self.restrict = restrict

    def compose(self) -> ComposeResult:
        names = [name for name, _ in self.tags]
        with Vertical(classes="dialog"):
            yield Static(Content(self.title_text), classes="dialog-title")
            yield Input(placeholder="tag", suggester=SuggestFromList(names, case_sensitive=False),
                        id="tag-input")
            yield PickList(*self._options(""), id="tag-choices", markup=False)
            hint = f"enter: use the text · {self.keys_for('focus_next')}: pick from the list · " \
                   f"{self.keys_for('back')}: cancel"
            yield Static(Content(hint), classes="dialog-hint", id="tag-hint")

    def _options(self, typed: str) -> list[Option]:
        return [Option(Content(f"{safe_text(n)}  ({c:,})" if c else safe_text(n)), id=n)
                for n, c in matching_tags(self.tags, typed, COMPLETIONS)]

    def on_mount(self) -> None:
        choices = self.query_one("#tag-choices", PickList)
        choices.display = choices.option_count > 0

    def on_input_changed(self, event: Input.Changed) -> None:
        choices = self.query_one("#tag-choices", PickList)
        choices.set_options(self._options(event.value))
        choices.display = choices.option_count > 0
        if choices.option_count:
            choices.highlighted = 0

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if not text:
            choices = self.query_one("#tag-choices", PickList)
            option = choices.highlighted_option
            if option is not None:
                self._answer(option.id or "")
            return
        self._answer(text)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._answer(event.option.id or "")

    def _answer(self, text: str) -> None:
        from reader.core.userdata.sidecars import normalise_tag

        try:
            tag = normalise_tag(text)
        except ValueError as exc:
            self.query_one("#tag-hint", Static).update(Content(str(exc)))
            return
        if self.restrict and tag not in {name for name, _ in self.tags}:
            self.query_one("#tag-hint", Static).update(Content(f"no such tag here: {safe_text(tag)}"))
            return
        self.dismiss(tag)


class NotesEditor(Dialog):
    """Edit an article's notes; `save` answers the text, `back` cancels (twice when there are edits)."""

    def __init__(self, title: str, notes: str) -> None:
        super().__init__()
        self.title_text = title
        self.notes = notes
        self._warned = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog notes"):
            yield Static(Content(self.title_text), classes="dialog-title")
            yield TextArea(self.notes, soft_wrap=True, id="notes-text")
            hint = f"{self.keys_for('save')}: save · {self.keys_for('back')}: cancel"
            yield Static(Content(hint), classes="dialog-hint", id="notes-hint")

    def action_save(self) -> None:
        self.dismiss(self.query_one("#notes-text", TextArea).text)

    def action_back(self) -> None:
        changed = self.query_one("#notes-text", TextArea).text != self.notes
        if changed and not self._warned:
            self._warned = True
            self.query_one("#notes-hint", Static).update(Content(
                f"Unsaved notes: {self.keys_for('save')} saves, {self.keys_for('back')} again discards."))
            return
        self.dismiss(None)


class TagPanel(Dialog):
    """Tags with their counts, most used first, narrowed by a filter box. Tags whose `tag:` clause is
    in the query are marked ✓; choosing a tag answers the clauses to toggle in the query text."""

    def __init__(self, counts: dict[str, int], typed: str) -> None:
        super().__init__()
        self.counts = counts
        self.active = [tag for tag in counts if has_clause(typed, facet_clause("tag", tag))]
        self.ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content("Tags"), classes="dialog-title")
            yield Input(placeholder=f"filter {len(self.ordered):,} tags", id="tag-filter")
            yield PickList(*self._options(""), id="tag-panel-list", markup=False)
            yield Static(Content(self._hint("")), classes="dialog-hint", id="tag-panel-hint")

    def _options(self, typed: str) -> list[Option]:
        options = [] if typed.strip() or not self.active else [Option(Content(
            "Widen: remove the tag filters (" + " ".join(safe_text(f"tag:{tag}") for tag in self.active) + ")"),
            id=WIDEN)]
        return options + [Option(Content(f"{'✓' if tag in self.active else ' '} #{safe_text(tag)}  {count:,}"),
                                 id=tag)
                          for tag, count in matching_tags(self.ordered, typed, PANEL_ROWS)]

    def _hint(self, typed: str) -> str:
        hint = f"{self.keys_for('open')}: filter the results by the tag (✓: in force; again to remove) · " \
               f"{self.keys_for('back')}: close"
        if not self.ordered:
            return "No tags yet. " + hint
        if len(self.ordered) > PANEL_ROWS and not typed.strip():
            hint = f"{PANEL_ROWS} most used of {len(self.ordered):,}; " \
                   f"{self.keys_for('focus_next')}: filter box · " + hint
        return hint

    def on_mount(self) -> None:
        choices = self.query_one(PickList)
        for tag in self.active[:1]:
            try:
                choices.highlighted = choices.get_option_index(tag)
            except OptionDoesNotExist:  # a rarely used tag beyond the rows shown
                pass
        choices.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        choices = self.query_one(PickList)
        choices.set_options(self._options(event.value))
        if choices.option_count:
            choices.highlighted = 0
        self.query_one("#tag-panel-hint", Static).update(Content(self._hint(event.value)))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        option = self.query_one(PickList).highlighted_option
        if option is not None:
            self._choose(option.id or "")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose(event.option.id or "")

    def _choose(self, option_id: str) -> None:
        tags = self.active if option_id == WIDEN else [option_id]
        self.dismiss([facet_clause("tag", tag) for tag in tags])
