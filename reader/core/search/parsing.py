"""How query words become clauses over every language's fields: bare words and `title:` searched in
each language's analysis, and stop words that do not exclude the articles of their language.

The parser searches each bare word in every language's title and text field, and a `title:` word in
every language's title field. A stop word in one language ("the", "le", "die") is no term there, so
Whoosh keeps it only in the other fields, and `the war` or `le matériel militaire` would require
"the" or "le" in the other languages' fields of every English or French article. Here a word that a
language's analysis drops is, where all the words of an AND must match, satisfied by any article in
that language (which scores it as a match of its language, 1), as a one-language search engine would
simply ignore it. Articles in other languages still need the word: "die" is a German stop word and an
English verb.
"""

from __future__ import annotations

import re
from copy import copy as _copy
from typing import Callable

from reader.core.search.lean_import import deferring

with deferring():
    from whoosh import query as wq
    from whoosh.qparser import QueryParser, syntax
    from whoosh.qparser.plugins import MultifieldPlugin, Plugin, PlusMinusPlugin


def field_code(fieldname: str) -> str:
    """The analysis language of a title or text field (`text_fr` -> `fr`; '' for the plain ones)."""
    return fieldname.partition("_")[2]


class _WordClause(wq.Or):
    """One bare word searched in several fields; `dropped` names the text fields whose analysis left
    nothing of it (its stop words). Replaced by a plain Or before the query is used."""

    dropped: frozenset[str] = frozenset()
    stopped: frozenset[str] = frozenset()  # of `dropped`, the fields where the word is a stop word
    optional: frozenset[str] = frozenset()  # fields where the word is only one of the words to match
    word: str = ""  # the word or phrase as typed


class _WordGroup(syntax.OrGroup):
    """The parser's group of one bare word's copies, one a field."""

    qclass = _WordClause

    def query(self, parser):
        found, dropped = [], set()
        for node in self.nodes:
            query = node.query(parser)
            if not _nothing(query):
                found.append(query)
            elif field_code(node.fieldname):
                dropped.add(node.fieldname)
        clause = _WordClause(found, boost=self.boost, **self.kwargs)
        clause.dropped = clause.stopped = frozenset(dropped)
        clause.word = getattr(self.nodes[0], "text", "") if self.nodes else ""
        return syntax.attach(clause, self)


class _TitlePlugin(Plugin):
    """`title:` words searched in every language's title field."""

    def __init__(self, title_fields: list[str]) -> None:
        self.title_fields = title_fields

    def filters(self, parser):
        return [(self._titles, 105)]  # after fields are named (100), before bare words spread (110)

    def _titles(self, parser, group):
        for i, node in enumerate(group):
            if isinstance(node, syntax.GroupNode):
                group[i] = self._titles(parser, node)
            elif node.has_fieldname and node.fieldname == "title":
                copies = []
                for name in self.title_fields:
                    copy = _copy(node)
                    copy.set_fieldname(name, override=True)
                    copies.append(copy)
                group[i] = _WordGroup(copies)
        return group


def _nothing(query) -> bool:
    """Whether a field's query for a word holds no term: a stop word, or a quoted one (a phrase of none)."""
    return query is None or query is wq.NullQuery or (type(query) is wq.Phrase and not query.words)


def multifield_parser(title_fields: list[str], text_fields: list[str], schema) -> QueryParser:
    """A parser searching bare words in every title and text field and `title:` words in every title
    field, that remembers which fields dropped each word, and takes `-word` for NOT."""
    parser = QueryParser(None, schema)
    # `-word` and `-lang:fr` leave out what they match; only at a word's start (`Etats-Unis` is one
    # word), and no `+` (Whoosh would make the other words optional)
    parser.add_plugin(PlusMinusPlugin(plusexpr=r"(?!)", minusexpr=r"(?<![^\s(])-(?=[^\s)])"))
    parser.add_plugin(_TitlePlugin(title_fields))
    parser.add_plugin(MultifieldPlugin([*title_fields, *text_fields], group=_WordGroup))
    return parser


def plain_clause(clause: _WordClause):
    """A word clause as the query it stands for: the word in each field, untranslated."""
    return wq.Or(clause.subqueries, boost=clause.boost)


