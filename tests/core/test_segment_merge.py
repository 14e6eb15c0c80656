"""Index segments: writes add one and merge nothing; background maintenance merges by the tiered
policy outside the index lock and survives being killed (thresholds lowered to fit small corpora)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from reader.core.engine import Engine, IndexBusy, IndexLock
from reader.core.indexing import segment_merge, segment_policy
from reader.core.indexing.segment_policy import SegmentInfo, plan
from reader.core.userdata.sidecars import update_sidecar
from tests.conftest import write_word_articles

WORDS = ["police", "minister", "economy", "border", "election", "harbour", "railway", "vaccine"]
FRENCH = ["police", "ministre", "économie", "frontière", "élection", "port", "chemin", "vaccin"]
ARTICLES = 40
# Thresholds for corpora of a few kilobytes: tiers of 3, from 2 KB, merges up to 40 KB.
SMALL = dict(FLOOR_BYTES=2_000, MERGE_FACTOR=3, MAX_MERGED_BYTES=40_000)


@pytest.fixture
def small_policy(monkeypatch):
    for name, value in SMALL.items():
        monkeypatch.setattr(segment_policy, name, value)


def _many_segments(root: Path) -> Engine:
    """A corpus of ARTICLES articles indexed in one segment, then one segment more per tag of 12 articles."""
    write_word_articles(root, ARTICLES, WORDS, FRENCH, lambda n: 40 + 3 * n)
    engine = Engine(root)
    engine.update()
    for n in range(12):
        update_sidecar(root / f"a{n:03}.txt", add_tags=[f"t{n}"])
        engine.reindex([f"a{n:03}.txt"])
    return engine


def _state(engine: Engine) -> tuple:
    """What searches see: every id, and the ids a few queries find (with their tags)."""
    engine.close()
    found = {q: sorted((h.id, tuple(h.tags)) for h in engine.search(q, limit=None, snippets=False).hits)
             for q in ("police", "économie", "tag:t3", "title:railway")}
    return engine.doc_count(), engine.all_ids(), found


def test_policy_merges_similar_sizes_within_the_caps(small_policy):
    tiny = [SegmentInfo(f"t{n}", 1, 0, 500 + n) for n in range(5)]
    big = [SegmentInfo(f"b{n}", 100, 0, 30_000) for n in range(4)]  # past half the cap: never merged again
    chosen = plan(tiny + big)
    assert [s.id for s in chosen] == ["t0", "t1", "t2"]  # the smallest tier first, MERGE_FACTOR at once
    assert plan(tiny[:2] + big) == []  # fewer than MERGE_FACTOR in every tier: within the policy
    middle = [SegmentInfo(f"m{n}", 10, 0, 15_000) for n in range(3)]  # 3 × 15 KB > 40 KB: two fit
    assert [s.id for s in plan(middle)] == ["m0", "m1"]
    emptied = [SegmentInfo(f"d{n}", 100, 99, 30_000) for n in range(3)]  # mostly deleted: small again
    assert len(plan(emptied)) == 3


def _cli(root: Path, *args: str, **thresholds) -> subprocess.CompletedProcess:
    """`reader ARGS` in a process of its own, with the merge policy's thresholds lowered."""
    script = ("import sys\nfrom reader.core.indexing import segment_policy\nfrom reader.cli import main\n"
              f"for name, value in {thresholds!r}.items():\n    setattr(segment_policy, name, value)\n"
              "sys.exit(main(sys.argv[1:]))")
    return subprocess.run([sys.executable, "-c", script, *args, "--corpus", str(root)], capture_output=True, text=True)


def test_a_tag_writes_one_small_segment_and_merges_no_large_one(tmp_path, small_policy):
    root = tmp_path / "corpus"
    engine = _many_segments(root)
    before = {s.id: s for s in engine.segments()}
    (large,) = [i for i, s in before.items() if s.docs == ARTICLES]
    assert len(before) == 13 and plan(list(before.values()))  # the policy wants merges
    files = {p.name: p.stat().st_mtime_ns for p in engine.index_dir.glob(f"{large}.*")}
    result = _cli(root, "tag", "a030.txt", "+probe", **SMALL, QUICK_MERGE_BYTES=20_000)
    assert result.returncode == 0, result.stderr
    after = {s.id: s for s in engine.segments()}
    gone, new = before.keys() - after.keys(), [after[i] for i in after.keys() - before.keys()]
    assert after[large].deleted == 13  # the tagged article's old copy: marked deleted in place
    assert {p.name: p.stat().st_mtime_ns for p in engine.index_dir.glob(f"{large}.*")} == files
    # written: the tagged article alone, and at most a quick merge of one-article segments
    assert all(before[i].docs == 1 for i in gone) and sum(before[i].bytes for i in gone) <= 20_000
    assert sum(s.docs for s in new) == len(gone) + 1 and len(new) <= 2
    assert [h.id for h in engine.search("tag:probe").hits] == ["a030.txt"]
    assert _state(engine)[:2] == (ARTICLES, sorted(f"a{n:03}.txt" for n in range(ARTICLES)))


