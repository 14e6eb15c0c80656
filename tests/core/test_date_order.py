"""Date-sorted searches and the empty query list what Whoosh's own sort lists, in its order."""

from __future__ import annotations

import pytest
from whoosh import query as wq
from whoosh.sorting import FieldFacet

from reader.core.engine import Engine
from tests.conftest import write

ARTICLES = 90


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("dates") / "corpus"
    for n in range(ARTICLES):
        date = f"date: 20{10 + n % 7}-0{1 + n % 9}-1{n % 10}\n" if n % 4 else ""  # a quarter undated
        lang, word = ("fr", "la police a dit") if n % 3 == 0 else ("en", "the police said")
        write(corpus, f"{n % 5}/a{n:03}.md", f"---\ntitle: Item {n}\nlang: {lang}\n{date}---\n"
                                             f"Harbour news {n}: {word} on the record.\n")
    engine = Engine(corpus, corpus.parent / "index")
    engine.update()
    for n in range(0, ARTICLES, 11):  # a second segment, and deleted documents in the first
        (corpus / f"{n % 5}/a{n:03}.md").unlink()
    write(corpus, "5/late.md", "---\ntitle: Late item\nlang: en\ndate: 2030-01-01\n---\nThe police said so.\n")
    write(corpus, "5/undated.md", "---\ntitle: Undated item\nlang: en\n---\nThe police said so.\n")
    engine.update()
    yield engine
    engine.close()


def _whoosh_order(engine, query, lang=None):
    searcher = engine._require_index().searcher()
    parsed = wq.Every() if query == "*" else engine._require_index().parse(query, engine._resolve_entity)
    filters = wq.Term("lang", lang) if lang else None
    hits = searcher.search(parsed, limit=None, filter=filters,
                           sortedby=[FieldFacet("date", reverse=True), FieldFacet("id")])
    return [hit["id"] for hit in hits]


@pytest.mark.parametrize(("query", "lang"), [("*", None), ("police", None), ("police", "fr"), ("harbour", "en")])
def test_the_newest_come_first_as_whoosh_sorts_them(engine, query, lang):
    expected = _whoosh_order(engine, query, lang)
    found = engine.search(query, limit=None, sort="date", lang=lang, as_typed=True, snippets=False)
    assert [hit.id for hit in found.hits] == expected
    assert found.total == len(expected) > 10
    assert [hit.id for hit in engine.search(query, limit=7, sort="date", lang=lang, as_typed=True).hits] \
        == expected[:7]


def test_the_empty_query_lists_every_article_newest_first(engine):
    listed = engine.search("*", limit=3)
    assert [hit.id for hit in listed.hits][0] == "5/late.md"
    assert listed.total == ARTICLES - len(range(0, ARTICLES, 11)) + 2
    assert engine.search("*", limit=None).hits[-1].id == "5/undated.md"  # undated last, then by id
