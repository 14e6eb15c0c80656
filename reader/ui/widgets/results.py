"""The result list: a virtual list (Line API) that renders only the rows on screen, however many hits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import events
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.core.text import one_line
from reader.ui.actions import LIST, bindings_for
from reader.ui.render import result_snippet_line, result_title_line

ROW_HEIGHT = 2
STYLE_NAMES = ("title", "lang", "date", "tag", "snippet", "match", "mark")


class ResultList(ScrollView, can_focus=True, inherit_bindings=False):
    """Search hits, two lines each (title line, snippet line); snippets are asked for when rows show."""

    BINDINGS = bindings_for(LIST)
    COMPONENT_CLASSES = {f"results--{name}" for name in STYLE_NAMES} | {"results--cursor", "results--empty"}

    @dataclass
    class Highlighted(Message):
        """The cursor moved to `hit` (None when the list is empty)."""

        result_list: "ResultList"
        hit: Any

    @dataclass
    class Selected(Message):
        """`enter` (or a click on the cursor row) on `hit`."""

        result_list: "ResultList"
        hit: Any

    @dataclass
    class SnippetsWanted(Message):
        """Rows on screen lack snippets: their hits, for the results of `terms`."""

        result_list: "ResultList"
        terms: frozenset
        wanted: list

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.hits: list = []
        self.terms: frozenset = frozenset()
        self.cursor = 0
        self.marked: dict[str, Any] = {}
        self.placeholder = "Type a query above; enter runs it."
        self._snippets: dict[str, list] = {}
        self._leads: dict[str, str] = {}  # id -> the words it matched through a translation
        self._titles: dict[str, str] = {}  # id -> title of the listed hits, for the stories added
        self._asked: set[str] = set()
        self._wanted: dict[str, Any] = {}  # id -> hit
        self._ask_pending = False
        self._styles: dict | None = None

    # -- content ---------------------------------------------------------------------------------
    @property
    def hit(self) -> Any:
        """The hit under the cursor, or None."""
        return self.hits[self.cursor] if 0 <= self.cursor < len(self.hits) else None

    def set_hits(self, hits: list, terms: frozenset, keep_id: str | None = None) -> None:
        """Show new hits; the cursor stays on `keep_id` when it is still listed, else goes to the top."""
        if terms != self.terms:
            self._snippets.clear()
            self._leads.clear()
            self._asked.clear()
        self.hits, self.terms = hits, terms
        self._titles = {hit.id: hit.title for hit in hits if not hit.story_of}
        for hit in hits:  # snippets that came with the hits
            if hit.snippet:
                self._snippets[hit.id] = hit.snippet
        index = next((i for i, h in enumerate(hits) if h.id == keep_id), None) if keep_id else None
        self.virtual_size = Size(self.size.width, len(hits) * ROW_HEIGHT)
        self.move_to(index or 0, force=True)
        if index is None:
            self.scroll_to(y=0, animate=False)
        self.refresh()

    def set_snippets(self, terms: frozenset, snippets: dict[str, list], leads: dict[str, str]) -> None:
        """Store snippets that a worker cut for the current results, and what they matched through a
        translation (shown before the snippet)."""
        if terms != self.terms:
            return
        self._snippets.update(snippets)
        self._leads.update(leads)
        self.refresh()

    def set_tags(self, tags: dict[str, list[str]]) -> None:
        """Show new tags for some articles (after a tag change)."""
        for hit in self.hits:
            if hit.id in tags:
                hit.tags = list(tags[hit.id])
        self.refresh()

    # -- marks -----------------------------------------------------------------------------------
    def toggle_mark(self) -> None:
        hit = self.hit
        if hit is None:
            return
        if hit.id in self.marked:
            del self.marked[hit.id]
        else:
            self.marked[hit.id] = hit
        self.refresh()

    def clear_marks(self) -> None:
        self.marked.clear()
        self.refresh()

    # -- cursor ----------------------------------------------------------------------------------
    def move_to(self, index: int, force: bool = False) -> None:
        """Put the cursor on row `index` (clamped), scroll it into view and announce it."""
        index = max(0, min(index, len(self.hits) - 1)) if self.hits else 0
        if index == self.cursor and not force:
            return
        self.cursor = index
        top, height = index * ROW_HEIGHT, self.scrollable_content_region.height
        if top < self.scroll_y:
            self.scroll_to(y=top, animate=False)
        elif height and top + ROW_HEIGHT > self.scroll_y + height:
            self.scroll_to(y=top + ROW_HEIGHT - height, animate=False)
        self.refresh()
        self.post_message(self.Highlighted(self, self.hit))

    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height // ROW_HEIGHT - 1)

    def action_move_down(self) -> None:
        self.move_to(self.cursor + 1)

    def action_move_up(self) -> None:
        self.move_to(self.cursor - 1)

    def action_page_down(self) -> None:
        self.move_to(self.cursor + self._page())

    def action_page_up(self) -> None:
        self.move_to(self.cursor - self._page())

    def action_first(self) -> None:
        self.move_to(0)

    def action_last(self) -> None:
        self.move_to(len(self.hits) - 1)

    def action_open(self) -> None:
        if self.hit is not None:
            self.post_message(self.Selected(self, self.hit))

    def action_mark(self) -> None:
        self.toggle_mark()
        self.move_to(self.cursor + 1)

    def on_click(self, event: events.Click) -> None:
        row = (event.y + int(self.scroll_y)) // ROW_HEIGHT
        if 0 <= row < len(self.hits):
            if row == self.cursor:
                self.action_open()
            else:
                self.move_to(row)

    # -- rendering -------------------------------------------------------------------------------
    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self.hits) * ROW_HEIGHT)
        self.move_to(self.cursor, force=False)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None

    def on_focus(self) -> None:
        self._styles = None
        self.refresh()

    def on_blur(self) -> None:
        self._styles = None
        self.refresh()

    def _style_map(self) -> dict:
        if self._styles is None:
            self._styles = {name: self.get_visual_style(f"results--{name}") for name in STYLE_NAMES}
        return self._styles

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        row, line = divmod(y + int(self.scroll_y), ROW_HEIGHT)
        base = self.visual_style
        if not self.hits:
            if y == 1:
                empty = Content(self.placeholder).stylize(self.get_visual_style("results--empty"))
                return Strip(empty.truncate(width).render_segments(base)).extend_cell_length(width, base.rich_style)
            return Strip.blank(width, base.rich_style)
        if row >= len(self.hits):
            return Strip.blank(width, base.rich_style)
        hit = self.hits[row]
        styles = self._style_map()
        if line == 0:
            content = result_title_line(hit.title, hit.lang, hit.date, hit.tags, hit.id in self.marked,
                                        width, styles)
        elif hit.story_of:  # another telling of the story of the hit above it
            source = self._titles.get(hit.story_of, hit.story_of)
            content = result_snippet_line([(f"↳ {hit.story_kind} of “{one_line(source)}”", False)], width, styles)
        else:
            snippet = self._snippets.get(hit.id)
            if snippet is None:
                self._want(hit)
            content = result_snippet_line(snippet, width, styles, self._leads.get(hit.id, ""))
        if row == self.cursor:
            cursor_style = self.get_visual_style("results--cursor")
            base = base + cursor_style
        strip = Strip(content.render_segments(base)).extend_cell_length(width, base.rich_style)
        return strip.crop(0, width)

    def _want(self, hit) -> None:
        if hit.id in self._asked:
            return
        self._asked.add(hit.id)
        self._wanted[hit.id] = hit
        if not self._ask_pending:
            self._ask_pending = True
            self.set_timer(0.02, self._ask_snippets)

    def _ask_snippets(self) -> None:
        self._ask_pending = False
        wanted, self._wanted = list(self._wanted.values()), {}
        if wanted:
            self.post_message(self.SnippetsWanted(self, self.terms, wanted))
