"""The query box: an Input whose `enter` is the registry's `open` action."""

from __future__ import annotations

from textual.widgets import Input

from reader.ui.actions import QUERY, bindings_for


class QueryInput(Input):
    """Where the analyst types a query; changes are searched as they type."""

    BINDINGS = bindings_for(QUERY)

    async def action_open(self) -> None:
        """Run the query now (the screen moves to the first result)."""
        await self.action_submit()