def ignore_stop_words(parsed, langs_of_field: Callable[[str], list[str]], expand: Callable = plain_clause):
    """The parsed query (from `multifield_parser`, not normalised) with each word clause of an AND also
    matched by the articles whose language drops the word; `langs_of_field` gives the index's language
    values analysed in a text field. `expand` makes each word clause (`word`: the word as typed) a
    query, e.g. with its translations; it may add to the clause's `dropped` the fields of languages
    where the word is to be ignored like a stop word, and set its `optional` fields: those of languages
    where the words of the AND are alternatives (at least one of them must match)."""
    if isinstance(parsed, _WordClause):
        return expand(parsed)
    if type(parsed) is wq.And:
        return _and_ignoring(parsed, langs_of_field, expand)
    if parsed.is_leaf():
        return parsed
    return parsed.apply(lambda q: ignore_stop_words(q, langs_of_field, expand))


def _and_ignoring(query, langs_of_field: Callable[[str], list[str]], expand: Callable):
    clauses = [_word_clause(q) for q in query.subqueries]
    parts = [ignore_stop_words(sub, langs_of_field, expand) for sub in query.subqueries]  # may set dropped, optional
    words = [word for word in clauses if word is not None]
    positive = [q for q in query.subqueries if type(q) is not wq.Not]
    # a field that drops every required word would match all its articles: there the words count, unless
    # they are all its stop words beside other clauses (`the tag:urgent` lists the articles tagged urgent)
    alone = len(words) == len(positive)
    everywhere = frozenset(name for name in frozenset.intersection(*(word.dropped for word in words))
                           if alone or any(name not in word.stopped for word in words)) if words else frozenset()
    matched = [wq.Or([part for part, word in zip(parts, clauses) if word is not None], boost=0.0)] \
        if any(word.optional for word in words) else []  # at least one of the words, scored by the others
    for i, word in enumerate(clauses):
        names = sorted((word.dropped - everywhere) | word.optional) if word is not None else []
        langs = list(dict.fromkeys(lang for name in names for lang in langs_of_field(name)))
        if langs:
            parts[i] = wq.Or([parts[i], *(wq.Term("lang", lang) for lang in langs)])
    return wq.And(parts + matched, boost=query.boost)


def _word_clause(query) -> _WordClause | None:
    """The word clause a part of an AND is, also inside groups of one (`(the)`, `"the"`), or None."""
    while type(query) in (wq.And, wq.Or) and len(query.subqueries) == 1:
        query = query.subqueries[0]
    return query if isinstance(query, _WordClause) else None


_OPERATORS = re.compile(r'"[^"]*"|(?<!\S)(?:OR|NOT|ANDNOT|ANDMAYBE)(?!\S)|[()]')


def plain_words(parsed, text: str) -> tuple[str, list, list] | None:
    """For a query `text` (parsed by `multifield_parser`, not normalised) of plain words and phrases with
    field restrictions (`lang:`, `tag:`, dates) and exclusions (`-word`): the words as typed, the other
    clauses, and the word clauses. None for other queries: operators and groups, patterns (wildcards,
    fuzzy terms)."""
    if any(found.group() and not found.group().startswith('"') for found in _OPERATORS.finditer(text)):
        return None
    others = []
    while type(parsed) is wq.AndNot:  # `-word`, `-lang:fr`
        others.append(wq.Not(parsed.b))
        parsed = parsed.a
    clauses = parsed.subqueries if type(parsed) is wq.And else [parsed]
    words = []
    for clause in clauses:
        word = _word_clause(clause)
        if word is not None:
            if not word.word or any(not isinstance(leaf, (wq.Term, wq.Phrase)) or isinstance(leaf, wq.MultiTerm)
                                    for leaf in word.leaves()):
                return None
            words.append(word)
        elif type(clause) is wq.Not or not any(isinstance(q, _WordClause) for q in _walk(clause)):
            others.append(clause)
        else:
            return None
    return (" ".join(word.word for word in words), others, words) if words else None


def _walk(query):
    yield query
    if not query.is_leaf():
        for sub in query.children():
            yield from _walk(sub)
