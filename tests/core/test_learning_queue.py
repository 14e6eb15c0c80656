"""Learning translations waits for `reader index`, the idle app or a small update; updates only note it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.core import engine as engine_module
from reader.core.engine import Engine
from reader.core.translation import learning_queue
from reader.core.translation.lexicon import LearnedLexicon
from tests.conftest import write

PAIRS = Path(__file__).parents[1] / "fixtures" / "related_pairs.jsonl"


def write_translated_pairs(root: Path, fillers: int = 0) -> int:
    """The fixture's twelve translated newstest articles (French/German and English) as text files, and
    `fillers` short English articles; how many articles that is."""
    rows = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines()]
    for row in rows:
        for side in ("left", "right"):
            article = row[side]
            write(root, f"{row['docid']}.{article['lang']}.txt", f"{article['title']}\n\n{article['text']}\n")
    for n in range(fillers):
        write(root, f"filler/{n:03}.txt", f"Weather note {n}\n\nRain is expected on day {n} in the valley.\n")
    return 2 * len(rows) + fillers


def test_a_snapshot_taken_keeps_what_an_update_noted_again_meanwhile(tmp_path):
    learning_queue.note(tmp_path, ["a", "b"], ["gone"])
    taken = learning_queue.pending(tmp_path)
    assert len(taken) == 3
    learning_queue.note(tmp_path, ["b"], ["a"])  # an update while learning ran: b changed again, a removed
    learning_queue.done(tmp_path, taken)
    left = learning_queue.pending(tmp_path)
    assert set(left.changed) == {"b"} and set(left.removed) == {"a"}


def test_a_damaged_record_reads_as_nothing_pending(tmp_path):
    (tmp_path / learning_queue.PENDING_FILE).write_text("{not json", encoding="utf-8")
    assert len(learning_queue.pending(tmp_path)) == 0
    assert learning_queue.note(tmp_path, ["x"], []) == 1


def test_a_large_update_leaves_learning_to_later_and_learning_takes_it_all(tmp_path, monkeypatch):
    monkeypatch.setattr(engine_module, "LEARN_AT_ONCE", 10)
    corpus = tmp_path / "corpus"
    count = write_translated_pairs(corpus)
    engine = Engine(corpus)
    engine.update()
    assert engine.learning_pending() == count
    assert LearnedLexicon.load(engine.index_dir).pairs == {}
    report = engine.learn_translations()
    assert (report.articles, report.busy, engine.learning_pending()) == (count, False, 0)
    learned = LearnedLexicon.load(engine.index_dir)
    assert len(learned.pairs) >= 10 and {("fr", "en"), ("de", "en")} <= set(learned.tables)
    assert engine.learn_translations().articles == 0  # nothing left


def test_a_small_update_learns_at_once(tmp_path, monkeypatch):
    monkeypatch.setattr(engine_module, "LEARN_AT_ONCE", 10)
    corpus = tmp_path / "corpus"
    write_translated_pairs(corpus)
    engine = Engine(corpus)
    engine.update()
    engine.learn_translations()
    pairs = LearnedLexicon.load(engine.index_dir).pairs
    gone = next(iter(pairs))[0]
    (corpus / gone).unlink()
    engine.update()
    assert engine.learning_pending() == 0
    assert not any(gone in key for key in LearnedLexicon.load(engine.index_dir).pairs)


def test_learning_is_left_to_the_process_already_learning(tmp_path):
    corpus = tmp_path / "corpus"
    write_translated_pairs(corpus)
    engine = Engine(corpus)
    engine.update()
    learning_queue.note(engine.index_dir, ["x.txt"], [])
    from reader.core.userdata.files import file_lock

    with file_lock(engine.index_dir / learning_queue.LEARNING_LOCK):
        assert engine.learn_translations().busy
    assert engine.learning_pending() == 1


@pytest.mark.parametrize("first", [True, False])
def test_a_search_command_builds_and_learns_only_a_first_index(tmp_path, monkeypatch, first):
    monkeypatch.setattr(engine_module, "LEARN_AT_ONCE", 10)
    corpus = tmp_path / "corpus"
    count = write_translated_pairs(corpus)
    engine = Engine(corpus)
    if not first:
        engine.update()
        engine.learn_translations()
        for path in sorted(corpus.glob("*.txt"))[:12]:  # replaced, as editors and git do
            text = path.read_text(encoding="utf-8")
            path.unlink()
            path.write_text(text + "\nUpdated.\n", encoding="utf-8")
    engine.ensure_fresh()
    assert engine.learning_pending() == (0 if first else 12) and count == 24
