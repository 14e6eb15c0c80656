"""Two articles in aligned rows: a Line API view that scrolls both panes together and wraps only rows on screen,
and the headers above its panes."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from textual import events
from textual.content import Content
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget

from reader.core.related.pairing import PairedText, Pairing
from reader.core.text import one_line, safe_text
from reader.ui.document import Fenwick, Span, wrap_offsets
from reader.ui.widgets.flow_view import FlowView

SINGLE_PANE_BELOW = 60  # columns under which only the active pane is shown
WRAP_CACHE_ROWS = 4000
GAP_TEXT = "⋯ no counterpart"
LEFT, RIGHT = "left", "right"
MARK_KINDS = ("entity", "number", "diff")


def pane_widths(width: int, single: bool) -> tuple[int, int]:
    """Cell widths (left, right) for a view `width` columns wide; one column separates two panes."""
    if single:
        return width, width
    left = max(1, (width - 1) // 2)
    return left, max(1, width - 1 - left)


class RowFlow:
    """The wrapped lines of every row at one pair of widths; a row is wrapped when first looked at.

    A row is as tall as the taller of its two cells, plus one blank line below it.
    """

    def __init__(self, pairing: Pairing, widths: tuple[int, int]) -> None:
        self.pairing = pairing
        self.text_widths = tuple(max(4, width - 2) for width in widths)  # a space each side of the text
        self._wrapped: OrderedDict[int, tuple[list[Span], list[Span]]] = OrderedDict()
        self._exact = bytearray(len(pairing.rows))
        self.heights = Fenwick([self._estimate(row) for row in range(len(pairing.rows))])

    def _cell_length(self, side: PairedText, index: int | None) -> int:
        if index is None:
            return 1
        start, end = side.paragraphs[index]
        return end - start

    def _estimate(self, row: int) -> int:
        i, j = self.pairing.rows[row]
        left = -(-self._cell_length(self.pairing.left, i) * 11 // (self.text_widths[0] * 10))
        right = -(-self._cell_length(self.pairing.right, j) * 11 // (self.text_widths[1] * 10))
        return max(1, left, right) + 1

    @property
    def total(self) -> int:
        return self.heights.prefix(self.heights.size)

    def _wrap(self, side: PairedText, index: int | None, width: int) -> list[Span]:
        if index is None:
            return [(0, 0)]
        start, end = side.paragraphs[index]
        return wrap_offsets(side.text, start, end, width)

    def lines(self, row: int) -> tuple[list[Span], list[Span]]:
        """The (start, end) text offsets of each line of the row's left and right cells."""
        found = self._wrapped.get(row)
        if found is not None:
            self._wrapped.move_to_end(row)
            return found
        i, j = self.pairing.rows[row]
        found = (self._wrap(self.pairing.left, i, self.text_widths[0]),
                 self._wrap(self.pairing.right, j, self.text_widths[1]))
        self._wrapped[row] = found
        if len(self._wrapped) > WRAP_CACHE_ROWS:
            self._wrapped.popitem(last=False)
        self._exact[row] = 1
        self.heights.set(row, max(len(found[0]), len(found[1])) + 1)
        return found

    def top(self, row: int) -> int:
        return self.heights.prefix(row)

    def locate(self, y: int) -> tuple[int, int]:
        """(row, line within the row) of line `y`, wrapping rows until the answer is exact."""
        while True:
            row = self.heights.find(max(0, y))
            was_exact = self._exact[row]
            self.lines(row)
            offset = y - self.top(row)
            height = self.heights.values[row]
            if was_exact or 0 <= offset < height or row == len(self.pairing.rows) - 1:
                return row, max(0, min(offset, height - 1))


