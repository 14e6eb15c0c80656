"""The status line: a message on the left (errors, progress), corpus facts on the right."""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from reader.core.text import safe_text


class StatusLine(Widget):
    """One line: `message` (styled by `severity`) then `facts` aligned right."""

    COMPONENT_CLASSES = {"status--info", "status--error", "status--busy", "status--facts"}

    message: reactive[str] = reactive("", layout=False)
    severity: reactive[str] = reactive("info")
    facts: reactive[str] = reactive("")

    def say(self, message: str, severity: str = "info") -> None:
        """Show `message` as plain text (never markup; control characters made visible: messages quote names
        from articles and prompts); severity is info, error or busy."""
        self.message, self.severity = safe_text(message), severity

    def render(self) -> Content:
        width = self.content_region.width or self.size.width
        facts = Content(self.facts).stylize(self.get_visual_style("status--facts"))
        room = max(0, width - facts.cell_length - 1)
        message = Content(" ".join(self.message.split())).stylize(
            self.get_visual_style(f"status--{self.severity}")).truncate(room, ellipsis=True)
        gap = max(1, width - message.cell_length - facts.cell_length)
        return Content.assemble(message, " " * gap, facts)
