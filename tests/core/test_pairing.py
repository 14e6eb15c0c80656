"""Pairing two articles for the side-by-side view: paragraphs, aligned rows, shared marks, differences."""

from __future__ import annotations

import threading

import pytest

from reader.core.entities.spans import Span
from reader.core.related import pairing
from reader.core.related.pairing import (
    Cancelled,
    align_rows,
    entities_in_pieces,
    pair_texts,
    split_paragraphs,
    with_differences,
)

ENGLISH = ("Putin meets Shoigu\n\n"
           "Putin met Shoigu in Moscow on Monday to discuss the war.\n"
           "The two men discussed the deployment of 3,000 troops near the border.\n"
           "Analysts said the meeting showed that the Kremlin was worried about the front.\n"
           "In 2022, the army lost 1,200 tanks, according to Oryx.\n")
FRENCH = ("Poutine rencontre Choïgou\n\n"
          "Poutine a rencontré Choïgou à Moscou lundi pour parler de la guerre.\n\n"
          "Les deux hommes ont discuté du déploiement de 3 000 soldats près de la frontière.\n\n"
          "En 2022, l'armée a perdu 1 200 chars, selon Oryx.\n")


def spans(text: str, names: dict[str, str | None]) -> list[Span]:
    """Every occurrence of each name as a person span with the given gazetteer id."""
    found = []
    for name, entity_id in names.items():
        start = text.find(name)
        while start >= 0:
            found.append(Span(start, start + len(name), name, "person", entity_id, "gazetteer"))
            start = text.find(name, start + 1)
    return sorted(found, key=lambda s: s.start)


def marked(side, index: int, kind: str) -> list[str]:
    return [side.paragraph(index)[s:e] for s, e, k in side.marks[index] if k == kind]


def test_paragraphs_are_stripped_lines_and_long_lines_are_cut(monkeypatch):
    assert split_paragraphs("Title\n\n  First line. \n\n\nSecond\n") == [(0, 5), (9, 20), (24, 30)]
    monkeypatch.setattr(pairing, "MAX_PARAGRAPH_CHARS", 40)
    text = "One sentence that is long enough. Another sentence follows it here. And a third one."
    pieces = [text[s:e] for s, e in split_paragraphs(text)]
    assert "".join(pieces) == text and len(pieces) > 1 and all(len(p) <= 40 for p in pieces)
    assert pieces[0].endswith(". ")


def test_translation_rows_leave_a_gap_and_shared_names_and_numbers_are_marked():
    left = spans(ENGLISH, {"Putin": "putin", "Shoigu": "shoigu", "Oryx": None, "Kremlin": None})
    right = spans(FRENCH, {"Poutine": "putin", "Choïgou": "shoigu", "Oryx": None})
    result = pair_texts(ENGLISH, left, FRENCH, right)
    assert result.rows == [(0, 0), (1, 1), (2, 2), (3, None), (4, 3)]
    assert result.gaps == 1
    assert marked(result.left, 1, "entity") == ["Putin", "Shoigu"]
    assert marked(result.right, 1, "entity") == ["Poutine", "Choïgou"]
    assert marked(result.left, 2, "number") == ["3,000"]
    assert marked(result.right, 2, "number") == ["3 000"]
    assert marked(result.left, 4, "entity") == ["Oryx"]  # same spelling, no gazetteer id
    assert marked(result.left, 4, "number") == ["2022", "1,200"]
    assert marked(result.left, 3, "entity") == []  # Kremlin only on one side
    assert result.shared_entities == 3 and result.shared_numbers == 3


def test_swapped_exchanges_sides_and_rows():
    result = pair_texts(ENGLISH, [], FRENCH, [])
    swapped = result.swapped()
    assert swapped.left is result.right and swapped.right is result.left
    assert swapped.rows == [(j, i) for i, j in result.rows]


def test_differences_of_a_rewrite():
    first = "Title\n\nChina sent 100 drones to Russia this year.\nA paragraph only here.\n"
    second = "Title\n\nChina shipped 100 drones to Russia this year.\n"
    result = with_differences(pair_texts(first, [], second, []))
    assert result.rows == [(0, 0), (1, 1), (2, None)]
    left, right = result.left, result.right
    assert [left.paragraph(1)[s:e] for s, e, _ in left.differences[1]] == ["sent"]
    assert [right.paragraph(1)[s:e] for s, e, _ in right.differences[1]] == ["shipped"]
    assert left.differences[2] == [(0, len("A paragraph only here."), "diff")]
    assert left.differences[0] == [] and result.left.marks[1] == [(11, 14, "number")]


def test_long_texts_align_in_windows_and_keep_every_paragraph(monkeypatch):
    monkeypatch.setattr(pairing, "ALIGN_CELLS", 100)
    monkeypatch.setattr(pairing, "WINDOW", 10)
    monkeypatch.setattr(pairing, "MAX_ALIGNED", 40)
    left = [f"Paragraph {i} mentions the number {i * 1000 + 7}." for i in range(50)]
    right = [f"Le paragraphe {i} cite le nombre {i * 1000 + 7}." for i in range(45)]
    rows = align_rows(left, right)
    assert [i for i, _ in rows if i is not None] == list(range(50))
    assert [j for _, j in rows if j is not None] == list(range(45))
    assert (12, 12) in rows and (44, 44) in rows and (49, None) in rows
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        align_rows(left, right, cancel)


def test_entities_are_found_piece_by_piece_at_their_offsets(monkeypatch):
    monkeypatch.setattr(pairing, "NAME_PIECE_CHARS", 50)
    monkeypatch.setattr(pairing, "NAMES_MARKED_CHARS", 400)
    text = "\n".join(f"Line {i} says Putin met Shoigu in Moscow." for i in range(20))
    pieces: list[str] = []

    def find(piece: str) -> list[Span]:
        pieces.append(piece)
        return spans(piece, {"Putin": "putin", "Shoigu": "shoigu"})

    found = entities_in_pieces(text, find)
    assert len(pieces) > 8 and all(len(piece) <= 50 for piece in pieces)
    assert "".join(pieces) == text[:400]
    assert all(text[s.start:s.end] == s.text for s in found)
    assert [s.text for s in found] == [s.text for s in spans(text[:400], {"Putin": "putin", "Shoigu": "shoigu"})]
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        entities_in_pieces(text, find, cancel)
