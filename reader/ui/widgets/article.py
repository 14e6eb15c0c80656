"""The article pane: a Line API view that wraps only the paragraphs on screen and keeps its place on resize."""

from __future__ import annotations

from bisect import bisect_left

from textual import events
from textual.content import Content
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.ui.actions import ARTICLE, bindings_for
from reader.ui.document import Document, Flow, Span, matches_in
from reader.ui.render import highlighted

MAX_MEASURE = 100  # columns of text at most: long lines are hard to read
KINDS = ("title", "meta", "tags", "notes", "error", "warning", "rule", "body")


class ArticleView(ScrollView, can_focus=True, inherit_bindings=False):
    """Shows one article; `n`/`N` step through the query's matches, the current one styled apart."""

    BINDINGS = bindings_for(ARTICLE)
    COMPONENT_CLASSES = {f"article--{kind}" for kind in KINDS} | {
        "article--match", "article--match-current", "article--placeholder"}

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.document: Document | None = None
        self.flow: Flow | None = None
        self.current: int | None = None  # index into document.matches
        self.centred = False
        self.placeholder = "Open a result (enter) to read it here."
        self._anchor = 0  # document offset of the first line on screen: the reading position
        self._laid_out = Size(0, 0)  # the size the current layout and scroll position are for
        self._styles: dict | None = None

    # -- content ---------------------------------------------------------------------------------
    def show(self, document: Document, keep_position: bool = False) -> None:
        """Display `document`, at the top, or where the reader was when it is the same article again."""
        same = keep_position and self.document is not None and self.document.article_id == document.article_id
        body_offset = self._anchor - self.document.body_start if same and self.document else 0
        in_body = same and body_offset >= 0
        self.document = document
        self.current = None
        self._laid_out = self.size
        self._layout()
        if in_body:
            self._restore(document.body_start + body_offset)
        else:
            self._restore(0)

    def set_matches(self, matches: list[Span]) -> None:
        """Replace the match spans (when the full list arrives after the first screen)."""
        if self.document is None:
            return
        current = self.document.matches[self.current] if self.current is not None else None
        self.document.matches = matches
        self.current = matches.index(current) if current in matches else None
        self.refresh()

    def clear(self, placeholder: str | None = None) -> None:
        self.document, self.flow, self.current = None, None, None
        if placeholder is not None:
            self.placeholder = placeholder
        self.virtual_size = Size(0, 0)
        self.refresh()

    @property
    def reading_offset(self) -> int:
        """The document offset at the top of the view."""
        return self._anchor

    # -- layout ----------------------------------------------------------------------------------
    def _measure(self) -> tuple[int, int]:
        """(text width, left margin) for the current size."""
        width = max(10, self.scrollable_content_region.width - 2)
        measure = min(width, MAX_MEASURE)
        margin = 1 + ((width - measure) // 2 if self.centred else 0)
        return measure, margin

    def _layout(self) -> None:
        if self.document is None:
            return
        measure, _ = self._measure()
        self.flow = Flow(self.document, measure)
        self._sync_height()

    def _sync_height(self) -> None:
        if self.flow is not None:
            height = self.flow.total
            if self.virtual_size.height != height or self.virtual_size.width != self.size.width:
                self.virtual_size = Size(self.size.width, height)

    def _restore(self, offset: int) -> None:
        """Scroll so the line holding document `offset` is at the top."""
        if self.flow is None:
            return
        line = self.flow.line_of(offset)
        self._sync_height()
        self.scroll_to(y=line, animate=False, immediate=True)
        self._anchor = offset
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        anchor = self._anchor
        self._laid_out = self.size
        if self.flow is not None and self._measure()[0] != self.flow.width:
            self._layout()
        self._restore(anchor)

    def set_centred(self, centred: bool) -> None:
        self.centred = centred
        anchor = self._anchor
        self._layout()
        self._restore(anchor)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        # A resize clamps the scroll before on_resize runs: that must not move the reading position.
        if self.flow is not None and round(old_value) != round(new_value) and self.size == self._laid_out:
            self._anchor = self.flow.offset_of(round(new_value))

    # -- matches ---------------------------------------------------------------------------------
    def step_match(self, forward: bool = True) -> bool:
        """Go to the next (or previous) match after the current one or the top of the view."""
        if self.document is None or self.flow is None or not self.document.matches:
            return False
        matches = self.document.matches
        if self.current is not None:
            index = (self.current + (1 if forward else -1)) % len(matches)
        else:
            top = self._anchor
            index = bisect_left(matches, (top, -1))
            if not forward:
                index -= 1
            index %= len(matches)
        self.current = index
        line = self.flow.line_of(matches[index][0])
        height = self.scrollable_content_region.height
        self._sync_height()
        if not (self.scroll_y <= line < self.scroll_y + height - 1):
            self.scroll_to(y=max(0, line - height // 3), animate=False, immediate=True)
        self.refresh()
        return True

    @property
    def match_position(self) -> tuple[int, int]:
        """(current match number from 1, or 0; number of matches)."""
        count = len(self.document.matches) if self.document else 0
        return (self.current + 1 if self.current is not None else 0), count

    # -- keys ------------------------------------------------------------------------------------
    def action_move_down(self) -> None:
        self.scroll_to(y=self.scroll_y + 1, animate=False)

    def action_move_up(self) -> None:
        self.scroll_to(y=self.scroll_y - 1, animate=False)

    def action_page_down(self) -> None:
        self.scroll_to(y=self.scroll_y + max(1, self.scrollable_content_region.height - 1), animate=False)

    def action_page_up(self) -> None:
        self.scroll_to(y=self.scroll_y - max(1, self.scrollable_content_region.height - 1), animate=False)

    def action_first(self) -> None:
        self.scroll_to(y=0, animate=False)

    def action_last(self) -> None:
        if self.flow is not None:
            self.flow.locate(self.flow.total)  # makes the end exact
            self._sync_height()
        self.scroll_to(y=self.max_scroll_y, animate=False)

    # -- rendering -------------------------------------------------------------------------------
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None

    def _style_map(self) -> dict:
        if self._styles is None:
            names = [*KINDS, "match", "match-current"]
            self._styles = {name: self.get_visual_style(f"article--{name}") for name in names}
        return self._styles

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.visual_style
        if self.document is None or self.flow is None:
            if y == 1:
                text = Content(self.placeholder).stylize(self.get_visual_style("article--placeholder"))
                return Strip(Content(" ").append(text).truncate(width).render_segments(base)) \
                    .extend_cell_length(width, base.rich_style)
            return Strip.blank(width, base.rich_style)
        line_number = y + int(self.scroll_y)
        if line_number >= self.flow.total:
            self._later_sync()
            return Strip.blank(width, base.rich_style)
        index, line = self.flow.locate(line_number)
        self._later_sync()
        block = self.document.blocks[index]
        start, end = self.flow.lines(index)[line]
        measure, margin = self._measure()
        styles = self._style_map()
        if block.kind == "rule":
            content = Content("─" * measure).stylize(styles["rule"])
        else:
            text = self.document.text[start:end].rstrip()
            current = self.document.matches[self.current] if self.current is not None else None
            spans = matches_in(self.document.matches, start, start + len(text))
            content = highlighted(text, spans, start, styles, block.kind, current)
        strip = Strip(Content(" " * margin).append(content).render_segments(base))
        return strip.extend_cell_length(width, base.rich_style).crop(0, width)

    def _later_sync(self) -> None:
        if self.flow is not None and self.flow.total != self.virtual_size.height:
            self.call_later(self._sync_height)
