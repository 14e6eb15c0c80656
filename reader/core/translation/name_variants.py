"""Names as translations: every name of a gazetteer entity, of a country and of a city of a million
(tier 1), and the same name (or a cognate) written in another script or spelling, found by consonant
skeleton in the index's vocabulary (tier 2)."""

from __future__ import annotations

import re
import sqlite3
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path
from typing import Callable, Collection, Iterable, Iterator

from reader.core.entities.gazetteer import Gazetteer
from reader.core.entities.world_names import place_names, world_key
from reader.core.search.analysis import analysis_lang
from reader.core.spelling import STEM_CONSONANTS, skeleton, transliterate
from reader.core.text import is_letters
from reader.core.translation.expansion import Translation, analysed_terms

SKELETON_FILE = "name-skeletons.sqlite"
_LAYOUT = "3"  # the store's layout: terms taken in segment by segment; Indic ones as `latin` reads them, j as y
# each segment of the index: its id, and its vocabularies ((analysis language, terms) pairs) when called
SegmentVocabularies = list[tuple[str, Callable[[], Iterable[tuple[str, Iterable[str]]]]]]
MIN_NAME_CHARS = 4  # shorter words (US, EU, Xi) are left to the gazetteer
MIN_SKELETON = 2
MIN_SIMILARITY = 0.75  # of the transliterated spellings: `obama`/`obam` 0.89, `fancy`/`financ` 0.73
MIN_LENGTH_RATIO = 0.7  # of the shorter spelling to the longer: a name is not a word that starts like it
MIN_PREFIX_CHARS = 5  # a stem this long may match the start of a longer word (`extrem`, `ekstremizm`)
PREFIX_WEIGHT = 0.9  # such a match counts for less than a whole word's
MIN_PREFIX_ALIKE = 0.9  # and the start must be spelt nearly the same (not `eksperi`, `ekspert`)
MAX_TERM_CHARS = 30
PLACE_WEIGHT = 0.9  # a place's name is sure, but some are words too (`Turkey`, `Chad`)
# The table's names carry no language: a short one may be another language's word (Serbian `SAD` is the
# USA, English `sad` is not), so a name's words have four letters or more; one-word names first, longest
# first, two a language (a name in a phrase of many words costs a phrase search in every segment).
PLACE_TERM_LETTERS, PLACE_SPELLINGS = 4, 2
_VOWELS = "aeiouy"
_NO_VOWELS = str.maketrans("", "", _VOWELS)
_SOFT_C_RE = re.compile(r"c(?=[eiy])")
_SOFT_G_RE = re.compile(r"g(?=[eiy])|(?<=[dnr])ge$")
_LONE_H_RE = re.compile(r"(?<![cgkpstz])h")
_SOUNDS = (("dzh", "j"), ("zh", "j"), ("dj", "j"), ("kh", "h"), ("tch", "c"), ("ch", "c"), ("ts", "c"),
           ("ph", "f"), ("ck", "k"), ("x", "ks"), ("w", "v"), ("y", "i"), ("oo", "u"), ("ou", "u"),
           ("ee", "i"), ("ea", "i"))
_KH_RE = re.compile(r"kh")
_U_AS_W_RE = re.compile(r"o?u(?=[aeiy])")
_LONE_S_RE = re.compile(r"(?<![dtz])s(?![hz])")  # not a letter of `ts`, `sh`, `sz`: a sound of its own
_HARD_C_RE = re.compile(r"c(?![hkz])")  # `arctic`, `arktik`; a soft c is an `s` among the spellings
_DOUBLE_RE = re.compile(r"(.)\1+")
_INDIC_RE = re.compile("[\u0900-\u0dff]")  # Devanagari to Malayalam: Hindi, Marathi, Bengali, Tamil…
_INDIC_C_RE = re.compile(r"c(?!h)")
_NASAL_RE = re.compile(r"m(?=[cdfgjklnqrstvxz])")  # an anusvara's `m` before a consonant but a labial
# Those scripts leave out the inherent vowel where a word's sound drops it (एंडरसन is `endrsn`), so a term
# in them is also compared by its consonants alone: all of them alike, a tenth less sure.
MIN_CONSONANT_ALIKE, CONSONANT_WEIGHT, MIN_CONSONANTS = 0.85, 0.9, 4


