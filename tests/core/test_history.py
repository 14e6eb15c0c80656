"""Query history: per-corpus file, appends under a lock, consecutive duplicates, cap, damaged files."""

from __future__ import annotations

import json

import pytest

from reader.core.userdata import history
from reader.core.userdata.files import UserFileError
from reader.core.userdata.history import history_path, load_history, record_query


def test_history_file_is_per_corpus_in_the_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    (tmp_path / "a" / "news").mkdir(parents=True)
    (tmp_path / "b" / "news").mkdir(parents=True)
    (tmp_path / "link").symlink_to(tmp_path / "a" / "news")
    first = history_path(tmp_path / "a" / "news")
    assert first.parent == tmp_path / "data" / "reader" / "history"
    assert first.name.startswith("news-") and first.suffix == ".jsonl"
    assert history_path(tmp_path / "b" / "news") != first
    assert history_path(tmp_path / "link") == first


def test_record_appends_skips_empty_and_consecutive_duplicates(tmp_path):
    path = tmp_path / "h" / "history.jsonl"
    assert load_history(path) == []
    assert record_query(path, "drones")
    assert not record_query(path, "  drones ")
    assert not record_query(path, "   ")
    assert record_query(path, 'lang:fr "matériel militaire"')
    assert record_query(path, "drones")
    assert load_history(path) == ["drones", 'lang:fr "matériel militaire"', "drones"]
    assert path.read_text(encoding="utf-8").splitlines()[1] == json.dumps('lang:fr "matériel militaire"',
                                                                         ensure_ascii=False)


def test_two_writers_keep_both_histories(tmp_path):
    path = tmp_path / "history.jsonl"
    record_query(path, "from alice")
    record_query(path, "from bob")  # another process, same file: appended, not replaced
    assert load_history(path) == ["from alice", "from bob"]


def test_history_is_capped_and_compacted(tmp_path, monkeypatch):
    monkeypatch.setattr(history, "MAX_ENTRIES", 5)
    path = tmp_path / "history.jsonl"
    for number in range(12):
        record_query(path, f"q{number}")
    assert load_history(path) == [f"q{n}" for n in range(7, 12)]
    assert len(path.read_text().splitlines()) <= 10


def test_damaged_lines_are_skipped_and_never_rewritten(tmp_path, monkeypatch):
    monkeypatch.setattr(history, "MAX_ENTRIES", 2)
    path = tmp_path / "history.jsonl"
    path.write_bytes(b'"good"\nnot json\n\xff\xfe garbage\n{"a": 1}\n"torn')
    assert load_history(path) == ["good"]
    for number in range(6):
        record_query(path, f"q{number}")
    text = path.read_bytes()
    assert text.startswith(b'"good"\nnot json\n\xff\xfe garbage\n{"a": 1}\n"torn\n')  # kept as it was
    assert load_history(path) == ["q4", "q5"]


def test_unreadable_history_is_an_error_not_a_crash(tmp_path, monkeypatch):
    monkeypatch.setattr(history, "MAX_HISTORY_BYTES", 10)
    path = tmp_path / "history.jsonl"
    path.write_text('"a very long query indeed"\n')
    with pytest.raises(UserFileError, match="too big"):
        load_history(path)
    with pytest.raises(UserFileError):
        record_query(path, "more")
    assert path.read_text() == '"a very long query indeed"\n'
