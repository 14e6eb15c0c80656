"""Two articles paired for the side-by-side view: paragraphs aligned row by row, shared names and numbers
marked on both sides, and (for comparing rewrites) the words that differ.

Plain Python: the UI prepares a pairing in a worker thread and only draws it.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, replace
from typing import Callable

from reader.core.entities.spans import NAME_KINDS, Span, normalise_name
from reader.core.related.align import align_paragraphs, word_diff
from reader.core.related.features import numbers

MAX_PARAGRAPH_CHARS = 2000  # longer lines are cut (at a sentence or word end) into several paragraphs
ALIGN_CELLS = 250_000  # paragraph pairs aligned in one piece (about a second); longer texts go in windows
WINDOW = 200  # paragraphs per side in one window of a long alignment
MAX_ALIGNED = 2000  # paragraphs per side aligned at all; past them paragraphs are paired in order
NAMES_MARKED_CHARS = 300_000  # names are looked for in this much of each text (about 2 s); numbers everywhere
NAME_PIECE_CHARS = 4000  # text handed to the recogniser at once: one regex call never holds the GIL long
# A number written with any digits and separators (`3 000`, `3,000.5`, `12.10.2013`), like features.py.
_NUMBER_RE = re.compile(r"(?<![\d.,])(?:\d{1,3}(?:[ \u00a0\u2009\u202f]\d{3}(?!\d))+(?:[.,]\d+)?|\d+(?:[.,]\d+)*)")
_SENTENCE_END_RE = re.compile(r"[.!?。！？]\s")

Mark = tuple[int, int, str]  # (start, end, kind) relative to a paragraph; kind: entity, number, diff
Row = tuple[int | None, int | None]


class Cancelled(Exception):
    """The pairing was no longer wanted."""


@dataclass
class PairedText:
    """One side: its text, its paragraphs as (start, end) offsets, and the marks of each paragraph."""

    text: str
    paragraphs: list[tuple[int, int]]
    marks: list[list[Mark]]
    differences: list[list[Mark]] | None = None  # filled by `with_differences`

    def paragraph(self, index: int) -> str:
        start, end = self.paragraphs[index]
        return self.text[start:end]


@dataclass
class Pairing:
    """Two texts and their aligned rows: (left paragraph, right paragraph), None where one has no counterpart."""

    left: PairedText
    right: PairedText
    rows: list[Row]
    shared_entities: int
    shared_numbers: int

    @property
    def gaps(self) -> int:
        """Rows where one side has no counterpart."""
        return sum(1 for left, right in self.rows if left is None or right is None)

    def swapped(self) -> Pairing:
        """The same pairing with the sides exchanged."""
        return replace(self, left=self.right, right=self.left, rows=[(r, left) for left, r in self.rows])


def split_paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line of `text`, stripped; very long lines are cut into pieces."""
    found: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        start, end = line.start(), line.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        while end - start > MAX_PARAGRAPH_CHARS:
            cut = _cut_point(text, start, start + MAX_PARAGRAPH_CHARS)
            found.append((start, cut))
            start = cut
        if end > start:
            found.append((start, end))
    return found


def _cut_point(text: str, start: int, limit: int) -> int:
    """Where to cut before `limit`: after the last sentence end in the second half, else a space."""
    low = start + MAX_PARAGRAPH_CHARS // 2
    ends = list(_SENTENCE_END_RE.finditer(text, low, limit))
    if ends:
        return ends[-1].end()
    space = text.rfind(" ", low, limit)
    return space + 1 if space >= 0 else limit


def entities_in_pieces(text: str, find: Callable[[str], list[Span]],
                       cancel: threading.Event | None = None) -> list[Span]:
    """Entities of the first NAMES_MARKED_CHARS characters of `text`, found by `find` a few lines at a time.

    Pieces end at line ends (names do not span lines), so the UI thread keeps running meanwhile.
    """
    found: list[Span] = []
    start, limit = 0, min(len(text), NAMES_MARKED_CHARS)
    while start < limit:
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        end = limit
        if start + NAME_PIECE_CHARS < limit:
            low, high = start + NAME_PIECE_CHARS // 2, start + NAME_PIECE_CHARS
            newline, space = text.rfind("\n", low, high), text.rfind(" ", low, high)
            end = newline if newline > start else space if space > start else high
        found += [replace(span, start=span.start + start, end=span.end + start) for span in find(text[start:end])]
        start = end
    return found


def _entity_keys(span: Span) -> set[str]:
    keys = {"name:" + normalise_name(span.text)}
    if span.entity_id:
        keys.add("id:" + span.entity_id)
    return keys


def _number_keys(raw: str) -> set[str]:
    return {value for value in numbers(raw) if "." in value or len(value) > 1}


def _named(entities: list[Span]) -> list[tuple[Span, set[str]]]:
    return [(span, _entity_keys(span)) for span in entities if span.entity_id or span.type in NAME_KINDS]


def _numbered(text: str) -> list[tuple[int, int, set[str]]]:
    return [(m.start(), m.end(), keys) for m in _NUMBER_RE.finditer(text) if (keys := _number_keys(m.group()))]


