"""Tier 4: bilingual dictionaries in dictd format (Debian's FreeDict packages, `dict-freedict-eng-rus`
and the like, in /usr/share/dictd), read when installed and never required.

A dictionary is compiled once into SQLite in the user's cache folder (head stem -> translations,
both directions), by `reader index --dictionaries`; searches use the compiled ones only, so a search never
waits for a dictionary to be read.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Iterator

from reader.core.translation.expansion import Translation, analysed_terms

DICTD_FOLDER = "/usr/share/dictd"  # where Debian installs them; `READER_DICTIONARIES` names others
FORWARD_WEIGHT, BACKWARD_WEIGHT = 0.7, 0.5  # a dictionary sense is surer read as written than reversed
MAX_WORDS = 3  # translations of more words (explanations) are left out
PER_HEAD = 8
_B64 = {c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}
_NAME_RE = re.compile(r"freedict-([a-z]{3})-([a-z]{3})\.index$")
_NOISE_RE = re.compile(r"\[[^\]]*\]|<[^>]*>|\([^)]*\)|\{[^}]*\}|/[^/]*/")
_SKIP = ("see:", "synonym:", "note:", "antonym:", "example:")
# ISO 639-3 codes of the FreeDict files -> the two-letter codes articles carry
_CODES = {"eng": "en", "fra": "fr", "deu": "de", "rus": "ru", "ces": "cs", "hin": "hi", "spa": "es",
          "ita": "it", "por": "pt", "nld": "nl", "pol": "pl", "swe": "sv", "fin": "fi", "dan": "da",
          "nor": "no", "hun": "hu", "tur": "tr", "ell": "el", "ukr": "uk", "ara": "ar", "jpn": "ja",
          "zho": "zh", "kur": "ku", "lit": "lt", "lat": "la", "gle": "ga", "srp": "sr", "hrv": "hr",
          "slk": "sk", "slv": "sl", "bul": "bg", "ron": "ro", "cat": "ca", "eus": "eu", "fas": "fa"}


def dictd_folders() -> list[Path]:
    """The folders searched for dictionaries: `$READER_DICTIONARIES` (separated by `:`), else Debian's."""
    return [Path(folder) for folder in os.environ.get("READER_DICTIONARIES", DICTD_FOLDER).split(os.pathsep) if folder]


def installed() -> list[tuple[Path, str, str]]:
    """(index file, from language, to language) of each installed FreeDict dictionary we can use."""
    found = []
    for folder in dictd_folders():
        for path in sorted(Path(folder).glob("freedict-*.index")) if Path(folder).is_dir() else ():
            match = _NAME_RE.search(path.name)
            if match and match.group(1) in _CODES and match.group(2) in _CODES \
                    and path.with_name(path.name[:-6] + ".dict.dz").exists():
                found.append((path, _CODES[match.group(1)], _CODES[match.group(2)]))
    return found


def _number(text: str) -> int:
    value = 0
    for char in text:
        value = value * 64 + _B64[char]
    return value


def entries(index: Path) -> Iterator[tuple[str, list[str]]]:
    """(headword, translations) of a dictd dictionary, the translations cleaned of notes and markup."""
    data = gzip.open(index.with_name(index.name[:-6] + ".dict.dz")).read()  # dictzip is gzip
    for line in index.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split("\t")
        if len(parts) != 3 or parts[0].startswith("00database") or not parts[0].strip():
            continue
        try:
            body = data[_number(parts[1]):_number(parts[1]) + _number(parts[2])].decode("utf-8", "replace")
        except KeyError:
            continue
        yield parts[0].strip(), _senses(body)


def _senses(body: str) -> list[str]:
    found: list[str] = []
    for line in body.splitlines()[1:]:  # the first line repeats the headword
        line = _NOISE_RE.sub(" ", line).strip()
        if not line or line.lower().startswith(_SKIP):
            continue
        line = re.sub(r"^\d+\.\s*", "", line)
        for part in re.split(r"[,;]", line):
            part = " ".join(part.split()).strip(" .:")
            if part and len(part.split()) <= MAX_WORDS and part not in found:
                found.append(part)
    return found


