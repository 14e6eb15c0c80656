"""Cross-language query expansion: a query word is also searched as its translations.

Sources of translations (gazetteer names, names across scripts, the learned lexicon, installed
dictionaries) each turn one query word into `Translation`s: index terms in one language's analysis.
An `Expander` merges them, keeps the best few a language, and leaves alone the words it is told
not to expand (`keep`): `--as-typed` turns expansion off entirely, a per-term "as typed" modifier
puts one word in `keep`. A long word that no source translates into a language may be two words
written as one (`Gesundheitspolitik`, `Chemiewaffen`): it is translated as the phrase of its parts'
translations (`health policy`). The index searches each translation in its language's title and text
fields, boosted below the word itself (see `index.SearchIndex.parse`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Protocol

from reader.core.search.analysis import analyzer_for
from reader.core.text import TOKEN_RE, safe_text

TRANSLATED_BOOST = 0.6  # a translation at full confidence scores this share of the word as typed
PER_LANGUAGE = 4  # translations of one word kept per language, most confident first
ALL_KEPT = frozenset({"gazetteer", "world"})  # sources of names whose every spelling is kept, besides those
MIN_WEIGHT = 0.05
COMPOUND_LETTERS, PART_LETTERS = 8, 3  # the shortest word read as two parts, and the shortest part
LINK_LETTERS = 2  # letters that may join a compound's parts (`Gesundheit-s-politik`, `Kind-er-träume`)


@dataclass(frozen=True)
class Translation:
    """One way a query word is written in a language: its index terms there (several: a phrase)."""

    lang: str  # an article language of the index
    terms: tuple[str, ...]
    via: str  # the query word or phrase it translates
    source: str  # gazetteer | world | script | learned | lexicon.yaml | dictionary
    weight: float = 1.0  # 0..1: how sure the source is
    shown: str = ""  # the translation as written (a name, a word seen in the corpus), for people
    evidence: int = 0  # aligned paragraph pairs that support a learned translation


class Source(Protocol):
    """A source of translations for one query word into the index's languages; `translates_words`: it
    translates words by their meaning (a lexicon, a dictionary), not names by their spelling."""

    translates_words: bool

    def translate(self, word: str, langs: list[str]) -> Iterable[Translation]: ...


def analysed_terms(text: str, lang: str) -> tuple[str, ...]:
    """The index terms of `text` in the analysis of language `lang` (stop words left out)."""
    analyzer = analyzer_for(lang)
    return tuple(term for term in map(analyzer.term, TOKEN_RE.findall(text)) if term)


class Expander:
    """Translations of query words from several sources into the index's languages."""

    def __init__(self, sources: list[Source], langs: list[str], keep: Iterable[str] = (),
                 forbids: Callable[[Translation], bool] = lambda found: False) -> None:
        self.sources = sources
        self.forbids = forbids  # the analyst's veto (lexicon.yaml), over every source
        self.langs = langs
        self.keep = frozenset(word.casefold() for word in keep)  # words searched as typed only
        self._memo: dict[str, list[Translation]] = {}
        self._parts: dict[str, dict[str, Translation]] = {}

    def translations(self, word: str) -> list[Translation]:
        """The translations of a query word or phrase, best first; none for a word in `keep`."""
        if word.casefold() in self.keep or not TOKEN_RE.search(word):
            return []
        if word not in self._memo:
            self._memo[word] = self._merged(word)
        return self._memo[word]

    def _merged(self, word: str) -> list[Translation]:
        best: dict[tuple[str, tuple[str, ...]], Translation] = {}
        meant: set[str] = set()  # languages the word is translated into by its meaning
        for source in self.sources:
            for found in source.translate(word, self.langs):
                own = analysed_terms(word, found.lang)
                if not found.terms or found.weight < MIN_WEIGHT or (own and set(own) <= set(found.terms)) \
                        or self.forbids(found):
                    continue  # the word itself is searched there already (alone, or in this phrase)
                key = (found.lang, found.terms)
                if key not in best or best[key].weight < found.weight:
                    best[key] = found
                if source.translates_words:
                    meant.add(found.lang)
        for found in self._compound(word, [lang for lang in self.langs if lang not in meant]):
            best.setdefault((found.lang, found.terms), found)
        ranked = sorted(best.values(), key=lambda t: (-t.weight, t.lang, t.terms))
        kept: list[Translation] = []
        per_lang: dict[str, int] = {}
        for found in ranked:
            if found.source in ALL_KEPT:
                kept.append(found)
            elif per_lang.get(found.lang, 0) < PER_LANGUAGE:
                per_lang[found.lang] = per_lang.get(found.lang, 0) + 1
                kept.append(found)
        return kept

    def _compound(self, word: str, langs: list[str]) -> list[Translation]:
        """The best reading of a long word as two words written together whose translations into each
        of `langs` are known (by meaning, not spelling), as the phrase of those translations; its weight
        is the product of theirs."""
        folded = word.casefold()
        if not langs or len(folded) < COMPOUND_LETTERS or not folded.isalpha():
            return []
        best: dict[str, Translation] = {}
        for cut in range(PART_LETTERS, len(folded) - PART_LETTERS + 1):
            tail = self._part(folded[cut:], langs)
            for link in range(LINK_LETTERS + 1) if tail else ():
                if cut - link < PART_LETTERS:
                    break
                head = self._part(folded[: cut - link], langs)
                for lang in head.keys() & tail.keys():
                    first, second = head[lang], tail[lang]
                    weight = first.weight * second.weight
                    if weight >= MIN_WEIGHT and (lang not in best or weight > best[lang].weight):
                        best[lang] = Translation(lang, first.terms + second.terms, word,
                                                 min(first, second, key=lambda t: t.weight).source, weight,
                                                 f"{first.shown} {second.shown}",
                                                 min(first.evidence, second.evidence))
        return list(best.values())

    def _part(self, part: str, langs: list[str]) -> dict[str, Translation]:
        """The best one-word translation of a compound's part into each of `langs` that has one."""
        if part not in self._parts:
            found: dict[str, Translation] = {}
            for source in self.sources:
                for one in source.translate(part, self.langs) if source.translates_words else ():
                    if len(one.terms) == 1 and not self.forbids(one) and \
                            (one.lang not in found or found[one.lang].weight < one.weight):
                        found[one.lang] = one
            self._parts[part] = found
        return {lang: found for lang, found in self._parts[part].items() if lang in langs}


@dataclass(frozen=True)
class Matched:
    """A word of a hit found through a translation: `term` in the text, `via` the query word; or a hit
    found by its meaning (source `semantic`, no `term`, `via` the query's words)."""

    term: str
    via: str
    source: str


def matched_line(matched: list[Matched]) -> str:
    """Words matched through translations, as `военной ← military, Chogou ← Shoigu`, and `≈ military
    equipment` for a hit found by meaning (terminal-safe)."""
    return ", ".join(f"{safe_text(m.term)} ← {safe_text(m.via)}" if m.term else f"≈ {safe_text(m.via)}"
                     for m in matched)