def _shared(text: str, named, numbered, other_names: set[str], other_numbers: set[str]) -> list[tuple[int, int, str]]:
    """Absolute (start, end, kind) of the names and numbers of one text that the other text also has."""
    marks = [(span.start, span.end, "entity") for span, keys in named if keys & other_names]
    marks += [(start, end, "number") for start, end, keys in numbered if keys & other_numbers]
    return sorted(marks)


def _per_paragraph(paragraphs: list[tuple[int, int]], marks: list[tuple[int, int, str]]) -> list[list[Mark]]:
    """Absolute marks cut to the paragraphs they fall in, relative to each paragraph's start."""
    found: list[list[Mark]] = [[] for _ in paragraphs]
    index = 0
    for start, end, kind in marks:
        while index < len(paragraphs) and paragraphs[index][1] <= start:
            index += 1
        scan = index
        while scan < len(paragraphs) and paragraphs[scan][0] < end:
            p_start, p_end = paragraphs[scan]
            if max(start, p_start) < min(end, p_end):
                found[scan].append((max(start, p_start) - p_start, min(end, p_end) - p_start, kind))
            scan += 1
    return found


def align_rows(left: list[str], right: list[str], cancel: threading.Event | None = None) -> list[Row]:
    """Aligned rows of two paragraph lists; long lists are aligned in windows so time and memory stay bounded.

    Past MAX_ALIGNED paragraphs a side, the rest are paired in order.
    """
    if len(left) * len(right) <= ALIGN_CELLS:
        return align_paragraphs(left, right)
    n, m = min(len(left), MAX_ALIGNED), min(len(right), MAX_ALIGNED)
    windows = max(1, -(-max(n, m) // WINDOW))
    rows: list[Row] = []
    for window in range(windows):
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        i0, i1 = n * window // windows, n * (window + 1) // windows
        j0, j1 = m * window // windows, m * (window + 1) // windows
        rows += [(None if i is None else i + i0, None if j is None else j + j0)
                 for i, j in align_paragraphs(left[i0:i1], right[j0:j1])]
    rest_left, rest_right = list(range(n, len(left))), list(range(m, len(right)))
    for k in range(max(len(rest_left), len(rest_right))):
        rows.append((rest_left[k] if k < len(rest_left) else None, rest_right[k] if k < len(rest_right) else None))
    return rows


def pair_texts(left: str, left_entities: list[Span], right: str, right_entities: list[Span],
               cancel: threading.Event | None = None) -> Pairing:
    """Align two texts (already terminal-safe) and mark the names and numbers they share.

    Entities are spans over the texts; two names are shared when they have the same gazetteer id or
    the same normalised spelling, two numbers when they read as the same value (`3 000` = `3,000`).
    """
    left_paragraphs, right_paragraphs = split_paragraphs(left), split_paragraphs(right)
    left_named, right_named = _named(left_entities), _named(right_entities)
    left_numbered, right_numbered = _numbered(left), _numbered(right)
    left_names = set().union(*(keys for _, keys in left_named))
    right_names = set().union(*(keys for _, keys in right_named))
    left_numbers = set().union(*(keys for _, _, keys in left_numbered))
    right_numbers = set().union(*(keys for _, _, keys in right_numbered))
    left_marks = _shared(left, left_named, left_numbered, right_names, right_numbers)
    right_marks = _shared(right, right_named, right_numbered, left_names, left_numbers)
    rows = align_rows([left[s:e] for s, e in left_paragraphs], [right[s:e] for s, e in right_paragraphs], cancel)
    shared_entities = {min(keys) for _, keys in left_named if keys & right_names}  # id: sorts before name:
    return Pairing(
        PairedText(left, left_paragraphs, _per_paragraph(left_paragraphs, left_marks)),
        PairedText(right, right_paragraphs, _per_paragraph(right_paragraphs, right_marks)),
        rows, len(shared_entities), len(left_numbers & right_numbers),
    )


def with_differences(pairing: Pairing, cancel: threading.Event | None = None) -> Pairing:
    """The pairing with the words that differ marked on both sides; an unpaired paragraph differs whole."""
    left, right = pairing.left, pairing.right
    left_diff: list[list[Mark]] = [[] for _ in left.paragraphs]
    right_diff: list[list[Mark]] = [[] for _ in right.paragraphs]
    for number, (i, j) in enumerate(pairing.rows):
        if cancel is not None and number % 100 == 0 and cancel.is_set():
            raise Cancelled()
        if i is not None and j is not None:
            left_spans, right_spans = word_diff(left.paragraph(i), right.paragraph(j))
            left_diff[i] = [(s, e, "diff") for s, e in left_spans]
            right_diff[j] = [(s, e, "diff") for s, e in right_spans]
        elif i is not None:
            left_diff[i] = [(0, len(left.paragraph(i)), "diff")]
        elif j is not None:
            right_diff[j] = [(0, len(right.paragraph(j)), "diff")]
    return replace(pairing, left=replace(left, differences=left_diff), right=replace(right, differences=right_diff))
