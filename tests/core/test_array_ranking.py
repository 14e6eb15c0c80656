"""The array ranker's own steps give what the dictionary ranker's give (the whole queries, phrases
included, are compared in test_scoring.py)."""

from __future__ import annotations

import random

import numpy as np

from reader.core.search.analysis import FastPositions, positions
from reader.core.search.array_ranking import _gathered, _phrase_starts, _union


def _values(rng: random.Random, count: int) -> list[bytes]:
    """Random positions of a word in `count` documents, some far apart (gaps of one, two and four bytes)."""
    encode = FastPositions().encode
    return [encode(sorted(rng.sample(range(rng.choice([40, 400, 100_000])), rng.randint(1, 12))))
            for _ in range(count)]


def _joined(values: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """The values' lengths and their bytes joined, as `_phrase_starts` takes them."""
    return np.array(list(map(len, values)), np.int64), np.frombuffer(b"".join(values), np.uint8)


def test_positions_are_decoded_at_once_as_one_at_a_time():
    rng = random.Random(7)
    values = _values(rng, 500)
    assert {value[:1] for value in values} == {b"B", b"H", b"I"}  # every width of gap is met
    for distance in (0, -1, -3):
        expected = sorted((i << 32) + at - distance for i, value in enumerate(values) for at in positions(value))
        assert _phrase_starts(*_joined(values), distance).tolist() == expected
    assert _phrase_starts(*_joined(values[:1]), -2).tolist() == [at + 2 for at in positions(values[0])]
    assert isinstance(_phrase_starts(*_joined(values), 0), np.ndarray)


def test_the_values_of_some_documents_are_gathered_from_all_joined():
    values = _values(random.Random(3), 300)
    lengths, data = _joined(values)
    begins = np.cumsum(lengths) - lengths
    picked = np.array(sorted(random.Random(4).sample(range(300), 40)))
    assert _gathered(data, begins[picked], lengths[picked]).tobytes() == b"".join(values[i] for i in picked)
    assert _gathered(data, begins[:0], lengths[:0]).tobytes() == b""


def test_a_union_is_the_sorted_distinct_documents_whether_few_or_many():
    parts = [np.array([5, 9, 12]), np.array([1, 9]), np.array([], np.int64), np.array([12, 40])]
    for size in (1_000_000, 50):  # sorted and compared, or marked in an index-wide array
        assert _union(parts, size).tolist() == [1, 5, 9, 12, 40]
        assert _union([np.array([], np.int64)] * 2, size).tolist() == _union([], size).tolist() == []
