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