class GazetteerNames:
    """Tier 1: a query word or phrase that is one of an entity's names stands for all of its names."""

    translates_words = False

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer

    def translate(self, word: str, langs: list[str]) -> Iterator[Translation]:
        entity_id = self.gazetteer.resolve(word)
        if entity_id is None:
            return
        for name in self.gazetteer.aliases(entity_id):
            for lang in langs:
                yield Translation(lang, analysed_terms(name, lang), word, "gazetteer", 1.0, name)


class PlaceNames:
    """Tier 1 for the world: a query word that names a country or a city of a million people in any
    language the world table knows (a Cyrillic one in any case) stands for the place's names that the
    index holds, in each language: `Allemagne` finds `Germany` and `Германии`, `Moskau` finds `Moscow`
    and `Москве`."""

    translates_words = False

    def __init__(self, store: SkeletonStore, has_term: Callable[[str, str], bool]) -> None:
        self.store = store  # the index's vocabulary by skeleton: a lookup there is 50 times cheaper
        self.has_term = has_term  # (analysis language, term) -> whether the index holds it

    def translate(self, word: str, langs: list[str]) -> Iterator[Translation]:
        key = world_key(word)
        names = place_names(key) if key else ()
        held: dict[tuple[str, str], bool] = {}  # a place has some 60 names, many sharing words
        for lang in langs:
            code, found = analysis_lang(lang), {}
            for name in names:
                terms = analysed_terms(name, lang)
                if terms and all(len(term) >= PLACE_TERM_LETTERS and self._holds(code, term, held)
                                 for term in terms):
                    found.setdefault(terms, name)
            for terms in sorted(found, key=lambda t: (len(t), -sum(map(len, t)), t))[:PLACE_SPELLINGS]:
                yield Translation(lang, terms, word, "world", PLACE_WEIGHT, found[terms])

    def _holds(self, code: str, term: str, held: dict[tuple[str, str], bool]) -> bool:
        if (code, term) not in held:
            found = self.store.holds(code, term)
            held[(code, term)] = self.has_term(code, term) if found is None else found
        return held[(code, term)]


def latin(term: str) -> str:
    """The lower-case Latin letters of a word or term in any script; in the scripts of India, as English
    writes their names: `c` as `ch` (द्रोणाचार्य, Dronacharya), an anusvara before a consonant as the nasal
    it is said as (एंडरसन, Anderson)."""
    if term.isascii():
        form = term
    else:
        form = transliterate(term)
        if _indic(term):
            form = _NASAL_RE.sub("n", _INDIC_C_RE.sub("ch", form))
    return "".join(ch for ch in form.lower() if ch.isalnum())


def _latin_j(term: str) -> bool:
    """Whether a term has a `j` of the Latin script (German `Jelzin`), which may be English `y`; not a
    transliteration's (Devanagari ज, Arabic ج: English `j`)."""
    return "j" in term.lower() and not _other_script(term)


def _other_script(term: str) -> bool:
    """Whether a word is written in a script other than Latin (its Latin form is a transliteration)."""
    return max(term) >= "\u0250"


def _indic(term: str) -> bool:
    """Whether a term is written in a script of India, which leaves a consonant's inherent vowel unwritten."""
    return _INDIC_RE.search(term) is not None


def skeleton_pairs(terms: Iterable[str]) -> Iterator[tuple[str, str]]:
    """(consonant skeleton key of its Latin form, term) for index terms that are words of letters; a term
    with a `j` also under the key of its reading as `y`, as English spells the sound (Jelzin, Yeltsin)."""
    for term in terms:
        if (form := _stored_form(term)) is not None and (key := skeleton_key(form)) is not None:
            yield key, term
            if _latin_j(term) and (as_y := skeleton_key(form.replace("j", "y"))) not in (None, key):
                yield as_y, term


def _stored_form(term: str) -> str | None:
    """The Latin form of an index term the store keeps; None for one it does not keep."""
    return latin(term) if len(term) <= MAX_TERM_CHARS and is_letters(term) else None


