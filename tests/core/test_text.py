"""Tokenisation shared by the search index and the entity finder: words of every script kept whole."""

from __future__ import annotations

import re
import unicodedata

import pytest

from reader.core.text import TOKEN_RE
from reader.core.unicode_marks import MARK_CLASS, UNICODE_VERSION


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("प्रधानमंत्री ने घोषणा की।", ["प्रधानमंत्री", "ने", "घोषणा", "की"]),  # vowel signs, viramas; danda apart
        ("१,००,००० रुपये", ["१,००,०००", "रुपये"]),
        ("العربيّة ٢٠١٣ في، القاهرة", ["العربيّة", "٢٠١٣", "في", "القاهرة"]),  # shadda inside, comma apart
        ("中国人 and 東京", ["中", "国", "人", "and", "東", "京"]),
        ("བོད་ཡིག ខ្មែរ ไทยแลนด์", ["བོད", "ཡིག", "ខ្មែរ", "ไทยแลนด์"]),  # Tibetan, Khmer, Thai marks
        ("Choi\u0308gou 64.2", ["Choi\u0308gou", "64.2"]),
        ("\U00011005\U00011032\U00011044\U00011013 Asoka", ["\U00011005\U00011032\U00011044\U00011013", "Asoka"]),
    ],
)
def test_words_keep_their_marks_in_every_script(text: str, expected: list[str]) -> None:
    assert TOKEN_RE.findall(text) == expected


@pytest.mark.skipif(unicodedata.unidata_version != UNICODE_VERSION, reason="another Unicode version")
def test_the_mark_class_is_every_combining_mark() -> None:
    marks = re.compile(f"[{MARK_CLASS}]")
    wrong = [code for code in range(0x110000)
             if bool(marks.match(chr(code))) != unicodedata.category(chr(code)).startswith("M")]
    assert wrong == []


def test_text_beyond_the_basic_plane_and_text_within_it_are_each_cut_whole() -> None:
    # the patterns are compiled twice (marks of the Basic Multilingual Plane, all marks) and the choice
    # is kept for the last text: alternating texts must not carry it over
    brahmi, hindi = "\U00011005\U00011032\U00011044\U00011013 x", "प्रधानमंत्री ने"
    for _ in range(2):
        assert TOKEN_RE.findall(brahmi) == ["\U00011005\U00011032\U00011044\U00011013", "x"]
        assert TOKEN_RE.findall(hindi) == ["प्रधानमंत्री", "ने"]
        assert [m.group() for m in TOKEN_RE.finditer(brahmi, 1)] == ["\U00011032\U00011044\U00011013", "x"]