# The distinct source languages, one seek of the (source, head) index each: DISTINCT would read every row.
_SOURCES = """WITH RECURSIVE s(source) AS (
    SELECT min(source) FROM words
    UNION ALL SELECT (SELECT min(source) FROM words WHERE source > s.source) FROM s WHERE s.source IS NOT NULL)
SELECT source FROM s WHERE source IS NOT NULL"""


class Dictionaries:
    """The compiled dictionaries in one SQLite file: (from, to, head term) -> translations."""

    translates_words = True

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("CREATE TABLE IF NOT EXISTS files(name TEXT PRIMARY KEY, version TEXT)")
        self._db.execute("CREATE TABLE IF NOT EXISTS words(file TEXT, source TEXT, target TEXT, head TEXT, "
                         "translation TEXT, weight REAL)")
        self._db.execute("CREATE INDEX IF NOT EXISTS words_head ON words(source, head)")
        self._sources: list[str] | None = None

    def compile(self, dictionaries: list[tuple[Path, str, str]]) -> None:
        """Read the dictionaries not compiled yet (or changed since)."""
        read = dict(self._db.execute("SELECT name, version FROM files"))  # path -> version compiled
        for index, source, target in dictionaries:
            name, version = str(index), _version(index)
            if read.get(name) == version:
                continue
            rows = []
            for head, senses in entries(index):
                if len(head.split()) > MAX_WORDS:
                    continue
                head_terms = analysed_terms(head, source)
                for sense in senses[:PER_HEAD]:
                    if len(head_terms) == 1:
                        rows.append((name, source, target, head_terms[0], sense, FORWARD_WEIGHT))
                    sense_terms = analysed_terms(sense, target)
                    if len(sense_terms) == 1:
                        rows.append((name, target, source, sense_terms[0], head, BACKWARD_WEIGHT))
            with self._db:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.execute("DELETE FROM words WHERE file=?", (name,))
                self._db.executemany("INSERT INTO words VALUES (?, ?, ?, ?, ?, ?)", rows)
                self._db.execute("INSERT OR REPLACE INTO files VALUES (?, ?)", (name, version))
            self._sources = None

    def translate(self, word: str, langs: list[str]) -> Iterator[Translation]:
        wanted = set(langs)
        if self._sources is None:
            self._sources = [row[0] for row in self._db.execute(_SOURCES)]
        for source in self._sources:
            terms = analysed_terms(word, source)
            if len(terms) != 1:
                continue
            for target, text, weight in self._db.execute(
                    "SELECT target, translation, max(weight) FROM words WHERE source=? AND head=? "
                    "GROUP BY target, translation", (source, terms[0])):
                if target in wanted:
                    yield Translation(target, analysed_terms(text, target), word, "dictionary", weight, text)


def _version(index: Path) -> str:
    st = os.stat(index)
    return f"{st.st_mtime_ns}:{st.st_size}"


def dictionaries_file() -> Path:
    from reader.core.userdata.files import cache_folder

    key = hashlib.sha1("\n".join(map(str, dictd_folders())).encode()).hexdigest()[:12]
    return cache_folder() / f"dictionaries-{key}.sqlite"


def compiled_dictionaries() -> Dictionaries | None:
    """The compiled dictionaries when any is installed and compiled, else None (searches never wait)."""
    path = dictionaries_file()
    if not (installed() and path.exists()):
        return None
    try:
        return Dictionaries(path)
    except sqlite3.DatabaseError:  # a damaged copy: searches go on without it; `--dictionaries` remakes it
        return None


def not_read() -> list[Path]:
    """The installed dictionaries not compiled yet, or changed since (what `reader index` points out)."""
    found = installed()
    if not found:
        return []
    try:
        with closing(sqlite3.connect(f"file:{dictionaries_file()}?mode=ro", uri=True)) as db:
            read = dict(db.execute("SELECT name, version FROM files"))
    except sqlite3.Error:  # none compiled yet, or a copy that cannot be read
        read = {}
    return [index for index, _, _ in found if read.get(str(index)) != _version(index)]


def compile_installed() -> int:
    """Compile the installed dictionaries that are new or changed (`reader index --dictionaries`); how
    many are installed."""
    found = installed()
    if found:
        path = dictionaries_file()
        try:
            dictionaries = Dictionaries(path)
        except sqlite3.DatabaseError:  # a damaged copy of reader's own: made anew
            path.unlink()
            dictionaries = Dictionaries(path)
        dictionaries.compile(found)
    return len(found)
