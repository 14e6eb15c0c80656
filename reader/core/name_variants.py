"""Names as translations: every name of a gazetteer entity (tier 1), and the same name written in
another script or spelling, found by consonant skeleton in the index's vocabulary (tier 2)."""

from __future__ import annotations

import sqlite3
from difflib import SequenceMatcher
from pathlib import Path
from typing import Callable, Iterable, Iterator

from reader.core.analysis import analysis_lang
from reader.core.expansion import Translation, analysed_terms
from reader.core.features import skeleton, transliterate
from reader.core.gazetteer import Gazetteer

SKELETON_FILE = "name-skeletons.sqlite"
MIN_NAME_CHARS = 4  # shorter capitalised words (US, EU, Xi) are left to the gazetteer
MIN_SKELETON = 2
MIN_SIMILARITY = 0.6  # of the transliterated spellings: `shoigu`/`chogou` 0.67, `obama`/`obam` 0.89
MAX_TERM_CHARS = 30


class GazetteerNames:
    """Tier 1: a query word or phrase that is one of an entity's names stands for all of its names."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer

    def translate(self, word: str, langs: list[str]) -> Iterator[Translation]:
        entity_id = self.gazetteer.resolve(word)
        if entity_id is None:
            return
        for name in self.gazetteer.aliases(entity_id):
            for lang in langs:
                yield Translation(lang, analysed_terms(name, lang), word, "gazetteer", 1.0)


def latin(term: str) -> str:
    """The lower-case Latin letters of a word or term in any script."""
    return "".join(ch for ch in (term if term.isascii() else transliterate(term)).lower() if ch.isalnum())


def skeleton_pairs(terms: Iterable[str]) -> Iterator[tuple[str, str]]:
    """(consonant skeleton of its Latin form, term) for index terms that are words of letters."""
    for term in terms:
        if len(term) > MAX_TERM_CHARS or not term.isalpha():
            continue
        form = latin(term)
        key = skeleton(form) if len(form) >= 3 else ""
        if len(key) >= MIN_SKELETON:
            yield key, term


class ScriptNames:
    """Tier 2: a capitalised query word meets the same name in other scripts and spellings, found among
    the terms of each language with its consonant skeleton and a similar transliteration.

    A language whose index terms include the word as typed is skipped: the name is written the same
    there (`Paris` is not also `près`)."""

    def __init__(self, store: SkeletonStore, has_term: Callable[[str, str], bool]) -> None:
        self.store = store
        self.has_term = has_term  # (analysis language, term) -> whether the index holds it

    def translate(self, word: str, langs: list[str]) -> Iterator[Translation]:
        if " " in word or not word[:1].isupper() or len(word) < MIN_NAME_CHARS:
            return
        form = latin(word)
        key = skeleton(form)
        if len(key) < MIN_SKELETON:
            return
        found = self.store.terms(key)
        for lang in dict.fromkeys(langs):
            code = analysis_lang(lang)
            own = analysed_terms(word, lang)
            if code not in found or (own and self.has_term(code, own[0])):
                continue
            for term in found[code]:
                similarity = SequenceMatcher(None, form, latin(term)).ratio()
                if similarity >= MIN_SIMILARITY:
                    yield Translation(lang, (term,), word, "script", similarity)


class SkeletonStore:
    """Index terms by skeleton, in SQLite in the index folder; refreshed when the index changes."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT)")
        self._db.execute("CREATE TABLE IF NOT EXISTS terms(skeleton TEXT, code TEXT, term TEXT, "
                         "PRIMARY KEY(skeleton, code, term)) WITHOUT ROWID")

    def generation(self) -> int:
        row = self._db.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
        return int(row[0]) if row else -1

    def refresh(self, generation: int, vocabularies: Callable[[], Iterable[tuple[str, Iterable[str]]]]) -> None:
        """Add the terms of `vocabularies()` ((analysis language, terms) pairs) unless already at `generation`.
        Terms of deleted articles stay: a lookup of one finds no article."""
        if self.generation() == generation:
            return
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            if self.generation() == generation:  # another process did it meanwhile
                return
            for code, terms in vocabularies():
                self._db.executemany("INSERT OR IGNORE INTO terms VALUES (?, ?, ?)",
                                     ((key, code, term) for key, term in skeleton_pairs(terms)))
            self._db.execute("INSERT OR REPLACE INTO meta VALUES ('generation', ?)", (str(generation),))

    def terms(self, key: str) -> dict[str, list[str]]:
        """Analysis language -> the terms with skeleton `key`."""
        found: dict[str, list[str]] = {}
        for code, term in self._db.execute("SELECT code, term FROM terms WHERE skeleton=?", (key,)):
            found.setdefault(code, []).append(term)
        return found

    def close(self) -> None:
        self._db.close()
