"""Exact search: words and phrases searched as written, and marked as typed (never expanded).

Query syntax (docs/query-syntax.md):

- `=word`, `="a phrase"`: exactly as written: case, accents and word form, and as typed.
- `word/c`, `word/a`, `word/f`: one control each (case, accents, word form), combined as `US/ca`;
  `"a phrase"/cf` too. `/t`: as typed: searched as usual but not expanded (no translation, alias or
  transliteration); the other controls imply it.

The index's exact fields (`exact_<lang>`, see `analysis.exact_term`) hold which words an article has
as written (not where: positions would double the index). A controlled word becomes the exact terms it
stands for in each language's field (those whose form, case and accents agree with it as the controls
ask). A controlled phrase finds the articles that have each of its words so written and its stems in a
row (the ordinary phrase), then keeps those whose text holds the words in a row as the controls ask.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from itertools import islice
from typing import Callable

from reader.core.query import QueryError
from reader.core.search.analysis import analyzer_for, exact_term, folded_form, written_form
from reader.core.search.lean_import import deferring
from reader.core.search.parsing import field_code
from reader.core.text import TOKEN_RE, fold

with deferring():
    from whoosh import query as wq
    from whoosh.qparser import syntax
    from whoosh.qparser.plugins import PhrasePlugin, TaggingPlugin

CONTROLS = {"c": "case", "a": "accents", "f": "form", "t": "as-typed"}
MAX_FORMS_SHOWN = 20


@dataclass(frozen=True)
class TermControls:
    """The controls on one word or phrase of a query, and the written forms they matched in the index."""

    text: str
    controls: tuple[str, ...]  # names from CONTROLS, in its order
    forms: tuple[str, ...] = ()

    def record(self) -> dict:
        """The term as `reader search --format json` explains it."""
        return {"term": self.text, "controls": list(self.controls), "forms": list(self.forms)}


@dataclass
class QueryControls:
    """What the controls of one query did: each controlled term, and notes for the analyst.

    `as_typed` is the interface for query expansion (translations, aliases, transliterations): a word
    or phrase in it was asked for as typed and must not be expanded."""

    terms: list[TermControls] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def as_typed(self) -> frozenset[str]:
        """The words and phrases (as typed, without their marks) that must not be expanded."""
        return frozenset(term.text for term in self.terms if "as-typed" in term.controls)


def check_controls(text: str) -> None:
    """Raise QueryError for a control after a field name (`title:=US`): controls search title and text."""
    match = re.search(r'(?<![\w:])([A-Za-z_]\w*):=', re.sub(r'"[^"]*"', " ", text))
    if match:
        raise QueryError(f"'{match.group(1)}:=': exact controls search the title and the text together"
                         " (write =word or \"a phrase\"/c without a field)")


def _control_names(letters: str) -> tuple[str, ...]:
    wanted = set(letters) | ({"t"} if set(letters) & set("caf") else set())
    return tuple(name for letter, name in CONTROLS.items() if letter in wanted)


class _ControlledNode(syntax.SyntaxNode):
    """A word or phrase with exact controls: searched in the exact fields."""

    has_text = True

    def __init__(self, plugin: ControlsPlugin, text: str, letters: str, phrase: bool) -> None:
        self.plugin, self.text, self.letters, self.phrase = plugin, text, letters, phrase
        self.boost = 1.0

    def r(self) -> str:
        return f"{self.text!r}/{self.letters}"

    def query(self, parser):
        return syntax.attach(self.plugin.exact_query(self.text, self.letters, self.phrase), self)


class ControlsPlugin(TaggingPlugin):
    """Tags `=word`, `="phrase"`, `word/caft` and `"phrase"/caft`; runs before phrases and words."""

    priority = -1
    expr = (r'(?<![^\s(\-])(?:=(?:"(?P<exact_phrase>[^"]*)"|(?P<exact_word>[^\s()"]+?))(?:/[caft]+)?'
            r'|(?:"(?P<phrase>[^"]*)"|(?P<word>[^\s()":/]+))/(?P<letters>[caft]+))(?=[\s)]|$)')

    def __init__(self, reader, exact_fields: list[str], verify: Callable) -> None:
        super().__init__()
        self.reader = reader
        self.exact_fields = exact_fields
        self.verify = verify  # (candidate query, allowed forms a word) -> ids of the articles that hold the phrase
        self.found = QueryControls()

    def create(self, parser, match):
        text = match.group("exact_phrase") if match.group("exact_phrase") is not None else match.group("exact_word")
        letters = "caft"
        if text is None:
            text = match.group("phrase") if match.group("phrase") is not None else match.group("word")
            letters = match.group("letters")
        phrase = match.group("exact_phrase") is not None or match.group("phrase") is not None
        if set(letters) & set("caf"):
            return _ControlledNode(self, text, letters, phrase)
        self.found.terms.append(TermControls(text, _control_names(letters)))  # as typed: searched as usual
        if phrase:
            return PhrasePlugin.PhraseNode(text, match.start("phrase"))
        return syntax.WordNode(text)

    def exact_query(self, text: str, letters: str, phrase: bool):
        """The query of a controlled word or phrase over every language's exact field."""
        words = TOKEN_RE.findall(text)
        if not words:
            raise QueryError(f"'{text}' has no word to search as written")
        if not phrase and set(text) & set("*?~^"):
            raise QueryError(f"'{text}': a word searched as written takes no wildcard, fuzzy mark or boost")
        alternatives, candidates, allowed = [], [], [set() for _ in words]
        for name in self.exact_fields:
            per_word = [self._forms(name, word, letters) for word in words]
            for forms, terms in zip(allowed, per_word):
                forms.update(map(written_form, terms))
            if not all(per_word):
                continue
            each = [wq.Or([wq.Term(name, term) for term in terms]) for terms in per_word]
            alternatives += each
            candidates.append(wq.And([*each, *_stems_in_a_row(name, words)]))
        shown = tuple(islice(dict.fromkeys(form for forms in allowed for form in sorted(forms)), MAX_FORMS_SHOWN))
        self.found.terms.append(TermControls(text, _control_names(letters), shown))
        if not candidates:
            return wq.NullQuery
        if len(words) == 1:
            return wq.Or(alternatives)
        ids = self.verify(wq.Or(candidates), [frozenset(forms) for forms in allowed])
        if not ids:
            return wq.NullQuery
        return wq.And([wq.Or([wq.Term("id", article_id) for article_id in ids]), wq.Or(alternatives)])

    def _forms(self, fieldname: str, word: str, letters: str) -> list[str]:
        """The exact terms of a field that `word` stands for under the controls `letters`."""
        written = unicodedata.normalize("NFC", word)
        if set("caf") <= set(letters):
            term = exact_term(written)
            return [term] if self.reader.doc_frequency(fieldname, term) else []
        folded = fold(written)
        stem = "" if "f" in letters else analyzer_for(field_code(fieldname)).term(written)
        if stem:  # the words of the same stem, found among those starting as the stem and word do
            start = folded[:next((i for i, (a, b) in enumerate(zip(folded, stem)) if a != b),
                                 min(len(folded), len(stem)))] or folded[:1]
            analyzer = analyzer_for(field_code(fieldname))
            found = [t for t in self._terms(fieldname, start) if analyzer.term(written_form(t)) == stem]
        else:
            found = [t for t in self._terms(fieldname, folded) if folded_form(t) == folded]
        return [t for t in found if _agrees(written_form(t), written, letters, whole=not stem)]

    def _terms(self, fieldname: str, prefix: str) -> list[str]:
        return [_text(t) for t in self.reader.expand_prefix(fieldname, prefix)]


