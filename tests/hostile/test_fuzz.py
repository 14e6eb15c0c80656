"""Property-based tests: arbitrary bytes and text never crash the loader, the query path or the snippets."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.core.corpus.articles import ArticleSkipped, load_article
from reader.core.engine import Engine
from reader.core.query import QueryError
from reader.core.results.snippets import make_snippet, plain
from reader.core.search.index import match_spans
from reader.core.text import safe_text
from tests.conftest import write

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".txt", ".md", ".html"]))
def test_loader_never_crashes(data, suffix):
    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder), f"a{suffix}", data)
        try:
            article = load_article(Path(folder), path)
        except ArticleSkipped:
            return
        assert isinstance(article.title, str) and isinstance(article.lang, str)


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzz")
    write(root, "a.txt", "Drones for Russia\n\nChina delivers drones, 64.2 % more, said Shoigu.\n")
    write(root, "b.txt", "Livraisons\n\nLes livraisons de drones à la Russie inquiètent les États-Unis.\n")
    engine = Engine(root, root / ".ix")
    engine.update()
    return engine


@FUZZ
@given(query=st.text(max_size=200))
def test_any_query_is_answered_or_rejected_with_a_message(engine, query):
    try:
        results = engine.search(query, limit=5)
    except QueryError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    for hit in results.hits:
        assert safe_text(plain(hit.snippet)) == plain(hit.snippet)


@FUZZ
@given(text=st.text(max_size=2000), lang=st.sampled_from(["en", "fr", "ru", "zh", "und"]),
       words=st.lists(st.text(min_size=1, max_size=8), max_size=4))
def test_snippets_of_any_text_are_terminal_safe(text, lang, words):
    terms = frozenset(("text_" + lang, w) for w in words) | frozenset(("title", w) for w in words)
    spans = match_spans(terms, text, lang)
    assert all(0 <= a < b <= len(text) for a, b in spans)
    snippet = plain(make_snippet(text, spans))
    assert safe_text(snippet) == snippet