def _stored_key(term: str) -> str | None:
    """The skeleton key an index term is kept under in the store; None for one it does not keep."""
    return skeleton_key(form) if (form := _stored_form(term)) is not None else None


class ScriptNames:
    """Tier 2: a query word meets the same name (or a cognate) in other scripts and spellings: the
    terms of each language that share the first consonants of its skeleton and are spelt alike once
    transliterated (the word analysed in that language, and as its own language stems it, against the
    term).

    A language whose index holds the word as typed is skipped: it is written the same there
    (`Paris` is not also `près`)."""

    translates_words = False

    def __init__(self, store: SkeletonStore, has_term: Callable[[str, str], bool]) -> None:
        self.store = store
        self.has_term = has_term  # (analysis language, term) -> whether the index holds it

    def translate(self, word: str, langs: list[str]) -> Iterator[Translation]:
        if " " in word or len(word) < MIN_NAME_CHARS or not is_letters(word):
            return
        found: dict[str, dict[str, list[str]]] = {}
        analysed = {lang: analysed_terms(word, lang) for lang in dict.fromkeys(langs)}
        held = {lang for lang, own in analysed.items()
                if len(own) == 1 and self.has_term(analysis_lang(lang), own[0])}
        # as its own language cuts its ending (`экстремизм`): a language that holds it, or else any whose
        # analysis cuts something; when enough is left of it to tell it apart
        cut = held or {lang for lang, own in analysed.items() if len(own) == 1 and own[0] != word.lower()}
        native = {analysed[lang][0] for lang in cut if len(latin(analysed[lang][0])) > MIN_PREFIX_CHARS}
        as_y, foreign = _latin_j(word), _other_script(word)
        whole, indic = spellings(latin(word), as_y), _indic(word)  # compared by consonants with Indian scripts
        for lang, own in analysed.items():
            if len(own) != 1 or lang in held:
                continue
            code = analysis_lang(lang)
            forms = {form for term in (own[0], *native) for form in spellings(latin(term), as_y)}
            keyed = forms
            if foreign:
                forms = {back for form in forms for back in written_back(form)}
                keyed = forms | {soft for form in forms for soft in _soft_c(form)}
            best: dict[str, float] = {}
            for key in filter(None, {k for form in keyed for k in _keys(form)}):
                if key not in found:
                    found[key] = self.store.terms(key)
                for term in found[key].get(code, ()):
                    if term not in best:
                        best[term] = similarity(forms, latin(term), whole if indic or _indic(term) else (),
                                                _latin_j(term), MIN_SIMILARITY)
            for term, alike in best.items():
                if alike >= MIN_SIMILARITY:
                    yield Translation(lang, (term,), word, "script", alike, term)


def spellings(form: str, j_as_y: bool = True) -> set[str]:
    """The ways a Latin-written word may come back from another script's transliteration or another
    language's spelling: as written, with soft c and g as `s` and `j`, `h` as `kh`, `w` as `u`, a Latin
    `j` (`j_as_y`) as `y` (George: Джордж, dzhordzh; Halloween: Хэллоуин, khellouin; Juventus: Ювентус,
    yuventus; Dostojewski: Dostoevsky)."""
    soft = _SOFT_G_RE.sub("j", _SOFT_C_RE.sub("s", form))
    found = {form, soft}
    for spelling in (form, soft):
        found.add(_LONE_H_RE.sub("kh", spelling))
        found.add(spelling.replace("w", "u"))
    if j_as_y and "j" in form:
        found.add(form.replace("j", "y"))
    return found


def written_back(form: str) -> set[str]:
    """The ways a Latin spelling may have been written that a transliteration from another script reads
    as `form`: `kh` as `h` (Хьюстон, Houston), `u` before a vowel as `w` (Уильям, William)."""
    found = {form, _KH_RE.sub("h", form)}
    return found | {_U_AS_W_RE.sub("w", spelling) for spelling in found}


