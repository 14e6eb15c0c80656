"""Stop words in queries: a word that one language leaves out does not exclude that language's articles.

The parser searches each bare word in the title and in every language's text field. A stop word in
one language ("the", "le", "die") is no term there, so Whoosh keeps it only in the other fields, and
`the war` or `le matériel militaire` would require "the" or "le" in the title of every English or
French article. Here a word that a language's analysis drops is, where all the words of an AND must
match, satisfied by any article in that language (which scores it as a match of its language, 1),
as a one-language search engine would simply ignore it. Articles in other languages still need the
word: "die" is a German stop word and an English verb.
"""

from __future__ import annotations

from typing import Callable

from reader.core.lean_import import deferring

with deferring():
    from whoosh import query as wq
    from whoosh.qparser import QueryParser, syntax
    from whoosh.qparser.plugins import MultifieldPlugin


class _WordClause(wq.Or):
    """One bare word searched in several fields; `dropped` names the text fields whose analysis left
    nothing of it (its stop words). Replaced by a plain Or before the query is used."""

    dropped: frozenset[str] = frozenset()


class _WordGroup(syntax.OrGroup):
    """The parser's group of one bare word's copies, one a field."""

    qclass = _WordClause

    def query(self, parser):
        found, dropped = [], set()
        for node in self.nodes:
            query = node.query(parser)
            if query is not None:
                found.append(query)
            elif node.fieldname.startswith("text"):
                dropped.add(node.fieldname)
        clause = _WordClause(found, boost=self.boost, **self.kwargs)
        clause.dropped = frozenset(dropped)
        return syntax.attach(clause, self)


def multifield_parser(fields: list[str], schema) -> QueryParser:
    """A parser searching bare words in `fields` that remembers which fields dropped each word."""
    parser = QueryParser(None, schema)
    parser.add_plugin(MultifieldPlugin(fields, group=_WordGroup))
    return parser


def ignore_stop_words(parsed, langs_of_field: Callable[[str], list[str]]):
    """The parsed query (from `multifield_parser`, not normalised) with each word clause of an AND also
    matched by the articles whose language drops the word; `langs_of_field` gives the index's language
    values analysed in a text field."""
    if isinstance(parsed, _WordClause):
        return wq.Or(parsed.subqueries, boost=parsed.boost)
    if type(parsed) is wq.And:
        return _and_ignoring(parsed, langs_of_field)
    if parsed.is_leaf():
        return parsed
    return parsed.apply(lambda q: ignore_stop_words(q, langs_of_field))


def _and_ignoring(query, langs_of_field: Callable[[str], list[str]]):
    words = [q for q in query.subqueries if isinstance(q, _WordClause)]
    positive = [q for q in query.subqueries if type(q) is not wq.Not]
    # a field that drops every required word would match all its articles: there the words count
    everywhere = frozenset.intersection(*(q.dropped for q in words)) \
        if words and len(words) == len(positive) else frozenset()
    parts = []
    for sub in query.subqueries:
        part = ignore_stop_words(sub, langs_of_field)
        langs = [lang for name in sorted(sub.dropped - everywhere) for lang in langs_of_field(name)] \
            if isinstance(sub, _WordClause) else []
        if langs:
            part = wq.Or([part, *(wq.Term("lang", lang) for lang in langs)])
        parts.append(part)
    return wq.And(parts, boost=query.boost)
