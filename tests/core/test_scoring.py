"""Ranking from posting blocks (terms, wildcards, phrases) gives Whoosh's scores and order."""

from __future__ import annotations

import sys

import pytest

from reader.core.engine import Engine
from reader.core.indexing.segment_merge import fill_arrays
from reader.core.search import index as index_module
from reader.core.search import posting_arrays, scoring
from reader.core.search.array_ranking import ArrayRanker
from reader.core.search.scoring import Ranker
from tests.conftest import DEMO_CORPUS, replace_and_delete, write, write_word_articles

QUERIES = ["police", "police officers", "government OR police", "polic*", "gouv*", "police NOT government",
           "lang:fr police", "title:police", "tag:watch", "p?lice", "police AND (court OR economy)",
           "drones", "Shoigu OR Choïgou", "entity:putin", "zzzz", "gover*", '"the police said"',
           '"police said"', '"la police"', '"said police"', '"police"', '"economy police" OR court',
           '"police said" -economy', "the police", "la police", "du gouvernement officers",
           "the police NOT economy", "la OR police", "the la", "Shoigu officers", "Choïgou police"]


def _write_articles(corpus):
    write_word_articles(corpus, 300, ["police", "government", "gouvernement", "economy", "court", "officers",
                                      "the", "drones"],
                        ["la", "police", "du", "gouvernement", "a", "dit", "mardi", "policier"], lambda n: 10 + n % 50)


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("scoring") / "corpus"
    _write_articles(corpus)
    for n in range(0, 300, 17):
        write(corpus, f"a{n:03}.txt.yaml", "tags: [watch]\n")
    for path in DEMO_CORPUS.glob("*.txt"):
        write(corpus, f"demo/{path.name}", path.read_text(encoding="utf-8"))
    engine = Engine(corpus, corpus.parent / "index")
    engine.update()
    # replaced and deleted documents, in a second segment
    replace_and_delete(corpus, 300, 11, "Title {n} police\n\nnothing here but economy police\n")
    engine.update()
    # the array ranker reads the terms of 20 documents or more in a segment from its posting arrays, the
    # others from their blocks
    for path in (corpus.parent / "index").glob("*" + posting_arrays.EXTENSION):
        path.unlink()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(posting_arrays, "MIN_DOCS", 20)
        assert fill_arrays(corpus.parent / "index") == 2
    engine.close()
    yield engine
    engine.close()


@pytest.fixture(params=[Ranker, ArrayRanker])
def ranking(request, monkeypatch):
    """Each ranker in turn: on dictionaries (small indexes, without NumPy) and on NumPy arrays."""
    monkeypatch.setattr(index_module, "_ranker_class", lambda searcher: request.param)
    return request.param


def _whoosh_ranking(engine, query, **options):
    """What Whoosh's own matchers give for the query."""
    original = index_module.can_rank
    index_module.can_rank = lambda parsed: False
    try:
        return engine.search(query, limit=None, snippets=False, **options)
    finally:
        index_module.can_rank = original


@pytest.mark.parametrize("query", QUERIES)
def test_scores_and_order_equal_whooshs(engine, query, ranking):
    _assert_ranked_as_whoosh(engine, query)


def test_a_deleted_article_leaves_the_other_posting_blocks_whole(tmp_path, ranking):
    """Deletions are filtered only from the blocks whose range holds one: the rest are read as stored."""
    corpus = tmp_path / "corpus"
    _write_articles(corpus)
    engine = Engine(corpus, tmp_path / "index")
    try:
        engine.update()
        before = engine.search("police", limit=None, snippets=False).total
        (corpus / "a200.txt").unlink()  # in the second block (of 128 postings) of its segment
        assert engine.update().removed == 1
        for query in ("police", "police officers", '"la police"', "polic*"):
            _assert_ranked_as_whoosh(engine, query)
        assert engine.search("police", limit=None, snippets=False).total == before - 1
    finally:
        engine.close()


def test_phrases_whose_words_stand_far_apart_are_found_as_whoosh_finds_them(tmp_path, ranking):
    """Positions far apart are kept as gaps of two and four bytes; the phrase is found across them."""
    filler = " ".join(["word"] * 70_000)
    corpus = tmp_path / "corpus"
    write(corpus, "far.txt", f"Far\n\nred word car {filler} red car\n")
    write(corpus, "near.txt", f"Near\n\nred car {' '.join(['word'] * 300)} red car and red paint\n")
    write(corpus, "apart.txt", f"Apart\n\nred {filler} car\n")
    engine = Engine(corpus, tmp_path / "index")
    try:
        engine.update()
        for query in ('"red car"', '"word red car"', '"red car" OR paint'):
            _assert_ranked_as_whoosh(engine, query)
        assert {hit.id for hit in engine.search('"red car"').hits} == {"far.txt", "near.txt"}
    finally:
        engine.close()


