"""Narrowing a query by a facet value: the field clause is written into the query text itself.

So the query box always shows what is in force (`drones lang:fr source:"Le Monde"`), and choosing
the same value again takes the clause out.
"""

from __future__ import annotations

import re

_BARE_VALUE = re.compile(r"[\w.-]+")


def facet_clause(field: str, value: str) -> str:
    """The query clause for one facet value: `lang:fr`, `source:"Le Monde"` (quotes dropped from values)."""
    value = " ".join(value.replace('"', " ").split())
    return f"{field}:{value}" if _BARE_VALUE.fullmatch(value) else f'{field}:"{value}"'


def _clause_pattern(clause: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\S)" + re.escape(clause) + r"(?!\S)", re.IGNORECASE)


def has_clause(query: str, clause: str) -> bool:
    """True when `clause` stands in the query as a word of its own."""
    return bool(_clause_pattern(clause).search(query))


def toggle_clause(query: str, clause: str) -> str:
    """The query with `clause` added at the end, or taken out when it is there already."""
    if has_clause(query, clause):
        return " ".join(_clause_pattern(clause).sub(" ", query).split())
    return f"{query.strip()} {clause}".strip()


def toggle_clauses(query: str, clauses: list[str]) -> str:
    """The query with each of `clauses` toggled in turn (see `toggle_clause`)."""
    for clause in clauses:
        query = toggle_clause(query, clause)
    return query
