"""The semantic tier: meaning vectors stored beside the index, made incrementally, searched and fused
with the words (the real model of the `semantic` extra; CI installs it)."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from reader.core.engine import Engine
from reader.core.semantic import vectors
from reader.core.semantic.fusion import fuse
from reader.core.semantic.model import installed
from tests.conftest import write

needs_model = pytest.mark.skipif(not installed(), reason="the semantic extra is not installed")


@pytest.fixture(autouse=True)
def _in_use(semantic):
    """Every test here uses the semantic tier."""


TOPICS = {  # one story a language; the English queries below are words of the digest only
    "en/digest.txt": "Weekly digest\n\nA heavy snowstorm hit Canada, and England win the cricket cup final.\n",
    "ru/snow.txt": "Снегопад парализовал Москву\n\nСильный снегопад обрушился на столицу ночью. Синоптики "
                   "предупреждают о метели и гололёде, аэропорты задерживают рейсы.\n",
    "hi/cricket.txt": "भारत ने ऑस्ट्रेलिया को क्रिकेट मैच में हराया\n\nभारतीय टीम ने मेलबर्न में खेले गए टेस्ट "
                      "मैच में ऑस्ट्रेलिया को आठ विकेट से हरा दिया। कप्तान ने शानदार शतक लगाया।\n",
    "en/budget.txt": "Parliament approves the budget\n\nLawmakers approved the national budget after a long "
                     "debate on taxes and public spending.\n",
    "de/football.txt": "Bayern gewinnt das Pokalfinale\n\nDer FC Bayern hat das Pokalfinale in Berlin mit drei "
                       "zu eins gewonnen. Die Fans feierten bis in die Nacht.\n",
    "fr/elections.txt": "Les électeurs votent pour un nouveau maire\n\nLes habitants de Lyon se sont rendus aux "
                        "urnes dimanche pour élire leur maire ; la participation a été faible.\n",
}


@pytest.fixture
def topics(tmp_path):
    root = tmp_path / "topics"
    for rel, text in TOPICS.items():
        write(root, rel, text)
    return root


def test_vectors_are_written_whole_and_read_back_by_mapping(tmp_path):
    rows = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)
    rows[0] = 0.0
    vectors.save(tmp_path, vectors.Vectors.of("model-a", ["a", "b", "c"], rows))
    back = vectors.load(tmp_path)
    assert back.model == "model-a" and back.ids == ["a", "b", "c"]
    assert np.abs(back.floats() - rows).max() <= np.abs(rows).max() / 254 + 1e-6  # within half a code step
    assert list(back.subset([2, 0]).joined(back.subset([1])).ids) == ["c", "a", "b"]
    rows = np.eye(3, 4, dtype=np.float32)
    vectors.save(tmp_path, vectors.Vectors.of("model-a", ["a", "b", "c"], rows))
    back = vectors.load(tmp_path)
    query = np.array([0.1, 0.9, 0.0, 0.0], dtype=np.float32)
    assert [i for i, _ in back.nearest(query, lambda i: True, 2)] == ["b", "a"]
    assert [i for i, _ in back.nearest(query, lambda i: i != "b", 5)] == ["a", "c"]
    (tmp_path / vectors.VECTORS_FILE).write_bytes(b"reader-vectors 2\n{not json")
    assert vectors.load(tmp_path) is None  # made again, never a crash
    (tmp_path / vectors.VECTORS_FILE).write_bytes(b"reader-vectors 1\n" + b'{"model": "m", "dim": 4, "ids": []}\n')
    assert vectors.load(tmp_path) is None  # an older format: made again
    assert not list(tmp_path.glob(".*.tmp"))


def test_fusion_adds_weighted_reciprocal_ranks_and_keeps_the_first_ranking_on_ties():
    fused = fuse([(["a", "b", "c"], 1.0), (["c", "d"], 1.0)])
    assert [item for item, _ in fused] == ["c", "a", "b", "d"]
    assert [item for item, _ in fuse([(["a"], 1.0), (["b"], 1.0)])] == ["a", "b"]


@needs_model
def test_an_english_query_finds_a_story_written_in_other_words_and_scripts(topics):
    engine = Engine(topics)
    engine.update()
    assert engine.vectors_wanted() == len(TOPICS)
    assert engine.search("heavy snowstorm lang:ru").total == 0  # no vectors yet: words only
    report = engine.make_vectors()
    assert report.articles == len(TOPICS) and report.finished and engine.vectors_wanted() == 0
    for query, expected, matched in (
            ("heavy snowstorm", "ru/snow.txt", ("", "heavy snowstorm", "semantic")),
            ("cricket win", "hi/cricket.txt", ("क्रिकेट", "cricket", "script")),  # a loanword: also by its sound
            ("cup final", "de/football.txt", ("", "cup final", "semantic"))):
        hits = engine.search(f"{query} lang:{expected[:2]}").hits
        assert [hit.id for hit in hits] == [expected]
        assert [(m.term, m.via, m.source) for m in hits[0].matched] == [matched]
    assert engine.search("heavy snowstorm lang:ru", as_typed=True).total == 0
    assert "ru/snow.txt" not in [hit.id for hit in engine.search("heavy snowstorm -lang:ru").hits]
    assert engine.count("heavy snowstorm lang:ru") == 1
    assert engine.facets("heavy snowstorm lang:ru")["lang"] == {"ru": 1}


@needs_model
def test_a_query_with_no_word_the_corpus_knows_finds_nothing_by_meaning_either(topics):
    engine = Engine(topics)
    engine.update()
    engine.make_vectors()
    assert engine.search("zzqxv").total == 0
    assert engine.search("zzqxv qqxzv").total == 0
    assert engine.search("snowfall lang:ru").total == 0  # in no article: "not in the corpus" stays an answer
    typo = engine.search("heavy zzqxv")  # one word known: no article has both, the nearest in meaning are listed
    assert typo.total and all(m.source == "semantic" for hit in typo.hits for m in hit.matched)


@needs_model
def test_vectors_are_made_again_only_for_changed_articles_and_dropped_for_removed_ones(topics):
    engine = Engine(topics)
    engine.update()
    engine.make_vectors()
    write(topics, "en/budget.txt", "Parliament rejects the budget\n\nThe vote failed after a night of debate.\n")
    (topics / "de/football.txt").unlink()
    engine.update()
    assert engine.vectors_wanted() == 1
    assert engine.make_vectors().articles == 1
    assert sorted(vectors.load(engine.index_dir).ids) == sorted(set(TOPICS) - {"de/football.txt"})


@needs_model
def test_a_stopped_job_keeps_what_it_saved_and_the_next_one_finishes(topics, monkeypatch):
    from reader.core.semantic import embedding

    engine = Engine(topics)
    engine.update()
    stop = threading.Event()
    monkeypatch.setattr(embedding, "BATCH", 2)
    report = engine.make_vectors(progress=lambda done, total: stop.set(), cancel=stop)
    assert not report.finished and report.articles == 2
    assert len(vectors.load(engine.index_dir)) == 2 and engine.vectors_wanted() == len(TOPICS) - 2
    assert engine.make_vectors().articles == len(TOPICS) - 2 and engine.vectors_wanted() == 0