def _assert_ranked_as_whoosh(engine, query):
    assert index_module.can_rank(engine._require_index().parse(query, engine._resolve_entity))
    ours = engine.search(query, limit=None, snippets=False)
    theirs = _whoosh_ranking(engine, query)
    assert ours.total == theirs.total
    assert {h.id: round(h.score, 9) for h in ours.hits} == {h.id: round(h.score, 9) for h in theirs.hits}
    assert [h.id for h in ours.hits] == [h.id for h in theirs.hits]
    assert ours.terms == theirs.terms


def test_a_limit_keeps_the_best_and_the_filters_hold(engine, ranking):
    for query, options in [("police", {"lang": "fr"}), ("polic*", {"tag": "watch"}), ("police officers", {})]:
        full = _whoosh_ranking(engine, query, **options)
        top = engine.search(query, limit=7, snippets=False, **options)
        assert [h.id for h in top.hits] == [h.id for h in full.hits][:7]
        assert top.total == full.total


def test_a_count_is_the_total_of_its_search_with_or_without_filters(engine, ranking):
    """`count` takes the documents from the scores the ranker keeps (or from the postings when it cannot
    rank the query): the same number as the search's total, with whoosh's own count for the rest."""
    for query in QUERIES + ["police~", "date:2024"]:
        for options in ({}, {"lang": "fr"}, {"tag": "watch"}):
            scoring.forget_recent_scores()
            counted = engine.count(query, **options)
            assert counted == engine.search(query, limit=None, snippets=False, **options).total, (query, options)
            scoring.forget_recent_scores()
            assert engine.count(query, **options) == counted  # scored first by the count itself


def test_a_query_whoosh_ranks_lists_every_match_of_its_translated_words(engine):
    """A fuzzy word keeps the query with Whoosh; the `at least one word` part of a translated query
    must not make it lose matches (it did: 2 listed of 286)."""
    for query in ("Choïgou police~", "Choïgou police~ -economy"):
        for limit in (20, None):
            found = engine.search(query, limit=limit, snippets=False)
            assert found.total > 100
            assert len(found.hits) == min(found.total, limit or found.total)



def test_arrays_give_the_dictionaries_scores_to_the_last_bit(engine, monkeypatch):
    for query in QUERIES:
        for options in ({"limit": None}, {"limit": 5}, {"limit": None, "lang": "fr"}, {"limit": 3, "tag": "watch"}):
            found = []
            for ranker in (Ranker, ArrayRanker):
                monkeypatch.setattr(index_module, "_ranker_class", lambda searcher, ranker=ranker: ranker)
                scoring.forget_recent_scores()
                results = engine.search(query, snippets=False, **options)
                found.append((results.total, [(hit.id, hit.score) for hit in results.hits]))
            assert found[0] == found[1], (query, options)


def test_recent_scores_keep_the_most_recently_used_within_their_budget(monkeypatch):
    monkeypatch.setattr(scoring, "KEPT_SCORES", 5)
    recent = scoring.RecentScores()
    recent.keep("a", {1: 1.0, 2: 1.0}, 2)
    recent.keep("b", {3: 1.0, 4: 1.0}, 2)
    assert recent.get("a") == {1: 1.0, 2: 1.0}  # now the most recently used
    recent.keep("c", {5: 1.0, 6: 1.0}, 2)  # six scores: the least recently used goes
    assert recent.get("b") is None
    assert recent.get("a") is not None and recent.get("c") is not None
    recent.keep("d", dict.fromkeys(range(9), 1.0), 9)  # larger than the budget alone: kept by itself
    assert recent.get("a") is None and recent.get("c") is None and recent.get("d") is not None


def test_a_query_typed_on_ranks_as_if_searched_first_and_an_update_is_not_hidden(tmp_path, ranking):
    corpus = tmp_path / "corpus"
    _write_articles(corpus)
    engine = Engine(corpus, tmp_path / "index")
    engine.update()
    typed = ["p", "po", "pol", "police", "police o", "police off", "police officers", "police"]
    as_typed = [[(h.id, h.score) for h in engine.search(q, limit=15, snippets=False).hits] for q in typed]
    scoring.forget_recent_scores()
    for query, seen in zip(typed, as_typed):
        scoring.forget_recent_scores()
        assert [(h.id, h.score) for h in engine.search(query, limit=15, snippets=False).hits] == seen, query
    write(corpus, "zz-new.txt", "Police police police\n\npolice police police officers police\n")
    engine.update()  # a new searcher: the scores kept for the old one are not used
    assert engine.search("police", limit=1, snippets=False).hits[0].id == "zz-new.txt"
    engine.close()


def test_a_searcher_ranks_on_arrays_once_numpy_is_loaded(engine, monkeypatch):
    import numpy  # noqa: F401 - loaded, as the app loads it

    searcher = engine._require_index().searcher()
    assert index_module._ranker_class(searcher) is ArrayRanker
    monkeypatch.delitem(sys.modules, "numpy")
    assert index_module._ranker_class(searcher) is Ranker  # a small index, NumPy not loaded
    monkeypatch.setattr(index_module, "ARRAY_RANKING_DOCS", searcher.doc_count_all())
    assert index_module._ranker_class(searcher) is ArrayRanker  # large enough to load it
