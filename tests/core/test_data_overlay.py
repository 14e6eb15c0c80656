"""Tests of reader.core.userdata.data_overlay: the data folder that holds a corpus's tags, notes, gazetteer and
saved searches, with the same layout, merging, locking and change detection as beside the articles."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
import yaml

from reader.core import engine as engine_module
from reader.core.engine import Engine
from reader.core.translation.lexicon import edit_lexicon, lexicon_source
from reader.core.userdata import data_overlay
from reader.core.userdata.data_overlay import choose_data_folder, register
from reader.core.userdata.files import corpus_digest
from reader.core.userdata.saved import load_saved, save_search, saved_searches_path
from reader.core.userdata.sidecars import (
    read_sidecar,
    sidecar_path,
    update_sidecar,
)
from tests.conftest import write
from tests.core.test_sidecars import ARTICLES, _writer, run_concurrent_writers


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    write(root, "a.txt", "Zebra crossing\n\nZebras cross the road.\n")
    write(root, "sub/deep/b.txt", "Lion pride\n\nLions rest in the shade.\n")
    return root


@pytest.fixture
def data(corpus: Path, tmp_path: Path):
    """A data folder registered for the corpus (taken back after the test)."""
    folder = tmp_path / "data"
    register(corpus, folder)
    yield folder
    register(corpus, None)


def test_sidecars_of_a_corpus_with_a_data_folder_are_laid_out_by_article_id(corpus, data):
    assert sidecar_path(corpus / "sub/deep/b.txt") == data / "sub/deep/b.txt.yaml"
    update_sidecar(corpus / "sub/deep/b.txt", add_tags=["big-cat"], notes="seen")
    assert yaml.safe_load((data / "sub/deep/b.txt.yaml").read_text()) == {"tags": ["big-cat"], "notes": "seen"}
    assert not list(data.rglob("*.lock")) and not list(corpus.rglob("*.lock"))  # locks are gone once released
    assert not (corpus / "sub/deep/b.txt.yaml").exists()
    register(corpus, None)
    assert sidecar_path(corpus / "sub/deep/b.txt") == corpus / "sub/deep/b.txt.yaml"


def test_a_path_through_another_spelling_of_the_root_finds_the_data_folder(corpus, data, tmp_path):
    link = tmp_path / "link"
    link.symlink_to(corpus)
    assert sidecar_path(Path(os.path.realpath(link)) / "a.txt") == data / "a.txt.yaml"
    assert sidecar_path(corpus / "sub" / ".." / "a.txt") == data / "a.txt.yaml"


def test_a_sidecar_not_written_yet_starts_from_the_one_beside_the_article(corpus, data):
    write(corpus, "a.txt.yaml", "# from the archive\ntags: [archived]  # kept\ntitle: Given\n")
    assert read_sidecar(corpus / "a.txt") == {"tags": ["archived"], "title": "Given"}
    assert update_sidecar(corpus / "a.txt", add_tags=["mine"]) == {"tags": ["archived", "mine"], "title": "Given"}
    text = (data / "a.txt.yaml").read_text()
    assert text.startswith("# from the archive\n") and "# kept" in text
    assert read_sidecar(corpus / "a.txt") == {"tags": ["archived", "mine"], "title": "Given"}
    update_sidecar(corpus / "a.txt", remove_tags=["archived", "mine"])
    assert read_sidecar(corpus / "a.txt") == {"tags": [], "title": "Given"}  # removing does not bring it back
    assert "archived" in (corpus / "a.txt.yaml").read_text()


def test_writers_seeding_from_the_archive_at_once_lose_nothing(corpus, data):
    write(corpus, "a.txt.yaml", "tags: [archived]\n")
    threads = [threading.Thread(target=update_sidecar, args=(corpus / "a.txt",), kwargs={"add_tags": [f"t{n}"]})
               for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert read_sidecar(corpus / "a.txt")["tags"][0] == "archived"
    assert set(read_sidecar(corpus / "a.txt")["tags"]) == {"archived", *(f"t{n}" for n in range(8))}


def _team_writer(number: int, corpus: str, data: str, results) -> None:
    """One analyst of a team: their own process, pointed at the shared data folder."""
    register(Path(corpus), Path(data))
    _writer(number, corpus, results)


def test_a_shared_data_folder_never_loses_a_tag_with_concurrent_writers(tmp_path: Path) -> None:
    """4 writers × 250 operations on 5 articles of a corpus through one shared data folder."""
    corpus, shared = tmp_path / "corpus", tmp_path / "shared"
    for index in range(ARTICLES):
        write(corpus, f"article{index}.txt", f"Article {index}\n\nText.\n")
    register(corpus, shared)  # the watcher and the final check read through it too
    try:
        run_concurrent_writers(corpus, _team_writer, str(shared))
        assert sorted(p.name for p in corpus.iterdir()) == [f"article{i}.txt" for i in range(ARTICLES)]
        assert len(list(shared.glob("article*.txt.yaml"))) == ARTICLES
    finally:
        register(corpus, None)


def test_the_default_data_folder_is_per_user_and_keyed_by_the_corpus(corpus, monkeypatch, tmp_path):
    assert choose_data_folder(corpus) is None  # writable: beside the articles
    assert choose_data_folder(corpus, tmp_path / "x") == tmp_path / "x"
    monkeypatch.setenv(data_overlay.DATA_ENV, str(tmp_path / "env"))
    assert choose_data_folder(corpus) == tmp_path / "env"
    assert choose_data_folder(corpus, tmp_path / "x") == tmp_path / "x"  # --data wins
    monkeypatch.delenv(data_overlay.DATA_ENV)
    monkeypatch.setattr(data_overlay.os, "access", lambda path, mode: False)  # a read-only corpus
    default = Path(os.environ["XDG_DATA_HOME"]) / "reader" / "overlays" / corpus_digest(corpus)
    assert choose_data_folder(corpus) == default
    monkeypatch.undo()
    monkeypatch.setenv("XDG_DATA_HOME", str(default.parents[2]))
    default.mkdir(parents=True)
    assert choose_data_folder(corpus) == default  # once it holds files, it stays in use (nothing hidden)


def test_the_index_sees_tags_written_to_the_data_folder_by_another_process(corpus, tmp_path):
    engine = Engine(corpus, tmp_path / "index", data=tmp_path / "data")
    try:
        engine.update()
        assert not engine.is_stale()
        assert engine.messages and str(tmp_path / "data") in engine.messages[0]  # said the first time
        update_sidecar(corpus / "sub/deep/b.txt", add_tags=["from-a-colleague"])  # not through the engine
        assert engine.is_stale()
        report = engine.update()
        assert report.changed == 1
        assert [h.id for h in engine.search("tag:from-a-colleague").hits] == ["sub/deep/b.txt"]
        update_sidecar(corpus / "a.txt", add_tags=["mine"])
        engine.reindex(["a.txt"])  # our own write: seen at once, and not stale afterwards
        assert [h.id for h in engine.search("tag:mine").hits] == ["a.txt"]
        assert not engine.is_stale()
        assert not list(corpus.rglob("*.yaml"))
    finally:
        engine.close()
        register(corpus, None)


def test_switching_the_data_folder_makes_the_index_stale(corpus, tmp_path):
    engine = Engine(corpus, tmp_path / "index")
    engine.update()
    engine.close()
    other = Engine(corpus, tmp_path / "index", data=tmp_path / "data")
    try:
        assert other.is_stale()
    finally:
        other.close()
        register(corpus, None)


def test_parallel_loaders_read_the_data_folder(corpus, tmp_path, monkeypatch):
    monkeypatch.setattr(engine_module, "PARALLEL_THRESHOLD", 1)  # loader processes even for two files
    engine = Engine(corpus, tmp_path / "index", data=tmp_path / "data")
    try:
        update_sidecar(corpus / "a.txt", add_tags=["overlaid"])
        engine.update()
        assert [h.id for h in engine.search("tag:overlaid").hits] == ["a.txt"]
    finally:
        engine.close()
        register(corpus, None)


def test_the_gazetteer_of_a_data_folder_starts_from_the_corpus_one(corpus, tmp_path):
    write(corpus, "entities.yaml", "# the team's gazetteer\nentities:\n  - id: zebra_org\n    type: organisation\n"
                                   "    names: [Zebra Org]\n")
    engine = Engine(corpus, tmp_path / "index", data=tmp_path / "data")
    try:
        assert engine.gazetteer().resolve("Zebra Org") == "zebra_org"
        engine.add_gazetteer_name("Lion Pride", "organisation")
        written = (tmp_path / "data" / "entities.yaml").read_text()
        assert written.startswith("# the team's gazetteer") and "Lion Pride" in written
        assert "Lion" not in (corpus / "entities.yaml").read_text()
        gazetteer = engine.gazetteer()
        assert gazetteer.resolve("Zebra Org") == "zebra_org" and gazetteer.resolve("Lion Pride")
        assert engine.is_stale()  # the gazetteer changed: entities are read again
    finally:
        engine.close()
        register(corpus, None)


def test_saved_searches_of_a_corpus_with_a_data_folder(corpus, data):
    register(corpus, None)
    save_search("team", "lion", saved_searches_path(corpus))  # the corpus's own file, shared through git
    register(corpus, data)
    path = saved_searches_path(corpus)
    assert path == data / "saved-searches.yaml"
    assert load_saved(path) == {"team": "lion"}  # starts from the corpus's own file
    save_search("mine", "zebra", path)
    assert load_saved(path) == {"team": "lion", "mine": "zebra"}
    assert "zebra" not in (corpus / "saved-searches.yaml").read_text()  # the corpus is left as it was


def test_the_lexicon_of_a_corpus_with_a_data_folder(corpus, data):
    own = corpus / "lexicon.yaml"
    own.write_text("# the team's lexicon\nzebra:\n  fr: [zèbre]\n", encoding="utf-8")
    engine = Engine(corpus, data=data)
    try:
        path = engine.analyst_file("lexicon.yaml")
        assert path == data / "lexicon.yaml"
        assert lexicon_source(corpus, engine.index_dir, []).analyst.matching("zebra", "fr")  # read from the corpus
        edit_lexicon(path, "lion", "fr", "lion", base=own)
        written = path.read_text(encoding="utf-8")
        assert written.startswith("# the team's lexicon") and "zèbre" in written and "lion" in written
        assert "lion" not in own.read_text(encoding="utf-8")  # the corpus is left as it was
        assert list(lexicon_source(corpus, engine.index_dir, []).analyst.matching("lion", "fr"))
    finally:
        engine.close()
