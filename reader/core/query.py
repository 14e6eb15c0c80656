"""Checks on query text before it reaches the parser, so malformed queries get a precise message."""

from __future__ import annotations

import re

from reader.core.errors import ReaderError

MAX_QUERY_CHARS = 2000
MAX_NESTING = 50
QUERY_FIELDS = ("title", "lang", "tag", "entity", "source", "date", "id")
_FIELD_RE = re.compile(r"(?<![\w:/])([A-Za-z_][A-Za-z_0-9]*):(?!//)")
_FIELD_OUTSIDE_QUOTES_RE = re.compile(r'"[^"]*"|' + _FIELD_RE.pattern)  # a phrase, or a field name
_OPERATORS = ("AND", "OR", "NOT", "ANDNOT", "ANDMAYBE")


class QueryError(ReaderError, ValueError):
    """A query that cannot be run; str() is a one-line explanation for the analyst."""


def check_query(text: str) -> str:
    """Validate raw query text and return it stripped; raise QueryError saying what is wrong."""
    if "\x00" in text:
        raise QueryError("the query contains a NUL character")
    text = text.strip()
    if not text:
        raise QueryError("the query is empty")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is too long ({len(text):,} characters; the limit is {MAX_QUERY_CHARS:,})")
    if text.count('"') % 2:
        raise QueryError('unbalanced quotes: a "phrase" is not closed')
    outside_quotes = re.sub(r'"[^"]*"', " \x01 ", text)  # a phrase stays one operand
    depth = 0
    for char in outside_quotes:
        if char == "(":
            depth += 1
            if depth > MAX_NESTING:
                raise QueryError(f"parentheses are nested deeper than {MAX_NESTING} levels")
        elif char == ")":
            depth -= 1
            if depth < 0:
                raise QueryError("unbalanced parentheses: ')' without '('")
    if depth:
        raise QueryError("unbalanced parentheses: '(' is not closed")
    if sum(map(outside_quotes.count, "[{")) != sum(map(outside_quotes.count, "]}")):
        raise QueryError("unbalanced brackets: a range such as date:[2023 TO 2024] is not closed")
    for match in _FIELD_RE.finditer(outside_quotes):
        name = match.group(1)
        if name.lower() not in QUERY_FIELDS:
            raise QueryError(f"unknown field '{name}:' (fields: {', '.join(f + ':' for f in QUERY_FIELDS)})")
        after = outside_quotes[match.end():match.end() + 2]
        if after[:1] in ("", " ", "\t", "\n", ")") and after != " \x01":  # \x01: a phrase
            raise QueryError(f"'{name}:' has no value (write {name.lower()}:word, or {name.lower()}:\"two words\")")
    words = outside_quotes.split()
    for first, second in zip(words, words[1:]):
        if first in _OPERATORS and second in _OPERATORS and not (second == "NOT" and first in ("AND", "OR")):
            raise QueryError(f"'{first} {second}': two operators in a row")
    if words and words[-1] in _OPERATORS:
        raise QueryError(f"'{words[-1]}' at the end of the query has nothing to apply to")
    if words and words[0] in ("AND", "OR", "ANDNOT", "ANDMAYBE"):
        raise QueryError(f"'{words[0]}' at the start of the query has nothing on its left")
    return _FIELD_OUTSIDE_QUOTES_RE.sub(lambda m: m.group(1).lower() + ":" if m.group(1) else m.group(), text)
