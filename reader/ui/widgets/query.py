"""The query box: an Input whose `enter` is the registry's `open` action."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from reader.ui.actions import QUERY, bindings_for


class QueryInput(Input):
    """Where the analyst types a query; changes are searched as they type."""

    BINDINGS = bindings_for(QUERY)

    async def action_open(self) -> None:
        """Run the query now (the screen moves to the first result)."""
        await self.action_submit()

    async def _on_key(self, event: events.Key) -> None:
        # A lone "?" is no useful query: in an empty box the help keys show the help.
        help_keys = getattr(self.app, "keymap_keys", {}).get("help", "").split(",")
        if not self.value and event.is_printable and event.key in help_keys:
            event.stop()
            event.prevent_default()
            self.app.action_help()
            return
        await super()._on_key(event)
