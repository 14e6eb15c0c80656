"""Sidecars whose article is gone (orphans): the list, then re-attach one to an article or archive it —
what `reader orphans` does, through the engine."""

from __future__ import annotations

from functools import partial

from reader.core.errors import ReaderError
from reader.core.text import safe_text
from reader.ui import messages as msg
from reader.ui.controllers.port import ScreenPort, in_thread
from reader.ui.screens.orphans import OrphanPanel
from reader.ui.screens.panels import TextPrompt

ARCHIVE = "archive"


class OrphansController:
    """The orphan list and what is done with the one chosen (in a worker that posts `msg.WorkflowDone`)."""

    def __init__(self, screen: ScreenPort) -> None:
        self.screen = screen

    def panel(self) -> None:
        if self.screen.engine is None:
            return

        def chosen(orphan: str | None) -> None:
            if orphan:
                title = f"Give the sidecar of the gone {orphan} to which article? (id or unique prefix, " \
                        f"or `{ARCHIVE}` to move it into .reader/orphans/)"
                self.screen.push_screen(TextPrompt(safe_text(title), placeholder="article id"),
                                        partial(self._answered, orphan))

        self.screen.push_screen(OrphanPanel(self.screen.engine), chosen)

    def _answered(self, orphan: str, answer: str | None) -> None:
        if answer:
            in_thread(self.screen, self._settle, orphan, answer, group="orphans")

    def _settle(self, orphan: str, answer: str) -> None:
        engine = self.screen.engine
        try:
            if answer == ARCHIVE:
                summary = f"Archived the sidecar of {orphan} as {engine.archive_orphan(orphan)}"
            else:
                summary = f"The sidecar of {orphan} now belongs to {engine.attach_orphan(orphan, answer)}"
        except ReaderError as exc:
            self.screen.post_message(msg.WorkflowDone("", str(exc)))
            return
        self.screen.post_message(msg.WorkflowDone(safe_text(summary)))
        self.screen.post_message(msg.IndexUpdated(1, engine.doc_count(), []))
