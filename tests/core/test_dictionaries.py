"""Tier 4: an installed FreeDict dictionary (Debian package dict-freedict-fra-eng) read and searched."""

from __future__ import annotations

import pytest

from reader.core.translation.dictionaries import Dictionaries, installed

FRA_ENG = [found for found in installed() if found[1:] == ("fr", "en")]


@pytest.mark.skipif(not FRA_ENG, reason="dict-freedict-fra-eng is not installed (apt-get install dict-freedict-fra-eng)")
def test_a_freedict_dictionary_translates_both_ways(tmp_path):
    dictionaries = Dictionaries(tmp_path / "d.sqlite")
    dictionaries.compile(FRA_ENG)
    forward = {(t.lang, t.shown, t.source) for t in dictionaries.translate("voitures", ["en"])}
    assert ("en", "car", "dictionary") in forward
    backward = {t.shown for t in dictionaries.translate("car", ["fr"])}
    assert "voiture" in backward
    assert not list(dictionaries.translate("voiture", ["de"]))  # only into the languages asked
    dictionaries.compile(FRA_ENG)  # unchanged: not read again, not doubled
    assert len([t for t in dictionaries.translate("voiture", ["en"]) if t.shown == "car"]) == 1
