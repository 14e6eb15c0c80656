"""A full update compares folder digests and reads only the folders where anything changed."""

from __future__ import annotations

import os

import pytest

from reader.core import engine as engine_module
from reader.core.corpus import folder_digests
from reader.core.corpus.folder_digests import digest_folders
from reader.core.engine import Engine
from tests.conftest import write

FOLDERS = ("a", "b", "c/d", *(f"f{n}" for n in range(8)))  # few changed folders beside them: read alone


def _corpus(root):
    for folder in FOLDERS:
        for n in range(3):
            write(root, f"{folder}/{n}.txt", f"Title {folder} {n}\n\nThe police said {n} things in {folder}.\n")
    return root


def _edit_in_place(path, text):
    """Rewrite a file in place (its folder's listing and mtime stay as they were)."""
    folder_mtime = os.stat(path.parent).st_mtime_ns
    with open(path, "r+", encoding="utf-8") as handle:
        handle.write(text)
        handle.truncate()
    stat = os.stat(path)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert os.stat(path.parent).st_mtime_ns == folder_mtime


def test_a_digest_changes_with_anything_in_its_folder_and_nothing_else(tmp_path):
    root = _corpus(tmp_path / "corpus")
    write(root, ".hidden/x.txt", "hidden")
    before = digest_folders(root)
    assert set(before) == {".", "c", *FOLDERS}
    _edit_in_place(root / "a" / "0.txt", "Edited")
    write(root, "b/1.txt.yaml", "tags: [x]\n")
    (root / "c" / "d" / "2.txt").rename(root / "c" / "d" / "3.txt")
    after = digest_folders(root)
    assert {rel for rel in before if before[rel] != after[rel]} == {"a", "b", "c/d"}
    assert digest_folders(root) == after


def test_links_are_followed_once_and_never_out_of_the_corpus(tmp_path):
    root = _corpus(tmp_path / "corpus")
    outside = tmp_path / "outside"
    write(outside, "x.txt", "far away")
    os.symlink(outside, root / "out")
    os.symlink(root / "a", root / "again")  # the same folder twice
    os.symlink(root, root / "c" / "loop")
    digests = digest_folders(root)
    assert "out" not in digests and not any(rel.startswith("c/loop") for rel in digests)
    assert ("a" in digests) != ("again" in digests)


def test_a_full_update_reads_only_the_folders_that_changed(tmp_path, monkeypatch):
    root = _corpus(tmp_path / "corpus")
    engine = Engine(root, tmp_path / "index")
    assert engine.update().added == 3 * len(FOLDERS)
    assert folder_digests.load(tmp_path / "index")
    _edit_in_place(root / "b" / "2.txt", "Title b 2 edited\n\nThe court said")
    loaded = []
    original = engine_module.manifest_store.load_within
    monkeypatch.setattr(engine_module.manifest_store, "load",
                        lambda *args: pytest.fail("the whole manifest was read"))
    monkeypatch.setattr(engine_module.manifest_store, "load_within",
                        lambda index_dir, direct, whole: loaded.append(tuple(direct)) or original(index_dir, direct, whole))
    report = engine.update()
    assert (report.changed, report.added, report.removed) == (1, 0, 0)
    assert loaded == [("b",)]
    assert [hit.id for hit in engine.search("court", snippets=False).hits] == ["b/2.txt"]
    loaded.clear()
    (root / "c" / "d" / "0.txt").unlink()
    write(root, "e/new.txt", "Title new\n\nA new folder with the court.\n")
    report = engine.update()
    assert (report.changed, report.added, report.removed) == (0, 1, 1)
    assert sorted(loaded[0]) == [".", "c/d", "e"]
    assert report.total == 3 * len(FOLDERS)
    engine.close()


def test_an_index_without_digests_is_walked_whole_once(tmp_path):
    root = _corpus(tmp_path / "corpus")
    engine = Engine(root, tmp_path / "index")
    engine.update()
    (tmp_path / "index" / folder_digests.FILE).unlink()
    _edit_in_place(root / "a" / "1.txt", "Title a 1 edited\n\nThe court said")
    assert engine.update().changed == 1
    assert folder_digests.load(tmp_path / "index") == digest_folders(root)
    engine.close()


def test_two_processes_give_the_digests_of_one(tmp_path):
    root = tmp_path / "corpus"
    for top in range(5):
        for sub in range(5):
            write(root, f"t{top}/s{sub}/a.txt", f"{top} {sub}")
            write(root, f"t{top}/s{sub}/deeper/b.txt", f"{top} {sub} deeper")
    os.symlink(root, root / "t0" / "loop")  # back to the corpus: cut in both processes
    one = digest_folders(root)
    assert len(one) == 1 + 5 + 25 + 25
    assert digest_folders(root, parallel=True) == one


def test_a_sidecar_edited_in_place_in_the_data_folder_is_found(tmp_path):
    from reader.core.userdata.data_overlay import register
    from reader.core.userdata.sidecars import update_sidecar

    root = _corpus(tmp_path / "corpus")
    data = tmp_path / "data"
    engine = Engine(root, tmp_path / "index", data)
    try:
        update_sidecar(root / "f3" / "1.txt", add_tags=["first"])
        sidecar = data / "f3" / "1.txt.yaml"
        engine.update()
        assert [hit.id for hit in engine.search("tag:first", snippets=False).hits] == ["f3/1.txt"]
        _edit_in_place(sidecar, "tags: [other]\n")
        assert engine.update().changed == 1
        assert [hit.id for hit in engine.search("tag:other", snippets=False).hits] == ["f3/1.txt"]
    finally:
        engine.close()
        register(root, None)