def _soft_c(form: str) -> Iterator[str]:
    """`form` with one `s` written as a `c`, which its skeleton reads as `k`: the keys under which a Latin
    word with a soft `c` is kept (सेल्सियस, Celsius; स्पेशल, special). Only for finding such words: they are
    compared as `spellings` reads them, with the soft `c` as `s`."""
    for match in _LONE_S_RE.finditer(form):
        yield form[:match.start()] + "c" + form[match.end():]


def similarity(forms: set[str], other: str, unvoweled: Collection[str] = (), j_as_y: bool = True,
               floor: float = 0.0) -> float:
    """How alike the best of `forms` and `other` are spelt, as sounds (`dzh` and `j` alike, a hard c as
    k: `arctic`, `arktik`) and final vowels aside (a stem `sibir` and `siberia`). When one is much
    shorter, 0 (a name is not a word that starts like it) unless the shorter is `other`, a stem of five
    sounds or more, and the longer starts like it (`extrem`, `ekstremizm`): then a tenth less. When
    `other` comes from a script that may leave vowels unwritten, the consonants of the `unvoweled` forms
    (a whole word's, not a stem's: stems share too many) are compared with its own too. `other` is read
    in each of its `spellings` (a soft c as `s`: `special`, स्पेशल), its `j` as `y` (Jelzin, Yeltsin)
    unless told otherwise. Below `floor` the answer may be lower than the true one: a comparison that
    cannot reach it is left out."""
    best = 0.0
    for reading in spellings(other, j_as_y):
        best = max(best, _alike(forms, reading, unvoweled, max(floor, best)))
    return best


def _alike(forms: set[str], other: str, unvoweled: Collection[str], floor: float) -> float:
    other = _sounds(other)
    best = 0.0
    bare = _consonants(other)
    consonants = SequenceMatcher(None, "", bare) if unvoweled else None  # `other`'s side indexed once
    for form in (_consonants(_sounds(form)) for form in unvoweled):
        if min(len(form), len(bare)) >= max(MIN_CONSONANTS, MIN_LENGTH_RATIO * max(len(form), len(bare))):
            alike = _ratio(consonants, form, MIN_CONSONANT_ALIKE, CONSONANT_WEIGHT, best, floor)
            if alike >= MIN_CONSONANT_ALIKE:
                best = max(best, CONSONANT_WEIGHT * alike)
    whole = SequenceMatcher(None, "", other)
    for form in map(_sounds, forms):
        if min(len(form), len(other)) >= MIN_LENGTH_RATIO * max(len(form), len(other)):
            best = max(best, _ratio(whole, form, 0.0, 1.0, best, floor))
        elif len(form) > len(other) >= MIN_PREFIX_CHARS:  # a stem that cut a suffix the word keeps
            alike = _ratio(whole, form[:len(other)], MIN_PREFIX_ALIKE, PREFIX_WEIGHT, best, floor)
            if alike >= MIN_PREFIX_ALIKE:
                best = max(best, PREFIX_WEIGHT * alike)
    return best


def _ratio(matcher: SequenceMatcher, form: str, least: float, weight: float, best: float, floor: float) -> float:
    """difflib's ratio of `form` to the matcher's second side; 0 when its cheaper multiset bound says it
    is under `least` or, weighed by `weight`, cannot beat `best` nor reach `floor`."""
    matcher.set_seq1(form)
    bound = matcher.quick_ratio()
    if bound < least or bound * weight <= best or bound * weight < floor:
        return 0.0
    return matcher.ratio()


def _consonants(form: str) -> str:
    return form.translate(_NO_VOWELS)


@lru_cache(maxsize=1 << 16)
def _sounds(form: str) -> str:
    """A Latin form with one letter for each sound that transliterations spell in several ways, doubled
    letters single and final vowels cut."""
    form = _HARD_C_RE.sub("k", form).replace("q", "k")
    for spelling, sound in _SOUNDS:
        form = form.replace(spelling, sound)
    form = _DOUBLE_RE.sub(r"\1", form)
    return form.rstrip(_VOWELS) or form


def _keys(form: str) -> tuple[str | None, str | None]:
    """The skeleton key of a form, and its key one consonant shorter (a stem that lost an ending)."""
    key = skeleton_key(form)
    return key, key[:-1] if key is not None and len(key) > MIN_SKELETON else None


