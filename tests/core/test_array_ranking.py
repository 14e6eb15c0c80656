"""The array ranker's own steps give what the dictionary ranker's give (the whole queries are compared in
test_scoring.py)."""

from __future__ import annotations

import random

from reader.core.search.analysis import FastPositions, positions
from reader.core.search.array_ranking import _adjacent_docs
from reader.core.search.scoring import adjacent_docs


def _postings(rng: random.Random, documents: int) -> dict[int, tuple[float, bytes]]:
    """Random positions a document, some far apart (gaps of two and four bytes)."""
    encode = FastPositions().encode
    found = {}
    for doc in range(documents):
        spread = rng.choice([40, 400, 100_000])
        found[doc] = (1.0, encode(sorted(rng.sample(range(spread), rng.randint(1, 12)))))
    return found


def test_phrases_are_found_as_the_dictionary_ranker_finds_them():
    rng = random.Random(7)
    for words in (2, 3):
        per_word = [_postings(rng, 400) for _ in range(words)]
        for doc in range(0, 400, 9):  # plant the phrase in some documents, wide positions too
            start = rng.choice([3, 300, 70_000])
            for distance, found in enumerate(per_word):
                kept = list(positions(found[doc][1]))
                found[doc] = (1.0, FastPositions().encode(sorted({*kept, start + distance})))
        candidates = set(range(400))
        expected = adjacent_docs(candidates, per_word, positions)
        assert len(expected) >= 400 // 9
        assert _adjacent_docs(candidates, per_word, positions) == expected
