"""The index's manifest: rows written by difference, an older JSON manifest taken in, damage survived."""

from __future__ import annotations

import json
import sqlite3

from reader.core.engine import Engine
from reader.core.indexing import manifest as manifest_store
from reader.core.indexing.manifest import Manifest
from tests.conftest import write


def _rows(index_dir, table):
    with sqlite3.connect(index_dir / manifest_store.FILE) as db:
        return dict((row[0], row[1:]) for row in db.execute(f"SELECT * FROM {table}"))


def test_a_save_writes_the_differences_and_a_record_only_its_rows(tmp_path):
    first = Manifest({"a.txt": (1, 2, 0), "b.txt": (3, 4, 5), "dump.jsonl": (6, 7, 0)},
                     {"dump.jsonl": {"k1": "d1"}}, {"a.txt": "fa", "b.txt": "fb"})
    manifest_store.save(tmp_path, first, None)
    assert manifest_store.load(tmp_path) == first
    second = Manifest({"a.txt": (1, 2, 9), "dump.jsonl": (6, 8, 0), "c.txt": (1, 1, 1)},
                      {"dump.jsonl": {"k1": "d1", "k2": "d2"}}, {"a.txt": "fa", "c.txt": "fc"})
    manifest_store.save(tmp_path, second, manifest_store.load(tmp_path))
    assert manifest_store.load(tmp_path) == second
    manifest_store.record(tmp_path, {"c.txt": (2, 2, 2)}, {}, {"c.txt": "fc2"})
    assert _rows(tmp_path, "files") == {"a.txt": (1, 2, 9), "dump.jsonl": (6, 8, 0), "c.txt": (2, 2, 2)}
    assert _rows(tmp_path, "prints") == {"a.txt": ("fa",), "c.txt": ("fc2",)}
    assert manifest_store.members_of(tmp_path, "dump.jsonl") == {"k1": "d1", "k2": "d2"}
    assert manifest_store.members_of(tmp_path, "a.txt") == {}


def test_a_damaged_manifest_is_empty_and_an_older_json_one_is_taken_in(tmp_path):
    (tmp_path / manifest_store.FILE).write_bytes(b"this is not a database" * 100)
    assert manifest_store.load(tmp_path) == Manifest()
    legacy = tmp_path / manifest_store.LEGACY_FILE
    legacy.write_text(json.dumps({"files": {"a.txt": [1, 2, 0]}, "fingerprints": {"a.txt": "fa"}}),
                      encoding="utf-8")
    assert manifest_store.load(tmp_path) == Manifest({"a.txt": (1, 2, 0)}, {}, {"a.txt": "fa"})
    assert not legacy.exists() and manifest_store.load(tmp_path).prints == {"a.txt": "fa"}


def test_an_update_after_damage_reads_every_file_again_without_duplicates(tmp_path):
    corpus = tmp_path / "corpus"
    for n in range(3):
        write(corpus, f"{n}.txt", f"Title {n}\n\nThe harbour of Gdansk, report {n}.\n")
    engine = Engine(corpus)
    engine.update()
    engine.close()
    (engine.index_dir / manifest_store.FILE).write_bytes(b"garbage" * 1000)
    report = engine.update()
    assert (report.added + report.changed, report.removed) == (3, 0)
    assert engine.doc_count() == 3 and len(engine.search("Gdansk").hits) == 3
    assert set(manifest_store.load(engine.index_dir).files) == {"0.txt", "1.txt", "2.txt"}