def skeleton_key(form: str) -> str | None:
    """The first consonants of a Latin form's skeleton (the relatedness features' word stems), or None
    when it has too few."""
    key = skeleton(form)[:STEM_CONSONANTS] if len(form) >= 3 else ""
    return key if len(key) >= MIN_SKELETON else None


class SkeletonStore:
    """Index terms by the first consonants of their skeleton, in SQLite in the index folder; each segment
    of the index is taken in once. Terms of deleted articles stay: a lookup of one finds no article."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA busy_timeout=10000")
        self._db.execute("CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT)")
        self._db.execute("CREATE TABLE IF NOT EXISTS terms(skeleton TEXT, code TEXT, term TEXT, "
                         "PRIMARY KEY(skeleton, code, term)) WITHOUT ROWID")
        self._db.execute("CREATE TABLE IF NOT EXISTS segments(id TEXT PRIMARY KEY) WITHOUT ROWID")

    def generation(self) -> int:
        return int(self._value("generation") or -1)

    def refresh(self, generation: int, segments: Callable[[], SegmentVocabularies]) -> None:
        """Take in the terms of the segments of `segments()` not taken in yet, unless the store is at the
        index's `generation` already. Reading a segment's terms costs about 10 µs a term: a new segment
        (an update's) is small, and a merged one was taken in with its sources (see `note_merge`)."""
        if self.generation() == generation:
            return
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            if self.generation() == generation:  # another process did it meanwhile
                return
            if self._value("layout") != _LAYOUT:  # an older store, without its segments: filled again
                self._db.execute("DELETE FROM terms")
                self._db.execute("DELETE FROM segments")
                self._db.execute("INSERT OR REPLACE INTO meta VALUES ('layout', ?)", (_LAYOUT,))
            done = {row[0] for row in self._db.execute("SELECT id FROM segments")}
            current = segments()
            for segment, vocabularies in current:
                if segment in done:
                    continue
                for code, terms in vocabularies():
                    self._db.executemany("INSERT OR IGNORE INTO terms VALUES (?, ?, ?)",
                                         ((key, code, term) for key, term in skeleton_pairs(terms)))
                self._db.execute("INSERT INTO segments VALUES (?)", (segment,))
            self._db.executemany("DELETE FROM segments WHERE id=?",
                                 [(segment,) for segment in done - {segment for segment, _ in current}])
            self._db.execute("INSERT OR REPLACE INTO meta VALUES ('generation', ?)", (str(generation),))

    def note_merge(self, sources: list[str], merged: str) -> None:
        """A merge made segment `merged` of `sources`: its terms are theirs, so it is taken in when they all
        were."""
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            done = {row[0] for row in self._db.execute("SELECT id FROM segments")}
            if sources and all(source in done for source in sources):
                self._db.execute("INSERT OR IGNORE INTO segments VALUES (?)", (merged,))

    def _value(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def holds(self, code: str, term: str) -> bool | None:
        """Whether the vocabulary of analysis language `code` has `term`; None for a term the store does
        not keep (not letters, too long, too few consonants: `us`)."""
        if (key := _stored_key(term)) is None:
            return None
        query = "SELECT 1 FROM terms WHERE skeleton=? AND code=? AND term=?"
        return self._db.execute(query, (key, code, term)).fetchone() is not None

    def terms(self, key: str) -> dict[str, list[str]]:
        """Analysis language -> the terms whose skeleton starts with `key`."""
        found: dict[str, list[str]] = {}
        for code, term in self._db.execute("SELECT code, term FROM terms WHERE skeleton=?", (key,)):
            found.setdefault(code, []).append(term)
        return found

    def close(self) -> None:
        self._db.close()


def update_store(index_dir: Path, update: Callable[[SkeletonStore], None], create: bool = True) -> None:
    """Run `update` on the index folder's store of name skeletons (`create`: even when it does not exist
    yet). A store that is busy or unreadable is left as it is: the next search takes in what it lacks."""
    path = Path(index_dir) / SKELETON_FILE
    if not create and not path.exists():
        return
    try:
        store = SkeletonStore(path)
        try:
            update(store)
        finally:
            store.close()
    except sqlite3.Error:
        pass
