"""World knowledge for typing names: countries (with one id each), regions, cities, given and family names,
language and nationality words and company legal forms, read once from `reader/data/world_names.tsv`
(generated from data packages by `scripts/build_world_names.py`), and organisations news names by a bare
word (`reader/data/organisations.txt`, written by hand)."""

from __future__ import annotations

import marshal
import zlib
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from anyascii import anyascii

from reader.core.text import fold

TABLE = Path(__file__).resolve().parents[2] / "data" / "world_names.tsv"
ORGANISATIONS = TABLE.with_name("organisations.txt")
COUNTRY, REGION, BIG_CITY, TOWN, GIVEN, FAMILY, LANGUAGE, LEGAL_FORM, ORGANISATION = "KRBTGFLON"
PLACE_FLAGS = frozenset(COUNTRY + REGION + BIG_CITY + TOWN)
_CYRILLIC_ENDINGS = "аяоеёэыиуюйь"


class Known(NamedTuple):
    """What the world table says about a name: its flags (see the constants) and a country's id."""

    flags: str
    key: str

    def has(self, flags: str) -> bool:
        return any(flag in self.flags for flag in flags)

    @property
    def place(self) -> bool:
        return self.has(COUNTRY + REGION + BIG_CITY + TOWN)

    @property
    def person(self) -> bool:
        return self.has(GIVEN + FAMILY)


def _cyrillic(word: str) -> bool:
    return "\u0400" <= word[:1] <= "\u04ff"


Tables = tuple[dict[str, tuple[str, str]], dict[str, tuple[str, str]]]
Lookup = "dict[str, tuple[str, str]] | _Shards"  # what is known of a form: (flags, key)


@lru_cache(maxsize=1)
def _tables() -> Tables:
    """(folded form -> (flags, key), Cyrillic stem -> (flags, key)). Reading the shipped tables takes
    0.3 s; a marshalled copy is kept in the user's cache (0.08 s), which matters to small index updates
    and to every process that types a few names."""
    from reader.core.userdata.files import cached

    return cached("world-names", ".marshal", [TABLE, ORGANISATIONS], _read_tables, marshal.dumps, _tables_or_none)


def _tables_or_none(data: bytes) -> Tables | None:
    """Tables read back from their marshalled copy; None for a copy of any other shape."""
    tables = marshal.loads(data)
    ok = isinstance(tables, tuple) and len(tables) == 2 and all(isinstance(table, dict) for table in tables)
    return tables if ok else None


def _read_tables() -> Tables:
    """The tables from the shipped files, whose forms are folded and unique (the build script folds them)."""
    forms: dict[str, tuple[str, str]] = {}
    stems: dict[str, tuple[str, str]] = {}
    with TABLE.open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            form, flags, key = line.rstrip("\n").split("\t")
            forms[form] = known = (flags, key)
            if stem := _cyrillic_stem(form):
                stems.setdefault(stem, known)
    with ORGANISATIONS.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip() and not line.startswith("#"):
                form = fold(line.strip())
                flags, key = forms.get(form, ("", ""))
                forms[form] = known = ("".join(sorted(set(flags + ORGANISATION))), key)
                if stem := _cyrillic_stem(form):
                    stems[stem] = known
    return forms, stems


def _cyrillic_stem(form: str) -> str:
    """A one-word Cyrillic form without its final vowel, under which its other cases are looked up; ''
    for any other form."""
    if len(form) < 4 or " " in form or not _cyrillic(form):
        return ""
    return form[:-1] if form[-1] in _CYRILLIC_ENDINGS else form


def lookup(name: str) -> Known | None:
    """What is known of `name` (any case or accents; a Cyrillic word also under a short case ending)."""
    return _found(_tables(), name)


def _found(tables: tuple[Lookup, Lookup], name: str) -> Known | None:
    forms, stems = tables
    folded = fold(name)
    found = forms.get(folded)
    if found is None and _cyrillic(folded) and " " not in folded:
        for cut in (0, 1, 2):
            if len(folded) - cut >= 3 and (found := stems.get(folded[: len(folded) - cut])):
                break
        else:
            return _transliterated_person(folded, forms)
    return Known._make(found) if found else None


def _transliterated_person(word: str, forms: Lookup) -> Known | None:
    """A Cyrillic given or family name known in Latin letters (Владимира: Vladimir), case endings allowed."""
    for cut in (0, 1, 2):
        if len(word) - cut >= 3 and (found := forms.get(anyascii(word[: len(word) - cut]).lower())):
            if person := "".join(flag for flag in found[0] if flag in GIVEN + FAMILY):
                return Known(person, "")
    return None


def place_key(name: str) -> str | None:
    """The id of the country `name` names (`US`, `America`, `États-Unis` -> `united_states`), else None."""
    found = _keyed_found(name)
    return found.key if found is not None and COUNTRY in found.flags else None


def world_key(name: str) -> str | None:
    """The id of the country or the city of a million people that `name` names in any language
    (`Moskau`, `Москве` -> the id of Moscow), else None: as every search looks query words up."""
    found = _keyed_found(name)
    return found.key if found is not None and found.key else None


def _keyed_found(name: str) -> Known | None:
    """What the forms that have an id say about `name` (see `_found`)."""
    forms, stems, _ = _keyed()
    return _found((forms, stems), name)


KEYED_SHARDS = 64


class _Shards:
    """A table of the user's cache kept as marshalled shards, each read the first time one of its keys
    is looked up: a one-shot search looks a few words up, and reading the whole table took 10 ms."""

    def __init__(self, shards: list[bytes]):
        self._raw, self._read = shards, {}

    def get(self, key: str, default=None):
        place = zlib.crc32(key.encode("utf-8")) % len(self._raw)
        if place not in self._read:
            self._read[place] = marshal.loads(self._raw[place])
        return self._read[place].get(key, default)


@lru_cache(maxsize=1)
def _keyed() -> tuple[_Shards, _Shards, _Shards]:
    """The tables' forms that have an id, countries' and big cities' (a seventh of the forms), their
    Cyrillic stems, and every id's forms: kept in the user's cache as shards (see `_Shards`)."""
    from reader.core.userdata.files import cached

    shards = cached("world-shards", ".marshal", [TABLE, ORGANISATIONS], _read_keyed, marshal.dumps, _shards_or_none)
    return _Shards(shards[0]), _Shards(shards[1]), _Shards(shards[2])


def _read_keyed() -> tuple[list[bytes], ...]:
    forms, stems = ({form: known for form, known in table.items() if known[1]} for table in _tables())
    names: dict[str, tuple[str, ...]] = {}
    for form, (_, key) in forms.items():
        names[key] = (*names.get(key, ()), form)
    return tuple(_sharded(table) for table in (forms, stems, names))


def _sharded(table: dict) -> list[bytes]:
    shards: list[dict] = [{} for _ in range(KEYED_SHARDS)]
    for key, value in table.items():
        shards[zlib.crc32(key.encode("utf-8")) % KEYED_SHARDS][key] = value
    return [marshal.dumps(shard) for shard in shards]


def _shards_or_none(data: bytes) -> tuple[list[bytes], ...] | None:
    """Shards read back from their marshalled copy; None for a copy of any other shape."""
    shards = marshal.loads(data)
    ok = isinstance(shards, tuple) and len(shards) == 3 and all(
        isinstance(table, list) and table and all(isinstance(shard, bytes) for shard in table) for table in shards)
    return shards if ok else None


def place_names(key: str) -> tuple[str, ...]:
    """Every name (folded) the table knows for the country or city with id `key`, in every language."""
    return _keyed()[2].get(key, ())
