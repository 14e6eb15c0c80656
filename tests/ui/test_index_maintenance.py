"""The app merges index segments when idle, in a process of its own, and searches go on meanwhile."""

from __future__ import annotations

import pytest

from reader.core.engine import Engine
from reader.core.indexing.segment_policy import MERGE_FACTOR, plan
from reader.core.semantic.model import installed
from reader.core.userdata.sidecars import update_sidecar
from tests.ui.conftest import make_app, ready, rendered, type_query, until

needs_model = pytest.mark.skipif(not installed(), reason="the semantic extra is not installed")


async def test_idle_app_merges_segments_the_tags_left(demo_corpus):
    engine = Engine(demo_corpus)
    engine.update()
    first = engine.all_ids()[0]
    for n in range(MERGE_FACTOR):  # each tag's re-index adds a one-article segment
        update_sidecar(demo_corpus / first, add_tags=[f"t{n}"])
        engine.reindex([first])
    assert len(engine.segments()) == MERGE_FACTOR + 1 and plan(engine.segments())
    app = make_app(demo_corpus)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await until(pilot, lambda: len(engine.segments()) < MERGE_FACTOR + 1, timeout=120)
        assert plan(engine.segments()) == []
        found = await type_query(pilot, f"tag:t{MERGE_FACTOR - 1}")
        assert [hit.id for hit in found.results.hits] == [first]
        assert screen.documents == len(engine.all_ids()) == 5


async def test_idle_app_learns_translations_the_build_left(tmp_path, monkeypatch):
    from reader.core import engine as engine_module
    from reader.core.translation.lexicon import LearnedLexicon
    from tests.core.test_learning_queue import write_translated_pairs

    monkeypatch.setattr(engine_module, "LEARN_AT_ONCE", 10)  # the app's build leaves its 24 articles
    corpus = tmp_path / "corpus"
    count = write_translated_pairs(corpus)
    app = make_app(corpus)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        index_dir = screen.engine.index_dir
        await until(pilot, lambda: "Learned translations" in screen.status.message, timeout=120)
        assert f"from {count} changed articles" in screen.status.message
        assert screen.engine.learning_pending() == 0
        assert {("fr", "en"), ("de", "en")} <= set(LearnedLexicon.load(index_dir).tables)


@needs_model
async def test_idle_app_computes_meaning_vectors_and_then_finds_by_meaning(tmp_path, semantic):
    from tests.conftest import write
    from tests.core.test_semantic import TOPICS

    corpus = tmp_path / "topics"
    for rel, text in TOPICS.items():
        write(corpus, rel, text)
    app = make_app(corpus)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await until(pilot, lambda: f"Computed the meaning vectors of {len(TOPICS)} articles" in screen.status.message, timeout=120)
        assert screen.engine.vectors_wanted() == 0
        found = await type_query(pilot, "heavy snowstorm lang:ru")
        assert [hit.id for hit in found.results.hits] == ["ru/snow.txt"]
        await until(pilot, lambda: "≈ heavy snowstorm" in rendered(found.results))
        await pilot.press("tab", "X")  # as typed: words only, and no Russian article has a word of the query
        await until(pilot, lambda: found.results.hits == [])
