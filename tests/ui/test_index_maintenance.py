"""The app merges index segments when idle, in a process of its own, and searches go on meanwhile."""

from __future__ import annotations

from reader.core.engine import Engine
from reader.core.indexing.segment_policy import MERGE_FACTOR, plan
from reader.core.userdata.sidecars import update_sidecar
from tests.ui.conftest import make_app, ready, type_query, until


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