def test_maintenance_reduces_segments_and_leaves_the_lock_free_while_merging(tmp_path, small_policy):
    root = tmp_path / "corpus"
    engine = _many_segments(root)
    before = _state(engine)
    merges, lock_free = [], []

    def during_merge(done: int, total: int) -> None:  # the merge is being written: writers go on
        if done and not lock_free:
            lock = IndexLock(engine.index_dir)
            try:
                lock.acquire(wait=False)
            except IndexBusy:
                lock_free.append(False)
                return
            lock.release()
            lock_free.append(True)
            update_sidecar(root / "a001.txt", add_tags=["meanwhile"])  # a1's old copy is in a merging segment
            Engine(root).reindex(["a001.txt"])

    report = engine.maintain(progress=during_merge, on_merge=lambda chosen: merges.append(chosen))
    assert lock_free == [True]
    assert report.segments_before == 13 and report.segments_after < 13 and report.merges
    assert all(sum(s.live_bytes for s in chosen) <= SMALL["MAX_MERGED_BYTES"] and len(chosen) <= 3
               for chosen in merges)
    assert plan(engine.segments()) == []  # within the policy now
    count, ids, found = _state(engine)
    assert (count, ids) == before[:2]
    assert [h.id for h in engine.search("tag:meanwhile").hits] == ["a001.txt"]  # the deletion carried over
    assert {q: [i for i, _ in v] for q, v in found.items()} == {q: [i for i, _ in v] for q, v in before[2].items()}
    assert report.locked_seconds < report.seconds


def test_optimize_merges_everything_into_one(tmp_path):
    root = tmp_path / "corpus"
    engine = _many_segments(root)
    before = _state(engine)
    result = _cli(root, "index", "--optimize", "--no-vectors")  # the same searches: words only
    assert result.returncode == 0, result.stderr
    assert "merging 13 segments (40 articles" in result.stderr and "about" in result.stderr
    assert len(engine.segments()) == 1 and engine.segments()[0].deleted == 0
    assert _state(engine) == before


def test_a_merge_leaves_out_segments_whose_every_document_was_replaced(tmp_path):
    """Tagging one article twice leaves a segment whose one document is deleted: it gives the merge no
    posting, and every search finds what it found before."""
    root = tmp_path / "corpus"
    engine = _many_segments(root)
    for tag in ("again", "and again"):
        update_sidecar(root / "a005.txt", add_tags=[tag])
        engine.reindex(["a005.txt"])
    assert any(segment.deleted and not segment.docs - segment.deleted for segment in engine.segments())
    before = _state(engine)
    engine.maintain(optimize=True)
    assert len(engine.segments()) == 1 and engine.segments()[0].deleted == 0
    assert _state(engine) == before
    assert [hit.id for hit in engine.search('tag:"and again"').hits] == ["a005.txt"]


KILLER = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from reader.core.indexing import segment_merge, segment_policy
    from reader.core.engine import Engine
    for name, value in {small!r}.items():
        setattr(segment_policy, name, value)
    point, calls = sys.argv[2], [0]

    def die(*args):
        os.kill(os.getpid(), signal.SIGKILL)

    def progress(done, total):
        calls[0] += 1
        if point == f"progress-{{calls[0]}}":
            die()

    if point == "moving":  # the first of the new segment's files moved in, the table not yet written
        replace = os.replace
        segment_merge.os.replace = lambda *a: (replace(*a), die())
    if point == "cleaning":  # the new table written, the merged segments' files not yet deleted
        segment_merge.clean_files = die
    Engine(Path(sys.argv[1])).maintain(progress=progress)
    print("finished")
