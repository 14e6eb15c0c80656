"""Per-language text analysis for the search index: tokenising, stop words, stemming, accent folding.

One analyzer class serves indexing, querying and highlighting so the three always agree. Stemming
uses Snowball through PyStemmer (C, ~20x faster than Whoosh's pure-Python stemmers); stop words come
from Whoosh's lists. Each analyzer memoises the token -> term mapping, which is where indexing time goes.
"""

from __future__ import annotations

import functools
import sys
import unicodedata
from array import array
from itertools import accumulate, repeat
from typing import Iterator

from reader.core.search.lean_import import deferring

with deferring():  # Whoosh without urllib and asyncio: see lean_import
    from whoosh.analysis import Analyzer, Token
    from whoosh.formats import Existence, Positions
    from whoosh.lang.stopwords import stoplists

from reader.core.memo import Memo
from reader.core.text import TOKEN_RE, fold

# Snowball algorithm names by ISO 639-1 code, for the languages PyStemmer has.
STEMMERS = {
    "ar": "arabic", "ca": "catalan", "cs": "czech", "da": "danish", "de": "german", "el": "greek",
    "en": "english", "es": "spanish", "et": "estonian", "eu": "basque", "fa": "persian",
    "fi": "finnish", "fr": "french", "ga": "irish", "hi": "hindi", "hu": "hungarian",
    "hy": "armenian", "id": "indonesian", "it": "italian", "lt": "lithuanian", "ne": "nepali",
    "nl": "dutch", "no": "norwegian", "nb": "norwegian", "pl": "polish", "pt": "portuguese",
    "ro": "romanian", "ru": "russian", "sr": "serbian", "sv": "swedish", "ta": "tamil",
    "tr": "turkish", "uk": "russian", "yi": "yiddish",
}
# Ukrainian has no Snowball stemmer; the Russian one is close enough for shared roots.

_CACHE_LIMIT = 500_000
_SHARED: dict[str, "LangAnalyzer"] = {}


def analysis_lang(lang: str) -> str:
    """The analysis used for an article language: its own code when stemmed, else '' (plain)."""
    return lang if lang in STEMMERS else ""


def analyzer_for(lang: str) -> "LangAnalyzer":
    """A shared analyzer for a language (its term cache makes repeated analysis cheap)."""
    code = analysis_lang(lang)
    analyzer = _SHARED.get(code)
    if analyzer is None:
        analyzer = _SHARED[code] = LangAnalyzer(code)
    return analyzer


class LangAnalyzer(Analyzer):
    """Tokenise, lowercase, drop stop words, stem (when `lang` has a stemmer) and fold accents."""

    def __init__(self, lang: str = "") -> None:
        self.lang = lang
        self._setup()

    def _setup(self) -> None:
        self._stops = frozenset(stoplists.get(self.lang, ())) if self.lang else frozenset()
        self._stemmer = None
        if self.lang in STEMMERS:
            import Stemmer

            self._stemmer = Stemmer.Stemmer(STEMMERS[self.lang])
            self._stemmer.maxCacheSize = 0  # the memo below keeps every stem; PyStemmer's own cache,
            # asked only for words the memo lacks, would double the cost of each (2 -> 4 µs a word)
        self._terms: Memo[str, str] = Memo(self._new_term, _CACHE_LIMIT)

    def __getstate__(self) -> dict:
        return {"lang": self.lang}

    def __setstate__(self, state: dict) -> None:
        self.lang = state["lang"]
        self._setup()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LangAnalyzer) and other.lang == self.lang

    def __hash__(self) -> int:
        return hash(("LangAnalyzer", self.lang))

    def term(self, word: str) -> str:
        """The index term for one token, '' for a stop word."""
        return self._terms[word]

    def _new_term(self, word: str) -> str:
        lower = word.lower() if word.isascii() else unicodedata.normalize("NFC", word.lower())  # é, not e + ́
        if lower in self._stops:
            return ""
        return fold(self._stemmer.stemWord(lower) if self._stemmer else lower)

    def positions(self, value: str, tokens: list[str] | None = None) -> dict[str, list[int]]:
        """Term -> positions of one text (its `TOKEN_RE` tokens, when the caller has them), computed
        without Whoosh's per-token objects (the indexing path)."""
        terms = filter(None, map(self._terms.__getitem__, TOKEN_RE.findall(value) if tokens is None else tokens))
        poses: dict[str, list[int]] = {}
        for pos, term in enumerate(terms):
            poses.setdefault(term, []).append(pos)
        return poses

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:  # wildcard and range text: fold, but do not stem a partial word
            token.original = token.text = fold(value)
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        pos = start_pos
        for match in TOKEN_RE.finditer(value):
            word = match.group()
            term = self.term(word)
            if not term:
                if not removestops:
                    token.text, token.stopped = word.lower(), True
                    yield token
                continue
            token.text = term
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = word
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            pos += 1
            yield token


EXACT_MARK = "\x1f"  # in an exact term, between the folded word and the word as written