def _stems_in_a_row(exact_name: str, words: list[str]) -> list:
    """The ordinary phrase of the words' stems in the text field beside an exact field (none for fewer
    than two stems): it narrows the articles whose text is then read."""
    code = field_code(exact_name)
    stems = [stem for stem in map(analyzer_for(code).term, words) if stem]
    return [wq.Phrase(f"text_{code}" if code else "text", stems)] if len(stems) > 1 else []


def holds_phrase(text: str, allowed: list[frozenset[str]]) -> bool:
    """Whether `text` has words in a row that are, one by one, among the `allowed` written forms."""
    tokens = [word if word.isascii() else unicodedata.normalize("NFC", word) for word in TOKEN_RE.findall(text)]
    first, size = allowed[0], len(allowed)
    return any(word in first and all(tokens[at + k] in allowed[k] for k in range(1, size))
               for at, word in enumerate(tokens[:len(tokens) - size + 1]))


def _agrees(form: str, written: str, letters: str, whole: bool) -> bool:
    """Whether a written form agrees with the query's word in case (c) and accents (a): over the whole
    word, or (`whole` False: the same stem) over the letters both have."""
    if not whole:
        size = min(len(form), len(written))
        form, written = form[:size], written[:size]
    if "c" in letters and [ch.isupper() for ch in form] != [ch.isupper() for ch in written]:
        return False
    return "a" not in letters or form.lower() == written.lower()


