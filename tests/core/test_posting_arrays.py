"""Posting arrays: a segment's common terms kept as arrays in its `.arr` file, written when a segment is
(a merge here) or afterwards for older segments, rank exactly as their posting blocks do."""

from __future__ import annotations

import pytest

from reader.core.engine import Engine
from reader.core.indexing import segment_merge
from reader.core.search import index as index_module
from reader.core.search import posting_arrays
from reader.core.search.array_ranking import ArrayRanker
from reader.core.search.posting_arrays import EXTENSION, ArraysWriter, SegmentArrays
from tests.conftest import replace_and_delete, write_word_articles

WORDS = ["police", "minister", "economy", "border", "election", "harbour", "railway", "vaccine"]
FRENCH = ["police", "ministre", "économie", "frontière", "élection", "port", "chemin", "vaccin"]
QUERIES = ["police", "economy border", "polic*", "lang:fr police", "title:railway", "économie OR vaccin",
           '"police said"', "minister NOT harbour"]


@pytest.fixture
def engine(tmp_path, monkeypatch):
    """120 articles in two segments, the second replacing and deleting some of the first's; terms of
    10 documents or more are kept as arrays; ranked on arrays."""
    monkeypatch.setattr(posting_arrays, "MIN_DOCS", 10)
    monkeypatch.setattr(index_module, "_ranker_class", lambda searcher: ArrayRanker)
    write_word_articles(tmp_path / "corpus", 120, WORDS, FRENCH, lambda n: 20 + n % 30)
    engine = Engine(tmp_path / "corpus", tmp_path / "index")
    engine.update()
    replace_and_delete(tmp_path / "corpus", 120, 7, "Title {n} police\n\nborder police economy\n")
    engine.update()
    yield engine
    engine.close()


def _found(engine: Engine) -> dict:
    engine.close()  # a new searcher: it opens the arrays as they are now
    return {query: [(hit.id, hit.score) for hit in engine.search(query, limit=None, snippets=False).hits]
            for query in QUERIES}


def _array_files(engine: Engine) -> list:
    return sorted(engine.index_dir.glob("*" + EXTENSION))


def _assert_ranked_as_from_blocks(engine: Engine) -> None:
    with_arrays = _found(engine)
    for path in _array_files(engine):
        path.unlink()
    assert _found(engine) == with_arrays


def test_older_segments_get_their_arrays_and_rank_as_from_blocks(engine):
    for path in _array_files(engine):
        path.unlink()
    report = segment_merge.maintain(engine.index_dir)
    assert report.arrays_written == report.segments_after == len(_array_files(engine)) >= 1
    assert any(SegmentArrays(path).count for path in _array_files(engine))
    assert segment_merge.maintain(engine.index_dir).arrays_written == 0  # each segment once
    _assert_ranked_as_from_blocks(engine)


def test_a_merged_segment_is_written_with_its_arrays(engine):
    for path in _array_files(engine):
        path.unlink()
    segment_merge.maintain(engine.index_dir, optimize=True)
    (merged,) = _array_files(engine)
    assert SegmentArrays(merged).count > 10
    _assert_ranked_as_from_blocks(engine)


def test_a_damaged_arrays_file_is_not_read(engine):
    segment_merge.maintain(engine.index_dir, optimize=True)
    (merged,) = _array_files(engine)
    with_arrays = _found(engine)
    merged.write_bytes(merged.read_bytes()[:-3])  # cut short
    assert _found(engine) == with_arrays
    merged.write_bytes(b"XXXX" + merged.read_bytes()[4:])  # not this kind of file
    assert _found(engine) == with_arrays


