"""The base of the views that lay out only what is on screen: a flow of lines whose total height
becomes exact as it is read, and the scrolling that goes with it."""

from __future__ import annotations

from textual.geometry import Size
from textual.scroll_view import ScrollView


class FlowView(ScrollView):
    """A Line API view over `self.flow` (anything with `total` and `locate(y)`), styles cached."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.flow = None
        self._styles: dict | None = None

    @property
    def page_height(self) -> int:
        """Lines one page moves: the visible height less one line of context."""
        return max(1, self.scrollable_content_region.height - 1)

    def scroll_lines(self, lines: int) -> None:
        self.scroll_to(y=self.scroll_y + lines, animate=False)

    def scroll_pages(self, pages: int) -> None:
        self.scroll_lines(pages * self.page_height)

    def jump_to_end(self) -> None:
        """Scroll to the very end (laying out every line first makes the end exact)."""
        if self.flow is not None:
            self.flow.locate(self.flow.total)
            self._sync_height()
        self.scroll_to(y=self.max_scroll_y, animate=False)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None

    def _sync_height(self) -> None:
        if self.flow is not None:
            height = self.flow.total
            if self.virtual_size.height != height or self.virtual_size.width != self.size.width:
                self.virtual_size = Size(self.size.width, height)

    def _later_sync(self) -> None:
        """After a render found the estimated height wrong, correct it once the render is done."""
        if self.flow is not None and self.flow.total != self.virtual_size.height:
            self.call_later(self._sync_height)
