"""Entity recognition of a long text piece by piece, so a reader can show the first entities at once."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from reader.core.entities.recognise import recognise
from reader.core.entities.spans import Span

if TYPE_CHECKING:
    from reader.core.entities.gazetteer import Gazetteer

CHUNK_CHARS = 50_000


def chunk_bounds(text: str, size: int = CHUNK_CHARS) -> Iterator[tuple[int, int]]:
    """(start, end) of consecutive pieces of `text` of at most `size` characters.

    Pieces end at a line end, else a sentence end, else a space, in their second half if possible.
    """
    start = 0
    while len(text) - start > size:
        limit, low = start + size, start + size // 2
        cut = text.rfind("\n", low, limit)
        if cut < 0:
            cut = max(text.rfind(mark, low, limit) for mark in (". ", "! ", "? ", "。"))
        if cut < 0:
            cut = text.rfind(" ", low, limit)
        end = cut + 1 if cut >= 0 else limit
        yield start, end
        start = end
    yield start, len(text)


def recognise_in_chunks(text: str, lang: str, gazetteer: Gazetteer | None,
                        size: int = CHUNK_CHARS) -> Iterator[tuple[int, list[Span]]]:
    """(end of the piece, its entities with offsets into `text`) for each piece of `text` in turn.

    A text of at most `size` characters gives exactly `recognise(text, …)`; longer ones differ only
    where a name would span two pieces or a lone word's kind is decided by another piece.
    """
    for start, end in chunk_bounds(text, size):
        spans = recognise(text[start:end], lang, gazetteer)
        yield end, [replace(span, start=span.start + start, end=span.end + start) for span in spans] if start else spans
