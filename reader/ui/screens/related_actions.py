"""Related-article actions of the main screen (SPEC §6): the related list and the side-by-side view."""

from __future__ import annotations

from reader.core.related.store import Relation
from reader.core.text import one_line, safe_text
from reader.ui.screens.related import RelatedChoice, RelatedPanel
from reader.ui.screens.side_by_side import SideBySideScreen


class RelatedActions:
    """Mixed into MainScreen; the related list and the alignment run in the dialogs' own workers."""

    def _related_target(self) -> str | None:
        """The article being read, else the result under the cursor."""
        reading = self.focused is self.view or self.has_class("-fullscreen") or self.has_class("-reading")
        if reading and self.open_id:
            return self.open_id
        hit = self.results.hit
        return hit.id if hit is not None else self.open_id

    def _related_ready(self) -> str | None:
        if self.engine is None or not self.usable:
            self.status.say("The index is not ready yet.", "error")
            return None
        target = self._related_target()
        if target is None:
            self.status.say("Nothing to relate: search, then pick a result.", "error")
        return target

    def action_related_panel(self) -> None:
        target = self._related_ready()
        if target is None:
            return
        if self.article is not None and self.article.id == target:
            title = safe_text(one_line(self.article.title)) or safe_text(target)
        else:
            title = safe_text(target)

        def chosen(choice: RelatedChoice | None) -> None:
            if choice is None:
                return
            if choice.side_by_side:
                self._side_by_side(target, choice.candidates, choice.index)
            else:
                self.open_hit(choice.article_id)

        self.app.push_screen(RelatedPanel(self.engine, self._search_lock, target, title), chosen)

    def action_side_by_side(self) -> None:
        target = self._related_ready()
        if target is not None:
            self._side_by_side(target)

    def _side_by_side(self, anchor_id: str, candidates: list[Relation] | None = None, index: int = 0) -> None:
        """Show `anchor_id` beside a related article (the best one unless `candidates` are given)."""

        def closed(article_id: str | None) -> None:
            if article_id:
                self.open_hit(article_id)

        self.app.push_screen(SideBySideScreen(self.engine, self._search_lock, anchor_id, candidates, index), closed)
