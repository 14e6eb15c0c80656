"""Facet narrowing written into the query text."""

from __future__ import annotations

from reader.core.results.narrowing import facet_clause, has_clause, toggle_clause


def test_facet_clause_quotes_values_that_need_it():
    assert facet_clause("lang", "fr") == "lang:fr"
    assert facet_clause("tag", "dual-use") == "tag:dual-use"
    assert facet_clause("entity", "united_states") == "entity:united_states"
    assert facet_clause("source", "Le  Monde") == 'source:"Le Monde"'
    assert facet_clause("source", 'say "hi"') == 'source:"say hi"'


def test_toggle_adds_then_removes_the_clause():
    query = toggle_clause("drones", "lang:fr")
    assert query == "drones lang:fr"
    query = toggle_clause(query, 'source:"Le Monde"')
    assert query == 'drones lang:fr source:"Le Monde"'
    assert has_clause(query, "LANG:fr") and not has_clause(query, "lang:f")
    assert toggle_clause(query, "lang:fr") == 'drones source:"Le Monde"'
    assert toggle_clause("", "tag:x") == "tag:x"
    assert toggle_clause("tag:x", "tag:x") == ""
    assert toggle_clause("lang:french", "lang:fr") == "lang:french lang:fr"
