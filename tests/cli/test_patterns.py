"""Wildcards and fuzzy terms match the words as written in every language: never fewer articles than the
plain word (German `Snowden` is indexed as the stem `snowd`, French `Obama` as `obam`)."""

from __future__ import annotations

import pytest

from tests.cli.test_cli import run
from tests.cli.test_exact import found as listed
from tests.conftest import write_articles

ARTICLES = {
    "en/a.md": ("en", "Kerry and Obama",
                "John Kerry met Barack Obama. Edward Snowden was discussed; Bombardier won a contract."),
    "en/b.md": ("en", "Secretary Kerry", "Secretary Kerry said Snowden should return."),
    "de/a.md": ("de", "Snowden in Moskau", "Edward Snowden bleibt in Moskau. Snowdens Anwalt sprach mit Obama."),
    "de/b.md": ("de", "Der Fall", "Der Whistleblower Snowden und der Konzern Bombardier wurden genannt."),
    "fr/a.md": ("fr", "Obama parle", "Barack Obama a parlé de Snowden et de Kerry. Bombardier a annoncé des emplois."),
    "fr/b.md": ("fr", "Washington", "Le président Obama a reçu le secrétaire Kerry."),
}


@pytest.fixture
def corpus(tmp_path):
    return write_articles(tmp_path / "corpus", ARTICLES)


def found(corpus, query: str) -> set[str]:
    return set(listed(corpus, query))


@pytest.mark.parametrize("word,patterns", [
    ("Snowden", ["Sn?wden", "Snowd*n", "snowden~1", "Snowdan~1", "Snowde*"]),
    ("Obama", ["Ob?ma", "Oba*", "obama~1", "Obamma~1"]),
    ("Kerry", ["K?rry", "Ker*y", "kery~1"]),
    ("Bombardier", ["Bombard?er", "Bombardier*", "bombardeir~1"]),
])
def test_a_pattern_never_finds_fewer_articles_than_the_word(corpus, word, patterns):
    plain = found(corpus, word)
    assert {path.split("/")[0] for path in plain} == {"en", "de", "fr"} or word == "Kerry"
    for pattern in patterns:
        assert found(corpus, pattern) >= plain, pattern


def test_a_pattern_that_cannot_match_a_word_says_so(corpus):
    result = run("search", "Snowden OR l'arm*", corpus=corpus)
    assert result.returncode == 0
    assert "'l'arm*' cannot match" in result.stderr and "'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