class AlignedView(FlowView, can_focus=True, inherit_bindings=False):
    """Shows a pairing: left and right cells row by row, one scroll position for both."""

    COMPONENT_CLASSES = {"aligned--entity", "aligned--number", "aligned--diff", "aligned--gap",
                         "aligned--separator", "aligned--placeholder"}
    DEFAULT_CSS = """
    AlignedView { overflow-x: hidden; scrollbar-size-vertical: 1; scrollbar-gutter: stable; }
    AlignedView > .aligned--entity { color: $text; background: $success 30%; text-style: bold; }
    AlignedView > .aligned--number { color: $text; background: $secondary 45%; text-style: bold; }
    AlignedView > .aligned--diff { color: $warning; text-style: bold underline; }
    AlignedView > .aligned--gap { color: $text-muted; background: $boost; text-style: italic; }
    AlignedView > .aligned--separator { color: $panel-lighten-2; }
    AlignedView > .aligned--placeholder { color: $text-muted; text-style: italic; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.pairing: Pairing | None = None
        self.show_differences = False
        self.active = LEFT
        self.placeholder = "Aligning…"
        self._top_row = 0  # the row at the top of the view: the reading position
        self._laid_out = Size(0, 0)

    # -- content ---------------------------------------------------------------------------------
    def show(self, pairing: Pairing, keep_position: bool = False) -> None:
        """Display `pairing`, at the top or at the same row as before."""
        self.pairing = pairing
        self._layout()
        self._restore(self._top_row if keep_position else 0)

    def clear(self, placeholder: str) -> None:
        self.pairing, self.flow, self.placeholder = None, None, placeholder
        self.virtual_size = Size(0, 0)
        self.refresh()

    def set_differences(self, shown: bool) -> None:
        self.show_differences = shown
        self.refresh()

    def set_active(self, side: str) -> None:
        """Which pane is active; below SINGLE_PANE_BELOW columns it is the only one shown."""
        self.active = side
        if self.single:
            self._relayout()
        self.refresh()

    @property
    def single(self) -> bool:
        return self.scrollable_content_region.width < SINGLE_PANE_BELOW

    @property
    def top_row(self) -> int:
        return self._top_row

    # -- layout ----------------------------------------------------------------------------------
    def _layout(self) -> None:
        self._laid_out = self.size
        if self.pairing is None:
            return
        widths = pane_widths(self.scrollable_content_region.width, self.single)
        if self.single:  # the hidden pane must not make rows taller
            widths = (widths[0], 10**6) if self.active == LEFT else (10**6, widths[1])
        self.flow = RowFlow(self.pairing, widths)
        self._sync_height()

    def _relayout(self) -> None:
        row = self._top_row
        self._layout()
        self._restore(row)

    def _restore(self, row: int) -> None:
        if self.flow is None or not self.pairing.rows:
            return
        row = max(0, min(row, len(self.pairing.rows) - 1))
        self.flow.lines(row)
        self._sync_height()
        self.scroll_to(y=self.flow.top(row), animate=False, immediate=True)
        self._top_row = row
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        self._relayout()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if self.flow is not None and round(old_value) != round(new_value) and self.size == self._laid_out:
            self._top_row = self.flow.locate(round(new_value))[0]

    # -- rendering -------------------------------------------------------------------------------
    def _style_map(self) -> dict:
        if self._styles is None:
            self._styles = {name.split("--")[1]: self.get_visual_style(name) for name in self.COMPONENT_CLASSES}
        return self._styles

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.visual_style
        if self.pairing is None or self.flow is None or not self.pairing.rows:
            text = " " + (self.placeholder if self.pairing is None else "Both articles are empty.")
            content = Content(text).stylize(self._style_map()["placeholder"]) if y == 1 else Content("")
            return Strip(content.truncate(width, pad=True).render_segments(base))
        line_number = y + int(self.scroll_y)
        if line_number >= self.flow.total:
            self._later_sync()
            return Strip.blank(width, base.rich_style)
        row, line = self.flow.locate(line_number)
        self._later_sync()
        left_lines, right_lines = self.flow.lines(row)
        i, j = self.pairing.rows[row]
        separator_line = line == self.flow.heights.values[row] - 1
        styles = self._style_map()
        left_width, right_width = pane_widths(width, self.single)
        cells = []
        if not self.single or self.active == LEFT:
            cells.append(self._cell(self.pairing.left, i, left_lines, line, left_width, separator_line))
        if not self.single:
            cells.append(Content("│").stylize(styles["separator"]))
        if not self.single or self.active == RIGHT:
            cells.append(self._cell(self.pairing.right, j, right_lines, line, right_width, separator_line))
        return Strip(Content.assemble(*cells).truncate(width, pad=True).render_segments(base))

    def _cell(self, side: PairedText, index: int | None, lines: list[Span], line: int, width: int,
              separator_line: bool) -> Content:
        """One line of one cell, `width` cells wide."""
        styles = self._style_map()
        if separator_line:
            return Content(" " * width)
        if index is None:
            text = f" {GAP_TEXT}" if line == 0 else ""
            return Content(text).truncate(width, pad=True).stylize(styles["gap"])
        if line >= len(lines):
            return Content(" " * width)
        start, end = lines[line]
        text = side.text[start:end].rstrip()
        content = Content(text)
        paragraph_start = side.paragraphs[index][0]
        marks = side.marks[index]
        if self.show_differences and side.differences is not None:
            marks = side.differences[index] + marks  # shared names and numbers drawn over the differences
        for mark_start, mark_end, kind in marks:
            mark_start, mark_end = paragraph_start + mark_start - start, paragraph_start + mark_end - start
            if mark_end > 0 and mark_start < len(text):
                content = content.stylize(styles[kind], max(0, mark_start), min(len(text), mark_end))
        return Content(" ").append(content).truncate(width, pad=True)



class PaneHeaders(Widget):
    """Title and facts (language, source, date, id) of each pane, in the aligned view's columns."""

    COMPONENT_CLASSES = {"headers--title", "headers--meta", "headers--active"}
    DEFAULT_CSS = """
    PaneHeaders { height: 2; background: $boost; }
    PaneHeaders > .headers--title { text-style: bold; }
    PaneHeaders > .headers--meta { color: $text-muted; }
    PaneHeaders > .headers--active { background: $accent 35%; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.articles: tuple[Any, Any] | None = None
        self.active = LEFT
        self.single = False

    def set_articles(self, left, right, active: str, single: bool) -> None:
        self.articles, self.active, self.single = (left, right), active, single
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.visual_style
        if self.articles is None:
            return Strip.blank(width, base.rich_style)
        left_width, right_width = pane_widths(width - 1, self.single)  # the aligned view's scrollbar
        cells = []
        for side, article, cell_width in ((LEFT, self.articles[0], left_width),
                                          (RIGHT, self.articles[1], right_width)):
            if self.single and side != self.active:
                continue
            cells.append(self._cell(article, y, cell_width, side == self.active))
            if not self.single and side == LEFT:
                cells.append(Content(" "))
        line = Content.assemble(*cells).truncate(width, pad=True)
        return Strip(line.render_segments(base))

    def _cell(self, article, y: int, width: int, active: bool) -> Content:
        if y == 0:
            text = Content(" " + article.title).stylize(self.get_visual_style("headers--title"))
        else:
            facts = " · ".join(filter(None, [article.lang.upper(), article.source, article.date, article.id]))
            text = Content(" " + safe_text(one_line(facts))).stylize(self.get_visual_style("headers--meta"))
        cell = text.truncate(width, ellipsis=True, pad=True)
        return cell.stylize(self.get_visual_style("headers--active")) if active else cell
