"""One line above the result list: how the listed hits' dates spread, first and last date at the ends."""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget

from reader.core.results.date_histogram import DateHistogram

BARS = " ▁▂▃▄▅▆▇█"


def bar_row(counts: tuple[int, ...]) -> str:
    """Counts as block characters, the biggest a full block; any count above zero shows at least ▁."""
    top = max(counts, default=0) or 1
    return "".join(BARS[0] if not c else BARS[max(1, round(c * (len(BARS) - 1) / top))] for c in counts)


class DateHistogramBar(Widget):
    """The dates of the listed hits as a bar row; hidden when no hit has a date."""

    COMPONENT_CLASSES = {"histogram--bars", "histogram--label"}

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.histogram: DateHistogram | None = None
        self.display = False

    def show(self, histogram: DateHistogram | None) -> None:
        """Show a new histogram (None hides the line)."""
        self.histogram = histogram
        self.display = histogram is not None
        self.refresh()

    def render(self) -> Content:
        found = self.histogram
        if found is None:
            return Content("")
        label = self.get_visual_style("histogram--label")
        width = self.content_region.width or self.size.width
        left = f"{found.first} "
        right = (f" {found.last}" if found.last != found.first else "") + f" · {found.dated:,} dated"
        room = width - len(left) - len(right)
        bars = bar_row(found.merged(room)) if room > 0 else ""
        return Content.assemble(Content(left).stylize(label),
                                Content(bars).stylize(self.get_visual_style("histogram--bars")),
                                Content(right).stylize(label))
