"""Pilot tests: exact controls typed in the query box list only the exact matches and highlight only
what matched (case, accents, word form; English, German, French, Russian)."""

from __future__ import annotations

import pytest

from tests.cli.test_exact import ARTICLES
from tests.conftest import write_articles
from tests.ui.conftest import make_app, ready, type_query, until


@pytest.fixture
def corpus(tmp_path):
    return write_articles(tmp_path / "corpus", ARTICLES)


async def _matched_words(pilot, screen) -> set[str]:
    """Open the first result and return the words the article view highlights."""
    await pilot.press("enter", "enter")
    await until(pilot, lambda: screen.view.document is not None and screen.view.document.matches)
    document = screen.view.document
    return {document.text[start:end] for start, end in document.matches}


@pytest.mark.parametrize("query,ids,words", [
    ("=US", ["en/army.md"], {"US"}),                          # case
    ("us/c", ["en/pronoun.md"], {"us"}),
    ("=Müller", ["de/mueller.md"], {"Müller"}),               # accents and form: not Müllers
    ("Müller/a", ["de/mueller.md"], {"Müller", "Müllers"}),  # accents only: the stem's forms count
    ("élève/a", ["fr/eleve.md"], {"élève"}),
    ("мира/f", ["ru/forms.md"], {"мира"}),                   # word form, Cyrillic
    ("=Мир", ["ru/station.md"], {"Мир"}),                     # case, Cyrillic
    ('="Thomas Müller"', ["de/mueller.md"], {"Thomas", "Müller"}),
])
async def test_controls_in_the_query_box(corpus, query, ids, words):
    app = make_app(corpus)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        screen = await type_query(pilot, query)
        assert [hit.id for hit in screen.results.hits] == ids
        assert f"{len(ids)} hit" in screen.status.facts
        assert await _matched_words(pilot, screen) == words


async def test_without_the_control_the_same_word_finds_more(corpus):
    app = make_app(corpus)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        screen = await type_query(pilot, "US")
        assert sorted(hit.id for hit in screen.results.hits) == ["en/army.md", "en/pronoun.md"]
        screen = await type_query(pilot, "Мир")
        assert len(screen.results.hits) == 3