def exact_term(word: str) -> str:
    """The exact fields' term for one token: the word folded, then the word as written (NFC) when that
    differs (`army`, `us\x1fUS`, `muller\x1fMüller`). The forms of a word sort together: a prefix or
    wildcard over the folded words reads every way each is written."""
    written = word if word.isascii() else unicodedata.normalize("NFC", word)
    folded = fold(written)
    return folded if folded == written else f"{folded}{EXACT_MARK}{written}"


def written_form(term: str) -> str:
    """The word as written of an exact term."""
    return term.rpartition(EXACT_MARK)[2]


def folded_form(term: str) -> str:
    """The folded word of an exact term."""
    return term.partition(EXACT_MARK)[0]


class ExactAnalyzer(LangAnalyzer):
    """Words as written, for exact search: case, accents and word form kept, no stop words dropped.
    The same in every language (its `lang` is `=`); see `exact_term`."""

    def __init__(self) -> None:
        super().__init__("=")

    def _setup(self) -> None:
        self._terms = Memo(exact_term, _CACHE_LIMIT)


class Analysed(str):
    """Text with its postings computed ahead (in a loader process), for the field analysed as `lang`:
    columns of term bytes, frequencies, weights and encoded positions (see `FastPositions.columns`)."""

    def __new__(cls, text: str, lang: str, postings: tuple) -> "Analysed":
        value = super().__new__(cls, text)
        value.lang, value.postings = lang, postings
        return value

    def __reduce__(self):
        return Analysed, (str(self), self.lang, self.postings)


class FastPositions(Positions):
    """Whoosh's positions format with a compact encoding, and LangAnalyzer's postings computed in bulk.

    A posting's positions are stored as their gaps in an array of the narrowest of bytes, 16-bit or
    32-bit integers, after a one-letter type code (little-endian). Whoosh pickles a list of gaps after a
    4-byte count: twice the bytes, and decoding it was most of a phrase query's time."""

    def encode(self, poslist) -> bytes:
        if len(poslist) == 1:  # most words occur once in an article
            return _single_position(poslist[0])
        return _encode_gaps([*poslist[:1], *map(int.__sub__, poslist[1:], poslist)])

    def decode_positions(self, valuestring: bytes) -> list[int]:
        return list(positions(valuestring))

    def decode_frequency(self, valuestring: bytes) -> int:  # Whoosh's decode_weight builds on it
        return (len(valuestring) - 1) // _ITEM_SIZES[valuestring[0]]

    def analyse(self, value: str, analyzer: "LangAnalyzer", tokens: list[str] | None = None) -> Analysed:
        """The text with its postings computed now (in a loader process), as columns: term bytes,
        frequencies, weights and encoded positions (what Whoosh's `word_values` gives row by row)."""
        poses = analyzer.positions(value, tokens)
        frequencies = list(map(len, poses.values()))
        return Analysed(value, analyzer.lang, (list(map(str.encode, poses)), frequencies,
                                               list(map(_weight, repeat(self.field_boost), frequencies)),
                                               list(map(self.encode, poses.values()))))


class WordPresence(Existence):
    """Whoosh's Existence format (which words a document has: no counts, no positions), with the postings
    computed in bulk like `FastPositions`. The exact fields use it: a fifth of the bytes of positions,
    and an exact phrase is checked in the article's text instead (see `exact.holds_phrase`)."""

    inline_limit = 32  # a term of this many documents or fewer is kept in the term table (posting_pool):
    # its ids pickled there take less than a block in the postings file and the row pointing to it

    def analyse(self, value: str, analyzer: "LangAnalyzer", tokens: list[str] | None = None) -> Analysed:
        terms = list(dict.fromkeys(filter(None, map(analyzer.term, TOKEN_RE.findall(value) if tokens is None
                                                    else tokens))))
        ones = [1] * len(terms)
        return Analysed(value, analyzer.lang, (list(map(str.encode, terms)), ones,
                                               [self.field_boost] * len(terms), [b""] * len(terms)))


_ITEM_SIZES = {ord("B"): 1, ord("H"): 2, ord("I"): 4}


def _little_endian(numbers: array) -> array:
    if sys.byteorder == "big":
        numbers.byteswap()
    return numbers


def _encode_gaps(gaps: list[int]) -> bytes:
    top = max(gaps, default=0)
    code = "B" if top < 256 else "H" if top < 65536 else "I"
    return code.encode() + _little_endian(array(code, gaps)).tobytes()


@functools.cache
def _weight(boost: float, frequency: int) -> float:
    """A posting's weight, one float object per value: a segment's pool holds millions of them."""
    return frequency * boost


@functools.cache
def _single_position(position: int) -> bytes:
    return _encode_gaps([position])


def positions(value: bytes) -> Iterator[int]:
    """The word positions of a posting value of FastPositions."""
    if value[0] == ord("B"):
        return accumulate(value[1:])
    return accumulate(_little_endian(array(chr(value[0]), value[1:])))
