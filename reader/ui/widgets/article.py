"""The article pane: a Line API view that wraps only the paragraphs on screen and keeps its place on resize."""

from __future__ import annotations

from textual import events
from textual.content import Content
from textual.geometry import Size
from textual.strip import Strip

from reader.core.entities.spans import AUTO_KINDS, ENTITY_TYPES
from reader.ui.actions import ARTICLE, bindings_for
from reader.ui.document import Document, Flow, Mark, Span, matches_in, step_index
from reader.ui.render import highlighted, key_display, legend_line
from reader.ui.widgets.flow_view import FlowView

MAX_MEASURE = 100  # columns of text at most: long lines are hard to read
KINDS = ("title", "meta", "tags", "notes", "error", "warning", "legend", "rule", "body")
# Gazetteer entities: a bold background per type; automatic finds: coloured and underlined.
ENTITY_STYLES = tuple(f"entity-{kind}" for kind in ENTITY_TYPES) + tuple(f"auto-{kind}" for kind in AUTO_KINDS)


class ArticleView(FlowView, can_focus=True, inherit_bindings=False):
    """Shows one article; steps through the query's matches and the entities, the current ones styled apart."""

    DEFAULT_CSS = """
    ArticleView > .article--legend { color: $text-muted; }
    ArticleView > .article--entity-person { background: $success 30%; text-style: bold; }
    ArticleView > .article--entity-organisation { background: $primary 40%; text-style: bold; }
    ArticleView > .article--entity-place { background: $secondary 40%; text-style: bold; }
    ArticleView > .article--entity-other { background: $accent 30%; text-style: bold; }
    ArticleView > .article--auto-person { color: $success; text-style: underline; }
    ArticleView > .article--auto-organisation { color: $primary-lighten-2; text-style: underline; }
    ArticleView > .article--auto-place { color: $secondary-lighten-2; text-style: underline; }
    ArticleView > .article--auto-money { color: $warning; text-style: underline; }
    ArticleView > .article--auto-percent { color: $error-lighten-2; text-style: underline; }
    ArticleView > .article--auto-quantity { color: $accent-lighten-2; text-style: underline; }
    ArticleView > .article--auto-date { color: $text-muted; text-style: italic underline; }
    ArticleView > .article--entity-current { background: $foreground 85%; color: $background; text-style: bold; }
    """

    BINDINGS = bindings_for(ARTICLE)
    COMPONENT_CLASSES = {f"article--{kind}" for kind in KINDS} | {f"article--{name}" for name in ENTITY_STYLES} | {
        "article--match", "article--match-current", "article--entity-current", "article--placeholder"}

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.document: Document | None = None
        self.current: int | None = None  # index into document.matches
        self.entity_current: int | None = None  # index into document.entities
        self.show_entities = True
        self.entity_note = ""  # what the legend adds: progress, limits
        self._legend_styles: list[str] = []  # the entity styles in the document, in legend order
        self.centred = False
        self.placeholder = "Open a result (enter) to read it here."
        self._anchor = 0  # document offset of the first line on screen: the reading position
        self._laid_out = Size(0, 0)  # the size the current layout and scroll position are for

    # -- content ---------------------------------------------------------------------------------
    def show(self, document: Document, keep_position: bool = False) -> None:
        """Display `document`, at the top, or where the reader was when it is the same article again."""
        same = keep_position and self.document is not None and self.document.article_id == document.article_id
        body_offset = self._anchor - self.document.body_start if same and self.document else 0
        in_body = same and body_offset >= 0
        self.document = document
        self.current = self.entity_current = None
        self.entity_note = "finding…"
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

    def set_entities(self, marks: list[Mark], note: str = "") -> None:
        """Replace the entity marks (a first part, then all of them), keeping the entity cursor."""
        if self.document is None:
            return
        old = self.document.entities
        current = old[self.entity_current][:2] if self.entity_current is not None else None
        self.document.entities = marks
        self.entity_current = next((i for i, m in enumerate(marks) if m[:2] == current), None)
        self.entity_note = note
        present = {mark.style for mark in marks}
        self._legend_styles = [name for name in ENTITY_STYLES if name in present]
        self.refresh()

    def toggle_entities(self) -> bool:
        """Show or hide the entity highlighting; answer whether it is shown now."""
        self.show_entities = not self.show_entities
        self.refresh()
        return self.show_entities

    @property
    def entity(self) -> Mark | None:
        """The entity under the entity cursor, else the first one on screen."""
        if self.document is None or not self.document.entities:
            return None
        if self.entity_current is not None:
            return self.document.entities[self.entity_current]
        if self.flow is None:
            return None
        bottom = self.flow.offset_of(int(self.scroll_y) + self.scrollable_content_region.height)
        shown = matches_in(self.document.entities, self._anchor, max(bottom, self._anchor + 1))
        return shown[0] if shown else None

    @property
    def entity_position(self) -> tuple[int, int]:
        """(current entity number from 1, or 0; number of entities)."""
        count = len(self.document.entities) if self.document else 0
        return (self.entity_current + 1 if self.entity_current is not None else 0), count

    def clear(self, placeholder: str | None = None) -> None:
        self.document, self.flow, self.current, self.entity_current = None, None, None, None
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
        self.current = step_index(self.document.matches, self.current, self._anchor, forward)
        self._show_offset(self.document.matches[self.current][0])
        return True

    def step_entity(self, forward: bool = True) -> bool:
        """Go to the next (or previous) entity after the current one or the top of the view; shows entities."""
        if self.document is None or self.flow is None or not self.document.entities:
            return False
        self.show_entities = True
        self.entity_current = step_index(self.document.entities, self.entity_current, self._anchor, forward)
        self._show_offset(self.document.entities[self.entity_current].start)
        return True

    def _show_offset(self, offset: int) -> None:
        """Scroll so the line holding `offset` is in view (a third down when it was not)."""
        line = self.flow.line_of(offset)
        height = self.scrollable_content_region.height
        self._sync_height()
        if not (self.scroll_y <= line < self.scroll_y + height - 1):
            self.scroll_to(y=max(0, line - height // 3), animate=False, immediate=True)
        self.refresh()

    @property
    def cursor_word(self) -> str:
        """The words at the cursor: the current match (stepped to with next_match), else the entity."""
        if self.document is not None and self.current is not None:
            start, end = self.document.matches[self.current][:2]
            return self.document.text[start:end]
        mark = self.entity
        return mark.entity.text if mark is not None else ""

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
        self.scroll_pages(1)

    def action_page_up(self) -> None:
        self.scroll_pages(-1)

    def action_first(self) -> None:
        self.scroll_to(y=0, animate=False)

    def action_last(self) -> None:
        self.jump_to_end()

    # -- rendering -------------------------------------------------------------------------------
    def _style_map(self) -> dict:
        if self._styles is None:
            names = [*KINDS, *ENTITY_STYLES, "match", "match-current", "entity-current"]
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
        elif block.kind == "legend":
            content = self._legend(styles).truncate(measure, ellipsis=True)
        else:
            text = self.document.text[start:end].rstrip()
            current = self.document.matches[self.current] if self.current is not None else None
            spans = matches_in(self.document.matches, start, start + len(text))
            content = highlighted(text, spans, start, styles, block.kind, current,
                                  self._marks(start, start + len(text)))
        strip = Strip(Content(" " * margin).append(content).render_segments(base))
        return strip.extend_cell_length(width, base.rich_style).crop(0, width)

    def _marks(self, start: int, end: int) -> list[tuple[int, int, str]]:
        """(start, end, style name) of the entities shown between `start` and `end`."""
        if not self.show_entities or self.document is None:
            return []
        current = self.document.entities[self.entity_current] if self.entity_current is not None else None
        return [(m.start, m.end, "entity-current" if m is current else m.style)
                for m in matches_in(self.document.entities, start, end)]

    def _legend(self, styles: dict) -> Content:
        keys = getattr(self.app, "keymap_keys", {}).get("toggle_entities", "").split(",")[0]
        if not self.show_entities:
            shows = key_display(keys) if keys else "toggle_entities"
            return Content(f"Entities hidden ({shows} shows them)").stylize(styles["legend"])
        entities = self.document.entities if self.document else []
        count = f"{len(entities):,}" if entities or not self.entity_note else ""
        note = ", ".join(filter(None, [count, self.entity_note]))
        return legend_line(self._legend_styles if entities else [], styles, note, styles["legend"])
