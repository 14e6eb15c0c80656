"""Sidecars whose article is gone (orphans) in the app: what an index update says of them, and their list
(`controllers/orphans.py` re-attaches or archives the one chosen)."""

from __future__ import annotations

from textual.content import Content
from textual.widgets.option_list import Option

from reader.core.text import one_line, safe_text
from reader.ui.render import key_display
from reader.ui.screens.panels import LoadingPanel


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
