"""Related articles (SPEC §6): the related list and the side-by-side view of the article pointed at."""

from __future__ import annotations

from reader.core.related.store import Relation
from reader.core.text import one_line, safe_text
from reader.ui.controllers.port import ScreenPort
from reader.ui.screens.related import RelatedChoice, RelatedPanel
from reader.ui.screens.side_by_side import SideBySideScreen


class RelatedController:
    """Opens the related list and the side-by-side view; they search in their own workers, under the
    engine lock the screen passes on."""

    def __init__(self, screen: ScreenPort) -> None:
        self.screen = screen

    def panel(self) -> None:
        target = self._ready()
        if target is None:
            return
        article = self.screen.article
        if article is not None and article.id == target:
            title = safe_text(one_line(article.title)) or safe_text(target)
        else:
            title = safe_text(target)

        def chosen(choice: RelatedChoice | None) -> None:
            if choice is None:
                return
            if choice.side_by_side:
                self._side_by_side(target, choice.candidates, choice.index)
            else:
                self.screen.open_hit(choice.article_id)

        self.screen.push_screen(RelatedPanel(self.screen.engine, self.screen.engine_lock, target, title), chosen)

    def side_by_side(self) -> None:
        target = self._ready()
        if target is not None:
            self._side_by_side(target)

    def _ready(self) -> str | None:
        if not self.screen.index_ready():
            return None
        target = self.screen.target()
        if target is None:
            self.screen.say("Nothing to relate: search, then pick a result.", "error")
        return target

    def _side_by_side(self, anchor_id: str, candidates: list[Relation] | None = None, index: int = 0) -> None:
        """Show `anchor_id` beside a related article (the best one unless `candidates` are given)."""

        def closed(article_id: str | None) -> None:
            if article_id:
                self.screen.open_hit(article_id)

        self.screen.push_screen(SideBySideScreen(self.screen.engine, self.screen.engine_lock, anchor_id,
                                                 candidates, index), closed)
