"""The query box: an Input whose `enter` is the registry's `open` action, with history recall."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from reader.ui.actions import QUERY, bindings_for

# Input's own editing keys (backspace, ctrl+u, ctrl+w, home…) and their actions, but enter (the
# registry's `open`). Textual runs a binding's action after the key events already queued, so the
# characters of a paste that follows ctrl+u would be typed first and then cleared with the rest.
EDITING_KEYS = {key.strip(): binding.action for binding in Input.BINDINGS
                for key in binding.key.split(",") if binding.action != "submit"}


class QueryInput(Input):
    """Where the analyst types a query; changes are searched as they type; up/down recall earlier queries."""

    BINDINGS = bindings_for(QUERY)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.history: list[str] = []  # oldest first
        self._recall: int | None = None  # index in history of the query shown, None when typing
        self._draft = ""  # what was typed before the recall started
        self._shown = ""

    def remember(self, query: str) -> None:
        """Add a query that ran to the recall list (not twice in a row)."""
        query = query.strip()
        if query and (not self.history or self.history[-1] != query):
            self.history.append(query)
        self._recall = None

    async def action_open(self) -> None:
        """Run the query now (the screen moves to the first result)."""
        await self.action_submit()

    def action_history_prev(self) -> None:
        """Show the query before the one shown (the newest first)."""
        if self._recall is None or self.value != self._shown:
            self._recall, self._draft = len(self.history), self.value
        index = self._recall - 1
        while index >= 0 and self.history[index] == self.value:  # the query shown already
            index -= 1
        if index >= 0:
            self._show(index)

    def action_history_next(self) -> None:
        """Show the query after the one shown; past the newest, what was being typed."""
        if self._recall is None or self.value != self._shown:
            return
        if self._recall + 1 < len(self.history):
            self._show(self._recall + 1)
        else:
            self._recall = None
            self.value = self._draft
            self.cursor_position = len(self.value)

    def _show(self, index: int) -> None:
        self._recall = index
        self._shown = self.value = self.history[index]
        self.cursor_position = len(self.value)

    async def _on_key(self, event: events.Key) -> None:
        action = EDITING_KEYS.get(event.key)
        if action is not None:  # at once, in order with the keys that follow it
            event.stop()
            event.prevent_default()
            await self.run_action(action)
            return
        # A lone "?" is no useful query: in an empty box the help keys show the help.
        help_keys = getattr(self.app, "keymap_keys", {}).get("help", "").split(",")
        if not self.value and event.is_printable and event.key in help_keys:
            event.stop()
            event.prevent_default()
            self.app.action_help()
            return
        await super()._on_key(event)
