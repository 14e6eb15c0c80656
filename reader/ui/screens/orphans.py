"""Sidecars whose article is gone (orphans) in the app: the list, then re-attach one to an article or
archive it — what `reader orphans` does, through the engine."""

from __future__ import annotations

from textual import work
from textual.content import Content
from textual.widgets.option_list import Option

from reader.core.errors import ReaderError
from reader.core.text import one_line, safe_text
from reader.ui import messages as msg
from reader.ui.render import key_display
from reader.ui.screens.panels import LoadingPanel, TextPrompt

ARCHIVE = "archive"


def renames_notices(report, keys: str) -> list[str]:
    """What an index update says in the status line: sidecars that followed their article, renames
    not guessed, and how many sidecars are orphans (with the keys that list them)."""
    shown = "/".join(key_display(k) for k in keys.split(",") if k)
    notices = [f"{old} is now {new}: its sidecar moved with it." for old, new in report.moved[:3]]
    notices += report.ambiguous[:1]
    if report.orphans:
        count = len(report.orphans)
        notices.append(f"{count:,} sidecar{'s' if count > 1 else ''} without their article"
                       + (f" ({shown} lists them)." if shown else "."))
    return [one_line(safe_text(notice)) for notice in notices]


class OrphanPanel(LoadingPanel):
    """Every orphaned sidecar (`path · tags · first line of notes`); answers the gone article's id."""

    def __init__(self, engine) -> None:
        super().__init__("Sidecars without their article (tags and notes are kept until you choose)")
        self.engine = engine

    def load(self) -> list[dict]:
        return self.engine.orphans()

    def options(self, rows: list[dict]) -> list[Option]:
        return [Option(Content(" · ".join(one_line(safe_text(part)) for part in (
                    row["sidecar"], ", ".join(row["tags"]) or "(no tags)", row["notes"]) if part)), id=row["article"])
                for row in rows]

    def hint(self, rows, any_option: bool) -> str:
        if not any_option:
            return f"No orphaned sidecars. {self.keys_for('back')}: close"
        return f"{self.keys_for('open')}: re-attach or archive · {self.keys_for('back')}: close"


class OrphanActions:
    """Mixed into MainScreen: the orphan list (its own key) and what is done with the one chosen."""

    def action_orphans(self) -> None:
        if self.engine is None:
            return

        def chosen(orphan: str | None) -> None:
            if orphan:
                title = f"Give the sidecar of the gone {orphan} to which article? (id or unique prefix, " \
                        f"or `{ARCHIVE}` to move it into .reader/orphans/)"
                self.app.push_screen(TextPrompt(safe_text(title), placeholder="article id"),
                                     lambda answer: answer and self._settle_orphan(orphan, answer))

        self.app.push_screen(OrphanPanel(self.engine), chosen)

    @work(thread=True, group="orphans", exit_on_error=False)
    def _settle_orphan(self, orphan: str, answer: str) -> None:
        try:
            if answer == ARCHIVE:
                where = self.engine.archive_orphan(orphan)
                summary = f"Archived the sidecar of {orphan} as {where}"
            else:
                summary = f"The sidecar of {orphan} now belongs to {self.engine.attach_orphan(orphan, answer)}"
        except ReaderError as exc:
            self.post_message(msg.WorkflowDone("", str(exc)))
            return
        self.post_message(msg.WorkflowDone(safe_text(summary)))
        self.post_message(msg.IndexUpdated(1, self.engine.doc_count(), []))