def test_a_damaged_row_of_an_arrays_file_is_not_read(engine):
    import struct

    segment_merge.maintain(engine.index_dir, optimize=True)
    (merged,) = _array_files(engine)
    with_arrays = _found(engine)
    data = bytearray(merged.read_bytes())
    count = struct.unpack_from("<I", data, len(data) - 8)[0]
    rows = len(data) - 8 - count * posting_arrays._ROW.size
    for row in range(count):  # each term's postings said to run past the file's data (a bad copy)
        struct.pack_into("<I", data, rows + row * posting_arrays._ROW.size + 8, 1 << 30)
    merged.write_bytes(bytes(data))
    assert SegmentArrays(merged).count == count > 10
    assert _found(engine) == with_arrays and not engine.messages  # read from the blocks, nothing rebuilt


def test_arrays_read_back_what_was_written_in_every_width(tmp_path, monkeypatch):
    monkeypatch.setattr(posting_arrays, "MIN_DOCS", 3)
    b, h = b"B\x01", b"H" + b"\x01\x00" * 200  # positions as FastPositions encodes them: 2 and 401 bytes
    terms = {b"\x00\x01small": ([1, 5, 9], [1.0, 2.0, 255.0], [b, b, b]),  # 1-byte documents, weights, lengths
             b"\x00\x01far": ([3, 300, 80_000], [1.0, 2.0, 3.0], [b, h, b]),  # 4-byte documents, 2-byte lengths
             b"\x00\x01mid": ([3, 300, 60_000], [1.0, 2.0, 3.0], [b, b, b * 40_000]),  # 2-byte documents, 4-byte lengths
             b"\x00\x02boosted": ([0, 1, 2], [0.5, 1.25, 3.0], [b, b, b]),  # 4-byte weights: not whole numbers
             b"\x00\x02many": ([0, 1, 2, 4], [1.0, 256.0, 1.0, 1.0], [b, b, b, b]),  # nor under 256
             b"\x00\x02rare": ([0, 1], [1.0, 1.0], [b, b])}  # under MIN_DOCS: left to the blocks
    with ArraysWriter(tmp_path / "s.arr") as writer:
        for key, (docs, weights, values) in terms.items():
            writer.add(key, docs, weights, values)
    arrays = SegmentArrays(tmp_path / "s.arr")
    assert arrays.count == 5 and posting_arrays.is_current(tmp_path / "s.arr")
    for key, (docs, weights, values) in terms.items():
        held, with_values = arrays.postings(key), arrays.postings(key, values=True)
        if key.endswith(b"rare"):
            assert held is None and with_values is None
            continue
        assert held[0].tolist() == docs and held[1].astype(float).tolist() == weights
        found_docs, found_weights, lengths, data = with_values
        assert found_docs.tolist() == docs and found_weights.astype(float).tolist() == weights
        assert lengths.tolist() == list(map(len, values)) and data.tobytes() == b"".join(values)
    assert arrays.postings(b"\x00\x03small") is None  # the same term in another field


def test_arrays_of_an_earlier_layout_are_written_again(engine):
    for path in _array_files(engine):
        path.write_bytes(path.read_bytes()[:-4] + b"RPA1")  # the first layout: no positions
    assert not any(map(posting_arrays.is_current, _array_files(engine)))
    with_arrays = _found(engine)
    assert segment_merge.maintain(engine.index_dir).arrays_written == len(_array_files(engine)) == 2
    assert all(map(posting_arrays.is_current, _array_files(engine)))
    assert _found(engine) == with_arrays


def test_a_failed_write_leaves_no_file(tmp_path):
    with pytest.raises(RuntimeError), ArraysWriter(tmp_path / "s.arr"):
        raise RuntimeError("the segment was not written")
    assert list(tmp_path.iterdir()) == []


def test_the_merge_policy_sizes_segments_without_their_arrays(engine):
    from reader.core.indexing.segment_policy import layout

    infos = layout(engine.index_dir)
    assert len(infos) == len(_array_files(engine)) == 2
    for info in infos:
        files = list(engine.index_dir.glob(f"{info.id}.*"))
        assert info.bytes == sum(path.stat().st_size for path in files if path.suffix != EXTENSION) > 0