""")


@pytest.mark.parametrize("point", ["progress-1", "progress-3", "progress-6", "moving", "cleaning"])
def test_maintenance_killed_at_any_point_leaves_the_index_whole(tmp_path, small_policy, point):
    root = tmp_path / "corpus"
    engine = _many_segments(root)
    before = _state(engine)
    killed = subprocess.run([sys.executable, "-c", KILLER.format(small=SMALL), str(root), point],
                            capture_output=True, text=True)
    assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr
    assert _state(engine) == before  # the old layout or the new one: the same articles either way
    update_sidecar(root / "a002.txt", add_tags=["after"])  # writers go on
    engine.reindex(["a002.txt"])
    report = engine.maintain()
    assert report.merges and plan(engine.segments()) == []
    assert not (engine.index_dir / segment_merge.MERGE_FOLDER).exists()
    assert _state(engine)[:2] == before[:2]
    assert [h.id for h in engine.search("tag:after").hits] == ["a002.txt"]
    on_disk = {p.name.partition(".")[0] for p in engine.index_dir.glob("MAIN_*.*")}
    engine.update()  # a commit removes files no table names (a killed swap's leftovers)
    assert {p.name.partition(".")[0] for p in engine.index_dir.glob("MAIN_*.*")} <= on_disk
    assert os.path.exists(engine.index_dir / "reader.lock")


def test_cancelled_maintenance_changes_nothing(tmp_path, small_policy):
    import threading

    root = tmp_path / "corpus"
    engine = _many_segments(root)
    before, layout = _state(engine), [s.id for s in engine.segments()]
    cancel = threading.Event()
    report = engine.maintain(cancel=cancel, progress=lambda done, total: done and cancel.set())
    assert report.cancelled and not report.merges
    assert [s.id for s in engine.segments()] == layout and _state(engine) == before
    assert not (engine.index_dir / segment_merge.MERGE_FOLDER).exists()


def test_a_rebuild_during_a_merge_wins(tmp_path, small_policy):
    root = tmp_path / "corpus"
    engine = _many_segments(root)
    before = _state(engine)
    rebuilt = []

    def rebuild_once(done: int, total: int) -> None:
        if done and not rebuilt:
            rebuilt.append(Engine(root).update(rebuild=True).rebuilt)

    report = engine.maintain(progress=rebuild_once)
    assert rebuilt == ["rebuild requested"] and not report.cancelled
    assert len(engine.segments()) == 1  # the rebuild's one segment; the merge of the old ones was given up
    assert _state(engine) == before


def test_maintenance_on_a_budget_leaves_long_merges_unless_segments_pile_up(tmp_path, small_policy, monkeypatch):
    engine = _many_segments(tmp_path / "corpus")
    monkeypatch.setattr(segment_policy, "FOREGROUND_SECONDS", 0.0)  # every merge is too long to wait for
    report = engine.maintain(budget=0.0)
    assert report.merges == [] and report.segments_after == 13
    assert report.left is not None and report.left.segments >= 2 and report.left.seconds > 0
    monkeypatch.setattr(segment_policy, "MOST_SEGMENTS", 11)  # twelve that can merge: too many to leave
    report = engine.maintain(budget=0.0)
    assert report.merges and report.segments_after <= 12  # then the rest is left again
    report = engine.maintain(budget=1000.0)  # a long update (a build) may wait as long for its merges
    assert report.left is None and plan(engine.segments()) == []


def test_segments_too_large_to_merge_do_not_force_merges_on_a_budget(tmp_path, small_policy, monkeypatch):
    """A million articles leave 70 segments past half the cap, which no merge takes: they do not make a
    command wait for merges of the others."""
    engine = _many_segments(tmp_path / "corpus")
    monkeypatch.setattr(segment_policy, "FOREGROUND_SECONDS", 0.0)
    infos = engine.segments()
    assert len(infos) == 13 and sum(map(segment_policy.can_merge, infos)) == 12  # the build's is too large
    monkeypatch.setattr(segment_policy, "MOST_SEGMENTS", 12)
    report = engine.maintain(budget=0.0)
    assert report.merges == [] and report.left is not None and report.segments_after == 13


def test_layout_ignores_files_that_vanish_while_it_reads(tmp_path, monkeypatch):
    """Other files share the index folder (the name store's SQLite journal comes and goes); a listed
    file gone before its size is read must not break the app's idle maintenance."""
    write_word_articles(tmp_path, 5, WORDS, FRENCH, lambda n: 40)
    engine = Engine(tmp_path)
    engine.update()
    from whoosh.filedb.filestore import FileStorage

    listed = FileStorage.list
    segment = engine.segments()[0]
    monkeypatch.setattr(FileStorage, "list", lambda self: [*listed(self), "name-skeletons.sqlite-journal",
                                                           f"{segment.id}_gone.seg"])
    again = engine.segments()
    assert [(s.id, s.docs, s.live_bytes) for s in again] == [(segment.id, segment.docs, segment.live_bytes)]
