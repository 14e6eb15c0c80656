"""A loader merges its own small segments into final ones as it goes (shards.settle)."""

from __future__ import annotations

from reader.core.indexing.segment_policy import segment_infos
from reader.core.indexing.shards import settle
from reader.core.search.index import SearchIndex, SegmentBuilder, _storage, analysed
from tests.core.test_posting_pool import _docs, _everything


def _segments(folder, parts: list[list]) -> list:
    """One finished SegmentBuilder segment per part of documents (nothing committed)."""
    made = []
    for part in parts:
        builder = SegmentBuilder(folder)
        for doc in part:
            builder.add(analysed(doc))
        made.append(builder.finish())
    return made


def _segment_names(folder) -> set[str]:
    return {path.name.split(".")[0] for path in folder.glob("MAIN_*.*")}


def _sizes(folder, segments) -> list[int]:
    return [info.live_bytes for info in segment_infos(_storage(folder), segments)]


def test_small_segments_wait_and_then_merge_into_one_that_indexes_the_same(tmp_path):
    docs = _docs(copies=6)
    whole = SearchIndex.create(tmp_path / "whole")
    whole.write((), fresh=True, segments=_segments(tmp_path / "whole", [docs]))

    folder = tmp_path / "ix"
    index = SearchIndex.create(folder)
    first, second, third = _segments(folder, [docs[:10], docs[10:20], docs[20:]])
    reported: list[tuple] = []
    sizes = _sizes(folder, [first, second, third])
    cap = sum(sizes) + min(sizes) // 2  # a fourth like them would not fit with the three: they merge
    assert max(sizes) * 2 <= cap
    waiting = settle(folder, [first, None, second], reported.append, cap)
    assert waiting == [first, second] and reported == []  # a third still fits: kept, nothing merged
    assert settle(folder, [*waiting, third], reported.append, cap) == []
    [(kind, merged)] = reported
    assert kind == "segment" and merged.doc_count_all() == len(docs)
    assert _segment_names(folder) == {merged.segment_id()}  # the merged segments' files are gone
    assert (folder / f"{merged.segment_id()}.arr").exists()  # its posting arrays are written
    index.write((), fresh=True, segments=[merged])
    assert _everything(SearchIndex.open(folder)) == _everything(SearchIndex.open(tmp_path / "whole"))


def test_a_final_segment_is_reported_at_once_and_a_small_one_waits(tmp_path):
    folder = tmp_path / "ix"
    SearchIndex.create(folder)
    docs = _docs(copies=3)
    large, small = _segments(folder, [docs[:12], docs[12:13]])
    cap = 2 * _sizes(folder, [large])[0] - 1  # the large one is over half of it, the small one under
    reported: list[tuple] = []
    assert settle(folder, [large, small], reported.append, cap) == [small]
    assert reported == [("segment", large)]
    assert _segment_names(folder) == {large.segment_id(), small.segment_id()}  # nothing merged or removed
