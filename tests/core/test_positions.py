"""Word positions as the index stores them: compact arrays of gaps, read back by phrase queries."""

from __future__ import annotations

import pytest

from reader.core.engine import Engine
from reader.core.search.analysis import FastPositions
from tests.conftest import write


@pytest.mark.parametrize("positions", [[0], [7], [300], [70_000], [3, 5, 300], [1, 70_000, 70_001],
                                       [0, 255, 256, 511], list(range(0, 200_000, 97))])
def test_positions_come_back_as_they_went_in(positions):
    encoding = FastPositions()
    value = encoding.encode(positions)
    assert encoding.decode_positions(value) == positions
    assert encoding.decode_frequency(value) == len(positions)
    assert encoding.decode_weight(value) == len(positions) * encoding.field_boost


def test_a_phrase_is_found_past_the_first_65536_words_of_an_article(tmp_path):
    corpus = tmp_path / "corpus"
    filler = " ".join(f"word{n % 5000}" for n in range(70_000))
    write(corpus, "long.txt", f"A long report\n\n{filler} The United States said so. {filler} States United.")
    write(corpus, "short.txt", "A short note\n\nThe United Kingdom and the States of Jersey.")
    engine = Engine(corpus, tmp_path / "index")
    engine.update()
    assert [hit.id for hit in engine.search('"United States"', limit=5).hits] == ["long.txt"]
    assert [hit.id for hit in engine.search('"States said so"', limit=5).hits] == ["long.txt"]
    assert engine.search('"Kingdom United"', limit=5).hits == []
    engine.close()