def _text(term) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else term


# -- wildcards and fuzzy terms over the words as written ---------------------------------------------

def widen_patterns(parsed, reader, query_text: str, exact_fields: list[str], notes: list[str]):
    """The query with each wildcard, prefix and fuzzy term of a stemmed field also matching the stems
    of the words *as written* that it matches: `Sn?wden` finds the German `Snowden` (stem `snowd`), as
    the plain word does. A pattern with a character no indexed word holds is noted in `notes`."""
    present = set(exact_fields)
    memo: dict = {}

    def widen(query):
        if isinstance(query, (wq.Wildcard, wq.Prefix, wq.FuzzyTerm)) and field_code(query.fieldname):
            code = field_code(query.fieldname)
            exact = f"exact_{code}"
            pattern = _pattern(query, query_text)
            if pattern is None or exact not in present:
                return query
            key = (exact, type(query), pattern, getattr(query, "maxdist", 0))
            if key not in memo:
                memo[key] = _stems(reader, exact, code, query, pattern)
            already = _matcher(query, str(query.text))[1]  # what the pattern finds among the stems itself
            stems = [s for s in memo[key] if s and not already(s)]
            return wq.Or([query, *(wq.Term(query.fieldname, stem) for stem in stems)]) if stems else query
        if query.is_leaf():
            return query
        return query.apply(widen)

    for leaf in [parsed] if parsed.is_leaf() else parsed.leaves():
        if isinstance(leaf, (wq.Wildcard, wq.Prefix, wq.FuzzyTerm)):
            typed = (_typed(leaf, query_text) if isinstance(leaf, wq.FuzzyTerm) else None) or str(leaf.text) \
                + ("*" if isinstance(leaf, wq.Prefix) else "")
            odd = sorted({ch for ch in typed if not (ch.isalnum() or ch in "*?" or unicodedata.combining(ch))})
            note = (f"'{typed}' cannot match: indexed words never hold {' '.join(odd)}"
                    " (a wildcard or fuzzy term matches within one word)")
            if odd and note not in notes:
                notes.append(note)
    return widen(parsed)


def _typed(query, query_text: str) -> str | None:
    """The part of the query text a query was parsed from, when the parser recorded it."""
    start, end = getattr(query, "startchar", None), getattr(query, "endchar", None)
    return query_text[start:end] if start is not None and end is not None else None


def _pattern(query, query_text: str) -> str | None:
    """The folded pattern of a wildcard or prefix, or the folded word of a fuzzy term as typed."""
    if isinstance(query, wq.FuzzyTerm):
        typed = _typed(query, query_text)
        return fold(typed.split("~", 1)[0]) if typed else None
    return str(query.text)


def _stems(reader, exact: str, code: str, query, pattern: str) -> list[str]:
    """The stems (in language `code`) of the words as written in `exact` that the pattern matches."""
    start, matches = _matcher(query, pattern)
    terms = reader.expand_prefix(exact, start) if start else reader.lexicon(exact)
    analyzer = analyzer_for(code)
    return sorted({analyzer.term(written_form(t)) for t in map(_text, terms) if matches(folded_form(t))})


def _matcher(query, pattern: str) -> tuple[str, Callable[[str], bool]]:
    """The letters every folded word a pattern matches starts with, and the test of one such word."""
    if isinstance(query, wq.FuzzyTerm):
        limit = query.maxdist

        start = pattern[:query.prefixlength]

        def near(folded: str) -> bool:
            return folded.startswith(start) and abs(len(folded) - len(pattern)) <= limit \
                and _distance(folded, pattern, limit) <= limit

        return start, near
    if isinstance(query, wq.Prefix):
        return pattern, lambda folded: folded.startswith(pattern)
    regex = re.compile("".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern))
    return re.split(r"[*?]", pattern, maxsplit=1)[0], lambda folded: regex.fullmatch(folded) is not None


def _distance(a: str, b: str, limit: int) -> int:
    """Damerau–Levenshtein distance (adjacent transpositions) of two words, stopping past `limit`."""
    before, row = None, list(range(len(b) + 1))
    for i, char in enumerate(a, 1):
        current = [i]
        for j, other in enumerate(b, 1):
            cost = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + (char != other))
            if before is not None and i > 1 and j > 1 and char == b[j - 2] and a[i - 2] == other:
                cost = min(cost, before[j - 2] + 1)
            current.append(cost)
        if min(current) > limit:
            return limit + 1
        before, row = row, current
    return row[-1]
