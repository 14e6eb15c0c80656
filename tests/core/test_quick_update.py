"""A quick update walks only the folders whose listing changed (as a pull or a saved file leaves them) and
ends where a whole-corpus update would."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

from reader.core.engine import Engine
from reader.core.userdata.batch import FIRST_SEEN_FILE
from tests.conftest import indexed, write

ARTICLE = "{title}\n\n{body} reported by the wire on Monday.\n"
ARCHIVE_FROM, ARCHIVE_FOLDERS = 2000, 16  # with the others, 21 folders: four changed are under a quarter


def _article(title: str, body: str) -> str:
    return ARTICLE.format(title=title, body=body)


def _changed(*folders: Path) -> None:
    """Move the folders' mtimes past the last update's (a pull comes later than the clock's tick)."""
    later = time.time_ns() + 2_000_000_000
    for folder in folders:
        os.utime(folder, ns=(later, later))


def _replace(path: Path, text: str) -> None:
    """Write a file as git does: a new file renamed over the old one."""
    fresh = path.with_name(path.name + ".new")
    fresh.write_text(text, encoding="utf-8")
    os.replace(fresh, path)


@pytest.fixture
def corpus(tmp_path) -> Path:
    root = tmp_path / "corpus"
    write(root, "top.txt", _article("Harbour strike", "Dockers stopped work in the harbour"))
    write(root, "a/one.txt", _article("Copper prices", "Copper prices rose sharply"))
    write(root, "a/notes.xyz", "not an article")
    write(root, "b/two.txt", _article("Flood warning", "Rivers rose after the storm"))
    write(root, "b/c/three.txt", _article("Vaccine trial", "The trial enrolled volunteers"))
    write(root, "b/c/four.txt", _article("Rail tender", "The tender for the railway closed"))
    for year in range(ARCHIVE_FROM, ARCHIVE_FROM + ARCHIVE_FOLDERS):  # folders no test changes but the last
        write(root, f"archive/{year}/item.txt", _article(f"Archive {year}", f"Old item of the year {year}"))
    return root


@pytest.fixture
def engine(corpus, tmp_path):
    """The corpus, indexed by an update that walked all of it."""
    yield from indexed(corpus, tmp_path / "index")


def _edit_in_place(path: Path) -> None:
    """Append to a file as an editor that writes in place does: its folder's listing stays the same."""
    with open(path, "a", encoding="utf-8") as file:
        file.write("Zinc followed.\n")
    later = time.time_ns() + 2_000_000_000
    os.utime(path, ns=(later, later))


def _ids(engine: Engine, query: str) -> set[str]:
    return {hit.id for hit in engine.search(query, limit=None, snippets=False).hits}


def test_a_quick_update_takes_in_what_changed_in_the_changed_folders(corpus, engine, tmp_path):
    assert [skip.name for skip in engine.last_skipped()] == ["a/notes.xyz"]
    _edit_in_place(corpus / "archive/2003/item.txt")  # in a folder that did not change: not looked at
    write(corpus, "a/five.txt", _article("Bakery prices", "Bread prices rose again"))  # added
    _replace(corpus / "b/two.txt", _article("Flood warning lifted", "Rivers fell after the storm"))
    (corpus / "b/c/four.txt").unlink()  # removed
    write(corpus, "d/e/six.txt", _article("Orchard harvest", "Apple growers picked early"))  # new folders
    _changed(corpus / "a", corpus / "b", corpus / "b/c", corpus)
    assert engine.is_stale()

    report = engine.update(quick=True)

    assert (report.added, report.changed, report.removed) == (2, 1, 1)
    assert not engine.is_stale()
    assert _ids(engine, "bread") == {"a/five.txt"}
    assert _ids(engine, "fell") == {"b/two.txt"}
    assert _ids(engine, "railway") == set()
    assert _ids(engine, "apple") == {"d/e/six.txt"}
    assert [skip.name for skip in engine.last_skipped()] == ["a/notes.xyz"]  # kept from the last walk
    seen = json.loads((tmp_path / "index" / FIRST_SEEN_FILE).read_text(encoding="utf-8"))
    assert "a/five.txt" in seen and "d/e/six.txt" in seen and "b/c/four.txt" not in seen

    shutil.rmtree(corpus / "b" / "c")  # a folder gone, with its articles
    _changed(corpus / "b")
    second = engine.update(quick=True)
    assert second.removed == 1
    assert [skip.name for skip in second.skipped] == ["a/notes.xyz"]  # what the app lists stays whole
    assert _ids(engine, "volunteers") == set()

    assert _ids(engine, "zinc") == set()
    again = engine.update()  # the whole corpus walked: only the file edited in place is left to read
    assert (again.added, again.changed, again.removed) == (0, 1, 0)
    assert again.total == 5 + ARCHIVE_FOLDERS + 1  # the skipped file too
    assert sorted(i for i in engine.all_ids() if not i.startswith("archive/")) == [
        "a/five.txt", "a/one.txt", "b/two.txt", "d/e/six.txt", "top.txt"]


def test_a_tag_written_beside_an_article_is_searchable_after_a_quick_update(corpus, engine):
    _replace(corpus / "b/c/three.txt.yaml", "tags: [pulled]\n")  # a teammate's tag, arriving by a pull
    _changed(corpus / "b/c")
    assert engine.update(quick=True).changed == 1
    assert _ids(engine, "tag:pulled") == {"b/c/three.txt"}


def test_a_file_edited_in_place_waits_for_a_whole_walk(corpus, engine):
    """Its folder's listing did not change: only an update that walks the whole corpus reads it again."""
    _edit_in_place(corpus / "a/one.txt")
    assert engine.update(quick=True).changed == 0
    assert engine.update().changed == 1
    assert _ids(engine, "zinc") == {"a/one.txt"}


def test_a_search_after_a_pull_sees_it_without_a_whole_walk(corpus, engine):
    """`ensure_fresh` (every command that reads the index) takes a quick update: the files of folders
    that did not change are not even looked at, so one edited in place there stays as indexed."""
    _edit_in_place(corpus / "a/one.txt")
    write(corpus, "b/seven.txt", _article("Ferry delays", "Ferries ran late in the fog"))
    _changed(corpus / "b")
    report = engine.ensure_fresh()
    assert report is not None and (report.added, report.changed) == (1, 0)
    assert _ids(engine, "fog") == {"b/seven.txt"}
    assert _ids(engine, "zinc") == set()


def test_when_most_folders_changed_the_whole_corpus_is_walked(corpus, engine):
    """Past a quarter of the folders, walking them alone gains nothing: the update walks everything and so
    also finds the file edited in place."""
    _edit_in_place(corpus / "a/one.txt")
    folders = ["b", "b/c", *(f"archive/{year}" for year in range(ARCHIVE_FROM, ARCHIVE_FROM + 4))]
    for folder in folders:  # six of the 21 folders
        write(corpus, f"{folder}/added.txt", _article("Market note", "Traders waited for the figures"))
    _changed(*(corpus / folder for folder in folders))
    report = engine.update(quick=True)
    assert (report.added, report.changed) == (6, 1)
    assert _ids(engine, "zinc") == {"a/one.txt"}
