"""Paragraph alignment and word differences for the side-by-side view."""

from __future__ import annotations

from reader.core.align import align_paragraphs, word_diff

ENGLISH = [
    "Putin met Shoigu in Moscow on Monday to discuss the war.",
    "The two men discussed the deployment of 3,000 troops near the border.",
    "Analysts said the meeting showed that the Kremlin was worried about the front.",
    "In 2022, the army lost 1,200 tanks, according to Oryx.",
]
FRENCH = [
    "Poutine a rencontré Choïgou à Moscou lundi pour parler de la guerre.",
    "Les deux hommes ont discuté du déploiement de 3 000 soldats près de la frontière.",
    "En 2022, l'armée a perdu 1 200 chars, selon Oryx.",
]


def _indices(rows: list[tuple[int | None, int | None]], side: int) -> list[int]:
    return [row[side] for row in rows if row[side] is not None]


def test_translation_aligns_with_a_gap_row() -> None:
    rows = align_paragraphs(ENGLISH, FRENCH)
    assert rows == [(0, 0), (1, 1), (2, None), (3, 2)]


def test_every_paragraph_appears_once_in_order() -> None:
    left = [f"Paragraph {i} about topic number {i * 111}." for i in range(12)]
    right = [left[i] for i in (0, 1, 3, 4, 5, 7, 8, 9, 11)] + ["An extra closing paragraph."]
    rows = align_paragraphs(left, right)
    assert _indices(rows, 0) == list(range(len(left)))
    assert _indices(rows, 1) == list(range(len(right)))
    assert (3, 2) in rows and (11, 8) in rows and (None, 9) in rows
    assert (2, None) in rows


def test_anchors_decide_which_paragraph_is_the_extra_one() -> None:
    left = ["Merkel met Macron on Monday.", "The budget was 4,500 euros this year.", "A vote is planned in 2025."]
    right = [
        "Merkel a rencontré Macron lundi.",
        "Une photo de la rencontre, prise hier soir.",
        "Le budget était de 4 500 euros cette année.",
        "Un vote est prévu en 2025.",
    ]
    assert align_paragraphs(left, right) == [(0, 0), (None, 1), (1, 2), (2, 3)]


def test_empty_sides() -> None:
    assert align_paragraphs([], []) == []
    assert align_paragraphs(["a"], []) == [(0, None)]
    assert align_paragraphs([], ["a", "b"]) == [(None, 0), (None, 1)]


def test_long_lists_are_aligned_within_a_band() -> None:
    left = [f"Item {i}: {i * 37 + 1000} units shipped." for i in range(150)]
    rows = align_paragraphs(left, list(left))
    assert rows == [(i, i) for i in range(150)]


def test_word_diff_marks_changed_words_on_each_side() -> None:
    left, right = "The cat sat on the mat.", "The dog sat on a mat!"
    left_spans, right_spans = word_diff(left, right)
    assert [left[a:b] for a, b in left_spans] == ["cat", "the", "."]
    assert [right[a:b] for a, b in right_spans] == ["dog", "a", "!"]


def test_word_diff_insertion_only_marks_one_side() -> None:
    left, right = "Russia imported drones.", "Russia imported many more drones."
    left_spans, right_spans = word_diff(left, right)
    assert left_spans == []
    assert [right[a:b] for a, b in right_spans] == ["many more"]


def test_word_diff_identical_texts() -> None:
    assert word_diff("Same text here.", "Same text here.") == ([], [])
