"""An article as the reader shows it: terminal-safe text cut into blocks, wrapped lazily into lines.

Plain Python (no Textual), so a 5 MB single-line article or a 50,000-line one is prepared in a
worker thread and only the blocks on screen are ever wrapped.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from rich.cells import cell_len

from reader.core.text import one_line, safe_text

CHUNK_CHARS = 2000  # longer paragraphs are cut into blocks of about this size, at a sentence or word end
EXACT_CHARS = 200_000  # documents up to this size are wrapped whole at once: exact heights, no estimates
WRAP_CACHE_BLOCKS = 4000
LINE_KINDS = ("legend", "rule", "blank")  # blocks that are one line whatever the text
_WORD_RE = re.compile(r"\S+\s*|\s+")

Span = tuple[int, int]


@dataclass
class Block:
    """A run of the document's text shown as one wrapped paragraph; `kind` selects its style."""

    start: int
    end: int
    kind: str


class Mark(NamedTuple):
    """An entity in the document: its document offsets, its style name and the recognised entity."""

    start: int
    end: int
    style: str
    entity: Any  # reader.core.entities.Span, offsets into the article's text


@dataclass
class Document:
    """Everything the article pane shows, as one string and its blocks.

    `matches` are query-match spans, `entities` entity marks, both sorted and not overlapping.
    """

    article_id: str
    text: str
    blocks: list[Block]
    body_start: int
    matches: list[Span] = field(default_factory=list)
    entities: list[Mark] = field(default_factory=list)
    block_starts: list[int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.block_starts = [block.start for block in self.blocks]

    def block_at(self, offset: int) -> int:
        """The index of the block holding character `offset` (the last one starting there)."""
        return max(0, bisect_right(self.block_starts, offset) - 1)


def build_document(article) -> Document:
    """The header (title, metadata, tags, notes, problems, entity legend) and the body, terminal-safe."""
    parts: list[tuple[str, str]] = [(safe_text(one_line(article.title)) or "(untitled)", "title")]
    meta = " · ".join(filter(None, [article.lang, article.date, article.source, article.url, article.id]))
    parts.append((safe_text(one_line(meta)), "meta"))
    if article.tags:
        parts.append(("tags: " + ", ".join(safe_text(t) for t in article.tags), "tags"))
    for line in (article.notes or "").splitlines():
        parts.append((safe_text(line.replace("\t", " ")), "notes"))
    if article.sidecar_error:
        parts.append((safe_text(one_line(f"sidecar: {article.sidecar_error}")), "error"))
    for warning in article.warnings:
        parts.append((safe_text(one_line(f"note: {warning}")), "warning"))
    pieces: list[str] = []
    blocks: list[Block] = []
    cursor = 0
    for text, kind in parts:
        blocks.append(Block(cursor, cursor + len(text), kind))
        pieces.append(text + "\n")
        cursor += len(text) + 1
    blocks.append(Block(cursor, cursor, "legend"))  # drawn by the view from its entity state
    blocks.append(Block(cursor, cursor, "rule"))
    body_start = cursor
    body = safe_text(article.body).replace("\t", " ")
    pieces.append(body)
    blocks.extend(_body_blocks(body, body_start))
    return Document(article.id, "".join(pieces), blocks, body_start)


def _body_blocks(body: str, base: int) -> list[Block]:
    blocks: list[Block] = []
    position = 0
    blank = False
    for line in body.split("\n"):
        start, end = position, position + len(line)
        position = end + 1
        if not line.strip():
            if blocks and not blank:
                blocks.append(Block(base + start, base + start, "blank"))
            blank = True
            continue
        blank = False
        while end - start > CHUNK_CHARS:
            cut = _cut_point(body, start, start + CHUNK_CHARS)
            blocks.append(Block(base + start, base + cut, "body"))
            start = cut
        blocks.append(Block(base + start, base + end, "body"))
    while blocks and blocks[-1].kind == "blank":
        blocks.pop()
    return blocks


def _cut_point(text: str, start: int, limit: int) -> int:
    """Where to cut a long paragraph before `limit`: after a sentence if one ends late enough, else a space."""
    low = start + CHUNK_CHARS // 2
    best = max(text.rfind(mark, low, limit) for mark in (". ", "! ", "? ", "。", "！", "？"))
    if best >= 0:
        return best + (2 if text[best] in ".!?" else 1)
    space = text.rfind(" ", low, limit)
    return space + 1 if space >= 0 else limit


def find_matches(document: Document, terms: frozenset, lang: str, limit: int | None = None) -> list[Span]:
    """Query-match spans over the title and body of `document` (the body only up to `limit` chars)."""
    from reader.core.engine import match_spans

    if not terms:
        return []
    title = document.blocks[0]
    spans = [(s + title.start, e + title.start)
             for s, e in match_spans(terms, document.text[title.start:title.end], lang)]
    end = len(document.text) if limit is None else min(len(document.text), document.body_start + limit)
    if limit is not None and end < len(document.text):
        space = document.text.rfind(" ", document.body_start, end)
        end = space if space > document.body_start else end
    body = document.text[document.body_start:end]
    spans.extend((s + document.body_start, e + document.body_start) for s, e in match_spans(terms, body, lang))
    return spans


def wrap_offsets(text: str, start: int, end: int, width: int) -> list[Span]:
    """Greedy word wrap of `text[start:end]` into lines of at most `width` cells: (start, end) of each.

    Spaces at a break stay on the line they follow (they are not drawn); longer words are folded.
    """
    width = max(1, width)
    if end <= start:
        return [(start, start)]
    lines: list[Span] = []
    line_start, line_cells = start, 0
    for match in _WORD_RE.finditer(text, start, end):
        word = match.group()
        word_start = match.start()
        stripped = word.rstrip()
        cells = cell_len(stripped)
        if line_cells and line_cells + cells > width:
            lines.append((line_start, word_start))
            line_start, line_cells = word_start, 0
        if cells > width:  # fold a word wider than the line
            for char_index, char in enumerate(stripped):
                char_cells = cell_len(char)
                if line_cells + char_cells > width and line_cells:
                    lines.append((line_start, word_start + char_index))
                    line_start, line_cells = word_start + char_index, 0
                line_cells += char_cells
            line_cells += len(word) - len(stripped)
            continue
        line_cells += cell_len(word)
    lines.append((line_start, end))
    return lines


class Fenwick:
    """Prefix sums of block heights with O(log n) updates and lookups."""

    def __init__(self, values: list[int]) -> None:
        self.size = len(values)
        self.tree = [0] * (self.size + 1)
        self.values = list(values)
        for index, value in enumerate(values, 1):
            self.tree[index] += value
            parent = index + (index & -index)
            if parent <= self.size:
                self.tree[parent] += self.tree[index]

    def set(self, index: int, value: int) -> None:
        delta = value - self.values[index]
        if not delta:
            return
        self.values[index] = value
        position = index + 1
        while position <= self.size:
            self.tree[position] += delta
            position += position & -position

    def prefix(self, index: int) -> int:
        """Sum of the first `index` values."""
        total = 0
        while index > 0:
            total += self.tree[index]
            index -= index & -index
        return total

    def find(self, y: int) -> int:
        """The index i with prefix(i) <= y < prefix(i + 1) (the last index when y is past the end)."""
        position, remaining = 0, y
        step = 1 << self.size.bit_length()
        while step:
            following = position + step
            if following <= self.size and self.tree[following] <= remaining:
                position = following
                remaining -= self.tree[following]
            step >>= 1
        return min(position, self.size - 1)


class Flow:
    """The wrapped lines of a document at one width; blocks are wrapped when first looked at.

    Unwrapped blocks count with an estimated height; looking at a block makes its height exact.
    """

    def __init__(self, document: Document, width: int) -> None:
        self.document = document
        self.width = max(8, width)
        self._wrapped: OrderedDict[int, list[Span]] = OrderedDict()
        self._exact = bytearray(len(document.blocks))
        self.heights = Fenwick([self._estimate(b) for b in document.blocks])
        if len(document.text) <= EXACT_CHARS:
            for index in range(len(document.blocks)):
                self.lines(index)

    def _estimate(self, block: Block) -> int:
        length = block.end - block.start
        return 1 if length <= self.width else -(-length * 11 // (self.width * 10))

    @property
    def total(self) -> int:
        """The number of lines (estimated for blocks not yet wrapped)."""
        return self.heights.prefix(self.heights.size)

    def lines(self, index: int) -> list[Span]:
        """The (start, end) text offsets of each line of block `index`."""
        lines = self._wrapped.get(index)
        if lines is not None:
            self._wrapped.move_to_end(index)
            return lines
        block = self.document.blocks[index]
        lines = [(block.start, block.end)] if block.kind in LINE_KINDS else \
            wrap_offsets(self.document.text, block.start, block.end, self.width)
        self._wrapped[index] = lines
        if len(self._wrapped) > WRAP_CACHE_BLOCKS:
            self._wrapped.popitem(last=False)
        self._exact[index] = 1
        self.heights.set(index, len(lines))
        return lines

    def top(self, index: int) -> int:
        """The first line of block `index`."""
        return self.heights.prefix(index)

    def locate(self, y: int) -> tuple[int, int]:
        """(block index, line within the block) of line `y`, wrapping blocks until the answer is exact."""
        if not self.document.blocks:
            return 0, 0
        while True:
            index = self.heights.find(max(0, y))
            was_exact = self._exact[index]
            lines = self.lines(index)
            offset = y - self.top(index)
            if was_exact or 0 <= offset < len(lines) or index == len(self.document.blocks) - 1:
                return index, max(0, min(offset, len(lines) - 1))

    def line_of(self, offset: int) -> int:
        """The line showing character `offset` of the document."""
        index = self.document.block_at(offset)
        lines = self.lines(index)
        starts = [s for s, _ in lines]
        return self.top(index) + max(0, bisect_right(starts, offset) - 1)

    def offset_of(self, y: int) -> int:
        """The document offset of the first character on line `y` (a reading position that survives resizes)."""
        index, line = self.locate(y)
        return self.lines(index)[line][0]


def matches_in(matches: Sequence[Span], start: int, end: int) -> list:
    """The spans (matches or marks) overlapping `start..end` (sorted, not overlapping each other)."""
    first = bisect_left(matches, (start, -1))
    if first > 0 and matches[first - 1][1] > start:
        first -= 1
    found = []
    for index in range(first, len(matches)):  # no slice: a long article has hundreds of thousands
        if matches[index][0] >= end:
            break
        found.append(matches[index])
    return found


def step_index(spans: Sequence[Span], current: int | None, top: int, forward: bool) -> int:
    """The span to go to from `current`, or from document offset `top` when there is none (wraps round)."""
    if current is not None:
        return (current + (1 if forward else -1)) % len(spans)
    index = bisect_left(spans, (top, -1))
    return (index if forward else index - 1) % len(spans)


def entity_style(entity) -> str:
    """The style name of a recognised entity: `entity-<type>` from the gazetteer, `auto-<kind>` otherwise."""
    return f"{'entity' if entity.source == 'gazetteer' else 'auto'}-{entity.type}"


class EntityPlacer:
    """Places entity spans of `article.text` (title, blank line, body) on `document`'s text.

    The document shows the title on one line and drops invisible characters, so offsets are mapped.
    """

    def __init__(self, document: Document, article) -> None:
        self.document = document
        self.title_origins = _title_origins(article.title)
        self.title_end = len(article.title)
        self.body_base = self.title_end + 2
        self.removed = _removed_positions(article.body)

    def marks(self, entities: Sequence) -> list[Mark]:
        """The marks of `entities` (sorted spans), empty ones left out."""
        title_start, body_start = self.document.blocks[0].start, self.document.body_start
        origins, removed, title_end, base = self.title_origins, self.removed, self.title_end, self.body_base
        marks: list[Mark] = []
        for entity in entities:
            if entity.start < title_end:
                start = title_start + bisect_left(origins, entity.start)
                end = title_start + bisect_left(origins, min(entity.end, title_end))
            else:
                first, last = max(entity.start, base) - base, entity.end - base
                start = body_start + first - bisect_left(removed, first)
                end = body_start + last - bisect_left(removed, last)
            if end > start:
                marks.append(Mark(start, end, entity_style(entity), entity))
        return marks


def _title_origins(title: str) -> list[int]:
    """For each character of the title as shown (one line, terminal-safe), where it was in `title`."""
    origins: list[int] = []
    for number, word in enumerate(re.finditer(r"\S+", title)):
        if number:
            origins.append(word.start() - 1)
        origins.extend(range(word.start(), word.end()))
    return [origin for origin in origins if safe_text(title[origin])]


def _removed_positions(body: str) -> list[int]:
    """Positions of the body's characters that `safe_text` drops (none in almost every article)."""
    if len(safe_text(body)) == len(body):
        return []
    removed: list[int] = []
    position = 0
    for line in body.split("\n"):
        if len(safe_text(line)) != len(line):
            removed.extend(position + index for index, char in enumerate(line) if not safe_text(char))
        position += len(line) + 1
    return removed
