"""The lexicon: word translations learned from the corpus's own translations (tier 3), corrected by
the analyst in `lexicon.yaml` at the corpus root.

Learning: the relatedness store names same-story articles in other languages; their titles and
aligned paragraphs become segments of analysed terms, kept per article pair in the index folder, and
the translations of each language pair are learned again from all its segments when pairs change
(see `lexicon_learning`). `lexicon.yaml` adds translations and forbids learned or dictionary ones:

    military:                 # a query word (any language; matched as typed or by stem)
      fr: [militaire, armée]  # added translations into French
      ru: [военный, -военная] # a leading "-" forbids one
"""

from __future__ import annotations

import pickle
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from reader.core.errors import ReaderError
from reader.core.search.analysis import analyzer_for
from reader.core.text import TOKEN_RE
from reader.core.translation.expansion import Translation, analysed_terms
from reader.core.translation.lexicon_learning import EVIDENCE_SEGMENTS, Learned, Segment, learn_pair
from reader.core.userdata.data_overlay import readable_file
from reader.core.userdata.files import file_lock, read_text, write_atomic
from reader.core.userdata.yaml_files import dump, editor, parse

LEXICON_FILE = "lexicon.yaml"
LEARNED_FILE = "lexicon-learned.pickle"
LEARNED_VERSION = 1
MAX_LEXICON_BYTES = 4 * 1024 * 1024
MAX_SEGMENT_TERMS = 400
MIN_ARTICLE_PAIRS = 5  # fewer translated articles teach a language pair noise, not words


class LexiconError(ReaderError):
    """lexicon.yaml cannot be read or changed; str() is one line."""


@dataclass
class LearnedLexicon:
    """Aligned segments per article pair and the translations learned from them per language pair."""

    pairs: dict[tuple[str, str], tuple[str, str, list[Segment]]] = field(default_factory=dict)  # ids -> langs, segments
    tables: dict[tuple[str, str], dict[str, list[Learned]]] = field(default_factory=dict)  # (from, to) -> term -> found
    surface: dict[str, dict[str, str]] = field(default_factory=dict)  # lang -> term -> a word written so

    @classmethod
    def load(cls, index_dir: Path) -> LearnedLexicon:
        """The stored lexicon; empty when there is none or it cannot be read (it is rebuilt)."""
        try:
            with open(Path(index_dir) / LEARNED_FILE, "rb") as handle:
                data = pickle.load(handle)
            if data.get("version") == LEARNED_VERSION:
                return cls(data["pairs"], data["tables"], data["surface"])
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, KeyError, TypeError, ValueError):
            pass
        return cls()

    def save(self, index_dir: Path) -> None:
        data = {"version": LEARNED_VERSION, "pairs": self.pairs, "tables": self.tables, "surface": self.surface}
        write_atomic(Path(index_dir) / LEARNED_FILE, pickle.dumps(data, pickle.HIGHEST_PROTOCOL))

    def translations(self, word: str, langs: Iterable[str], source_lang: str | None = None
                     ) -> Iterator[tuple[str, str, Learned]]:
        """(from language, to language, learned translation) of a query word (of `source_lang`, when
        known) into `langs`."""
        wanted = set(langs)
        terms: dict[str, tuple[str, ...]] = {}  # the word analysed once a source language, not once a pair
        for (source, target), table in self.tables.items():
            if target in wanted and source_lang in (None, source):
                if source not in terms:
                    terms[source] = analysed_terms(word, source)
                for found in table.get(terms[source][0], ()) if len(terms[source]) == 1 else ():
                    yield source, target, found


def segments_of(left: tuple[str, str, str], right: tuple[str, str, str]) -> tuple[list[Segment], Counter]:
    """The aligned segments (title, paragraphs) of two articles given as (lang, title, body), and the
    words seen for each (lang, term)."""
    from reader.core.related.align import aligned_sentences
    from reader.core.related.pairing import align_rows, split_paragraphs

    seen: Counter = Counter()

    def terms(text: str, lang: str) -> list[str]:
        analyzer = analyzer_for(lang)
        found = []
        for word in TOKEN_RE.findall(text)[:MAX_SEGMENT_TERMS]:
            term = analyzer.term(word)
            if term and not term.isdigit():
                found.append(term)
                seen[(lang, term, word.lower())] += 1
        return found

    sides = []
    for _lang, _, body in (left, right):
        sides.append([body[start:end] for start, end in split_paragraphs(body)])
    segments: list[Segment] = [(terms(left[1], left[0]), terms(right[1], right[0]))]
    for i, j in align_rows(*sides):
        if i is not None and j is not None:
            pieces = aligned_sentences(sides[0][i], sides[1][j])
            segments += [(terms(a, left[0]), terms(b, right[0])) for a, b in pieces]
    return segments, seen


# Finding an article's counterparts costs a related-article list or more (5–20 ms): an update looks for
# those of at most LEARN_BUDGET of its articles, spread evenly over them (a full build of 100,000 articles
# would otherwise spend hours here), and for the mutual best related articles of MUTUAL_SEARCH_LIMIT of them.
LEARN_BUDGET = 1000
MUTUAL_SEARCH_LIMIT = 500


