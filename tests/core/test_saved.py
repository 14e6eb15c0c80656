"""Saved searches live in the corpus folder; the one file earlier versions kept is never lost."""

from __future__ import annotations

import pytest

from reader.core.userdata.files import data_folder
from reader.core.userdata.saved import (
    SavedSearchError,
    delete_search,
    load_saved,
    rename_search,
    resolve_saved,
    save_search,
    saved_searches_path,
)


def test_a_corpus_without_a_file_reads_the_old_shared_file_and_its_first_change_keeps_it(tmp_path):
    legacy = data_folder() / "saved-searches.yaml"
    legacy.parent.mkdir(parents=True, exist_ok=True)
    legacy.write_text("old: drones lang:fr\n", encoding="utf-8")
    path = saved_searches_path(tmp_path)
    assert resolve_saved("@old", path) == ("old", "drones lang:fr")
    save_search("new", "China", path)
    assert load_saved(path) == {"old": "drones lang:fr", "new": "China"}
    assert legacy.read_text(encoding="utf-8") == "old: drones lang:fr\n"  # never rewritten


def test_rename_and_delete_refuse_unknown_and_taken_names(tmp_path):
    path = saved_searches_path(tmp_path)
    save_search("a", "x", path)
    save_search("b", "y", path)
    with pytest.raises(SavedSearchError, match="already"):
        rename_search("a", "b", path)
    with pytest.raises(SavedSearchError, match="no saved search named 'zz'"):
        delete_search("zz", path)
    with pytest.raises(SavedSearchError, match="no spaces"):
        rename_search("a", "a b", path)
    rename_search("@a", "c", path)
    delete_search("b", path)
    assert load_saved(path) == {"c": "x"}