def update_learned(index_dir: Path, read: Callable[[str], tuple[str, str, str] | None],
                   story: Callable[[str], list[str]], changed: Iterable[str], removed: Iterable[str],
                   mutual: Callable[[str, str], list[str]] = lambda article_id, lang: []) -> LearnedLexicon:
    """Bring the learned lexicon up to date after articles changed or were removed: pairs involving them
    are dropped, the changed articles' counterparts in other languages aligned, and the language
    pairs concerned learned again. `read(id)`: (lang, title, body) or None; `story(id)`: its story;
    `mutual(id, lang)`: its mutual best related articles in other languages (see `mutual_best`). An update
    of many articles looks at LEARN_BUDGET of them (see there); only articles with a counterpart are read."""
    lexicon = LearnedLexicon.load(index_dir)
    changed, gone = list(changed), set(removed)
    touched = gone | set(changed)
    affected = {lexicon.pairs[key][:2] for key in lexicon.pairs if touched & set(key)}
    lexicon.pairs = {key: value for key, value in lexicon.pairs.items() if not touched & set(key)}
    texts: dict[str, tuple[str, str, str] | None] = {}
    seen: Counter = Counter()
    for number, article_id in enumerate(changed[::-(-len(changed) // LEARN_BUDGET) or 1]):
        found = story(article_id)
        if number < MUTUAL_SEARCH_LIMIT:
            own = texts.setdefault(article_id, read(article_id))
            found += [i for i in mutual(article_id, own[0]) if i not in found] if own else []
        for other in found:
            key = tuple(sorted((article_id, other)))
            if other == article_id or key in lexicon.pairs:
                continue
            for name in key:
                if name not in texts:
                    texts[name] = read(name)
            left, right = texts[key[0]], texts[key[1]]
            if left is None or right is None or left[0] == right[0]:
                continue
            segments, words = segments_of(left, right)
            seen.update(words)
            lexicon.pairs[key] = (left[0], right[0], segments)
            affected.add((left[0], right[0]))
    _learn(lexicon, affected, seen)
    return lexicon


def mutual_best(best: Callable[[str, str], str | None], article_id: str, lang: str,
                langs: Iterable[str]) -> list[str]:
    """In each other language, the article most related to this one whose own most related article in
    this one's language is this one: pairs the store's same-story mark misses when two scripts share few
    names (Devanagari and Latin). `best(id, lang)`: the most related article in `lang`, or None."""
    found = []
    for other in langs:
        if other != lang:
            candidate = best(article_id, other)
            if candidate is not None and best(candidate, lang) == article_id:
                found.append(candidate)
    return found


def _learn(lexicon: LearnedLexicon, affected: set[tuple[str, str]], seen: Counter) -> None:
    """Learn again the language pairs in `affected` (either order) from all their stored segments."""
    by_langs: dict[tuple[str, str], list[Segment]] = defaultdict(list)
    articles: Counter = Counter()
    for left_lang, right_lang, segments in lexicon.pairs.values():
        if (left_lang, right_lang) in affected or (right_lang, left_lang) in affected:
            articles[tuple(sorted((left_lang, right_lang)))] += 1
            if left_lang <= right_lang:
                by_langs[(left_lang, right_lang)] += segments
            else:
                by_langs[(right_lang, left_lang)] += [(b, a) for a, b in segments]
    for left_lang, right_lang in {tuple(sorted(pair)) for pair in affected}:
        enough = articles[(left_lang, right_lang)] >= MIN_ARTICLE_PAIRS
        forward, backward = learn_pair(by_langs[(left_lang, right_lang)]) if enough else ({}, {})
        lexicon.tables[(left_lang, right_lang)], lexicon.tables[(right_lang, left_lang)] = forward, backward
    lexicon.tables = {key: table for key, table in lexicon.tables.items() if table}
    best: dict[tuple[str, str], tuple[int, str]] = {}
    for (lang, term, word), count in seen.items():
        if count > best.get((lang, term), (0, ""))[0]:
            best[(lang, term)] = (count, word)
    for (lang, term), (_, word) in best.items():
        lexicon.surface.setdefault(lang, {})[term] = word


# -- lexicon.yaml ---------------------------------------------------------------------------------

@dataclass
class AnalystLexicon:
    """Translations the analyst added or forbade: query word -> language -> (added, forbidden) words."""

    entries: dict[str, dict[str, tuple[list[str], list[str]]]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> AnalystLexicon:
        """Read lexicon.yaml (a missing file is an empty lexicon); raise LexiconError when it is unusable."""
        text = read_text(path, MAX_LEXICON_BYTES, LexiconError)
        return cls(_entries(path, text)) if text else cls()

    def matching(self, word: str, lang: str) -> Iterator[tuple[list[str], list[str]]]:
        """(added, forbidden) words into `lang` of the entries for a query word (as typed, or one stem)."""
        for key, langs in self.entries.items():
            if lang in langs and (key.casefold() == word.casefold()
                                  or analysed_terms(key, lang) == analysed_terms(word, lang) != ()):
                yield langs[lang]

    def forbids(self, found: Translation) -> bool:
        return any(found.terms == analysed_terms(no, found.lang)
                   for _, forbidden in self.matching(found.via, found.lang) for no in forbidden)


def _entries(path: Path, text: str) -> dict[str, dict[str, tuple[list[str], list[str]]]]:
    data = parse(text, path, LexiconError)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise LexiconError(f"{path}: expected a mapping of words to {{language: [translations]}}")
    entries: dict[str, dict[str, tuple[list[str], list[str]]]] = {}
    for word, langs in data.items():
        if not isinstance(langs, dict) or not all(isinstance(v, (list, str)) for v in langs.values()):
            raise LexiconError(f"{path}: '{word}' needs a mapping of languages to lists of translations")
        entry = {}
        for lang, values in langs.items():
            values = [str(v).strip() for v in ([values] if isinstance(values, str) else values) if str(v).strip()]
            entry[str(lang).lower()] = ([v for v in values if not v.startswith("-")],
                                        [v[1:].strip() for v in values if v.startswith("-")])
        entries[str(word)] = entry
    return entries


def edit_lexicon(path: Path, word: str, lang: str, translation: str, forbid: bool = False,
                 base: Path | None = None) -> None:
    """Add (or forbid) a translation of `word` into `lang` in lexicon.yaml: under a lock, comments and
    order kept, replaced atomically; a file that does not parse is left untouched (LexiconError). A file
    not written yet starts from `base` (the corpus's own lexicon, for one kept in a data folder)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    word, lang, translation = " ".join(word.split()), lang.strip().lower(), " ".join(translation.split())
    if not TOKEN_RE.search(word) or not TOKEN_RE.search(translation) or not lang.isalpha():
        raise LexiconError("a translation needs a word, a language code and a translation")
    value = f"-{translation}" if forbid else translation
    path = Path(path)
    with file_lock(path):
        text = read_text(path, MAX_LEXICON_BYTES, LexiconError)
        if text is None and base is not None:
            text = read_text(base, MAX_LEXICON_BYTES, LexiconError)
        text = text or ""
        _entries(path, text)  # refuse to touch a file that does not parse
        edit = editor()
        document = edit.load(text) if text.strip() else None
        if document is None:
            document = CommentedMap()
        langs = document.setdefault(word, CommentedMap())
        values = langs.get(lang)
        if not isinstance(values, list):
            values = CommentedSeq([values] if values else [])
            values.fa.set_flow_style()
            langs[lang] = values
        opposite = translation if forbid else f"-{translation}"
        if opposite in values:
            values.remove(opposite)
        if value not in values:
            values.append(value)
        prefix = "" if text.strip() else "# Translations added (or, with a leading '-', forbidden) by analysts.\n"
        write_atomic(path, prefix + dump(edit, document))


# -- the source -----------------------------------------------------------------------------------

class LexiconSource:
    """Tier 3 and the analyst's lexicon.yaml: learned translations, and the added ones (the expander
    leaves out the forbidden ones of every source)."""

    translates_words = True

    def __init__(self, learned: LearnedLexicon, analyst: AnalystLexicon) -> None:
        self.learned = learned
        self.analyst = analyst

    def translate(self, word: str, langs: list[str], source_lang: str | None = None) -> Iterator[Translation]:
        """Translations of a word (of `source_lang`, when known) into `langs`."""
        for lang in dict.fromkeys(langs):
            for added, _ in self.analyst.matching(word, lang):
                for text in added:
                    yield Translation(lang, analysed_terms(text, lang), word, LEXICON_FILE, 1.0, text)
        for _, target, found in self.learned.translations(word, langs, source_lang):
            shown = self.learned.surface.get(target, {}).get(found.term, found.term)
            yield Translation(target, (found.term,), word, "learned", found.strength, shown, found.segments)

    def written(self, word: str, lang: str, langs: list[str]) -> Iterator[tuple[str, float]]:
        """Each translation of a word of `lang` into `langs` as written, with its strength, but those
        lexicon.yaml forbids and the learned ones seen in fewer than EVIDENCE_SEGMENTS paragraph pairs
        (the evidence related articles take from the lexicon)."""
        for found in self.translate(word, langs, lang):
            if not self.analyst.forbids(found) and (found.source != "learned" or found.evidence >= EVIDENCE_SEGMENTS):
                yield found.shown or " ".join(found.terms), found.weight


def lexicon_source(corpus: Path, index_dir: Path, messages: list[str]) -> LexiconSource:
    """The lexicon source of a corpus; a lexicon.yaml that cannot be read is told once and not used."""
    try:
        analyst = AnalystLexicon.load(readable_file(Path(corpus), LEXICON_FILE))
    except LexiconError as exc:
        told = f"{exc}; its translations are not used"
        if told not in messages:
            messages.append(told)
        analyst = AnalystLexicon()
    return LexiconSource(LearnedLexicon.load(index_dir), analyst)
