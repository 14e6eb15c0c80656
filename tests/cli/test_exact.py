"""Exact search from the command line: case, accents, word form and as-typed, per word and per phrase,
in English, German, French and Russian; wildcards and fuzzy terms over the words as written."""

from __future__ import annotations

import json

import pytest

from tests.cli.test_cli import run
from tests.conftest import write_articles

ARTICLES = {
    "en/army.md": ("en", "The US army", "The US army moved north on Monday, officials said."),
    "en/pronoun.md": ("en", "Give it to us", "Give it to us now, said the runner who runs every day."),
    "en/running.md": ("en", "A runner in the park", "The runner was running through the park all morning."),
    "de/mueller.md": ("de", "Thomas Müller trifft", "Thomas Müller traf zweimal. Die Müllers feierten im Stadion."),
    "de/muller.md": ("de", "Ein Name ohne Umlaut", "Der Name Muller wird hier ohne Umlaut geschrieben."),
    "de/essen-city.md": ("de", "Reise in den Westen", "Die Stadt Essen liegt im Ruhrgebiet."),
    "de/essen-verb.md": ("de", "Ein Abend zu Hause", "Wir essen heute zu Hause mit der Familie."),
    "fr/eleve.md": ("fr", "Un concours", "Un élève a gagné le concours de mathématiques."),
    "fr/eleve-prix.md": ("fr", "Les prix", "Le prix du pain est élevé cette année."),
    "ru/station.md": ("ru", "Космос", "Станция Мир вернулась на Землю."),
    "ru/peace.md": ("ru", "Политика", "Весь мир ждёт, когда наступит мир."),
    "ru/forms.md": ("ru", "Судьба", "Судьба мира решается сегодня в столице."),
}


@pytest.fixture
def corpus(tmp_path):
    return write_articles(tmp_path / "corpus", ARTICLES)


def found(corpus, query: str) -> list[str]:
    result = run("search", query, "--format", "paths", "--limit", "0", corpus=corpus)
    assert result.returncode in (0, 1), result.stderr
    return sorted(path.split("/corpus/", 1)[1] for path in result.stdout.split())


@pytest.mark.parametrize("query,plain,exact", [
    ("US", ["en/army.md", "en/pronoun.md"], ["en/army.md"]),                       # case, English
    ("Essen", ["de/essen-city.md", "de/essen-verb.md"], ["de/essen-city.md"]),     # case, German
    ("Мир", ["ru/forms.md", "ru/peace.md", "ru/station.md"], ["ru/station.md"]),  # case, Cyrillic
    ("Müller", ["de/mueller.md", "de/muller.md"], ["de/mueller.md"]),             # accents, German
    ("élève", ["fr/eleve-prix.md", "fr/eleve.md"], ["fr/eleve.md"]),               # accents, French
    ("runs", ["en/pronoun.md", "en/running.md"], ["en/pronoun.md"]),               # word form, English
    ("мира", ["ru/forms.md", "ru/peace.md", "ru/station.md"], ["ru/forms.md"]),   # word form, Russian
])
def test_equals_searches_a_word_exactly_as_written(corpus, query, plain, exact):
    assert found(corpus, query) == plain
    assert found(corpus, f"={query}") == exact


@pytest.mark.parametrize("query,expected", [
    ("US/c", ["en/army.md"]),
    ("us/c", ["en/pronoun.md"]),
    ("essen/c", ["de/essen-verb.md"]),
    ("мир/c", ["ru/forms.md", "ru/peace.md"]),      # case only: other forms of the word still count
    ("Müller/a", ["de/mueller.md"]),
    ("müller/a", ["de/mueller.md"]),                 # accents only: the case is free
    ("élève/a", ["fr/eleve.md"]),
    ("élevé/a", ["fr/eleve-prix.md"]),
    ("Muller/a", ["de/muller.md"]),
    ("runs/f", ["en/pronoun.md"]),
    ("running/f", ["en/running.md"]),
    ("мир/f", ["ru/peace.md", "ru/station.md"]),    # form only: Мир and мир, not мира
    ("мир/cf", ["ru/peace.md"]),
    ("MÜLLER/a", ["de/mueller.md"]),
    ("müller/c", []),                                # no article writes the name in lower case
])
def test_each_control_alone(corpus, query, expected):
    assert found(corpus, query) == expected


def test_a_phrase_is_exact_as_a_whole(corpus):
    assert found(corpus, '"us army"') == ["en/army.md"]
    assert found(corpus, '="US army"') == ["en/army.md"]
    assert found(corpus, '="us army"') == []
    assert found(corpus, '="The US army"') == ["en/army.md"]  # stop words count in an exact phrase
    assert found(corpus, '="Thomas Müller traf"') == ["de/mueller.md"]
    assert found(corpus, '="Thomas Muller traf"') == []
    assert found(corpus, '"Thomas Muller"/c') == ["de/mueller.md"]  # case kept, accents free
    assert found(corpus, '"Name Muller"/a') == ["de/muller.md"]
    assert found(corpus, '"Станция Мир"/c') == ["ru/station.md"]
    assert found(corpus, '="Станция мир"') == []
    assert found(corpus, '="army US"') == []  # both words there, not in this order
    assert found(corpus, '="US moved"') == []  # not in a row
    assert found(corpus, '="Müllers feierten"') == ["de/mueller.md"]
    assert found(corpus, '="Müller feierten"') == []  # the stems stand in a row, the words as written do not


def test_controls_combine_with_the_rest_of_the_language(corpus):
    assert found(corpus, "=US OR =Essen") == ["de/essen-city.md", "en/army.md"]
    assert found(corpus, "runner -=runs") == ["en/running.md"]
    assert found(corpus, "(=Мир OR =мира) lang:ru") == ["ru/forms.md", "ru/station.md"]
    assert found(corpus, "=US/c") == ["en/army.md"]  # letters after an exact word add nothing


def test_text_output_marks_only_what_matched_exactly(corpus):
    exact = run("search", "=Müller", corpus=corpus).stdout
    assert "**Müller**" in exact and "**Müllers**" not in exact
    plain = run("search", "Müller", "--lang", "de", corpus=corpus).stdout
    assert "**Müllers**" in plain
    cased = run("search", "=US", corpus=corpus).stdout
    assert "**US**" in cased and "**us**" not in cased


def test_json_explains_the_controls_of_each_term(corpus):
    hits = json.loads(run("search", "US/c army/t", "--format", "json", corpus=corpus).stdout)
    assert [hit["id"] for hit in hits] == ["en/army.md"]
    controls = {term["term"]: term for term in hits[0]["controls"]}
    assert controls["US"]["controls"] == ["case", "as-typed"] and controls["US"]["forms"] == ["US"]
    assert controls["army"]["controls"] == ["as-typed"]
    exact = json.loads(run("search", "=Мир", "--format", "json", corpus=corpus).stdout)[0]["controls"]
    assert exact == [{"term": "Мир", "controls": ["case", "accents", "form", "as-typed"], "forms": ["Мир"]}]
    plain = json.loads(run("search", "army", "--format", "json", corpus=corpus).stdout)
    assert "controls" not in plain[0]  # ordinary searches keep the schema as it was


def test_as_typed_alone_searches_as_usual(corpus):
    assert found(corpus, "runs/t") == found(corpus, "runs") == ["en/pronoun.md", "en/running.md"]


@pytest.mark.parametrize("query,message", [
    ("=...", "no word to search as written"),
    ('="-"', "no word to search as written"),
    ("=Sn?wden", "takes no wildcard"),
    ("title:=US", "exact controls search the title and the text together"),
])
def test_a_control_on_nothing_is_a_one_line_error(corpus, query, message):
    result = run("search", query, corpus=corpus)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_the_parser_tells_query_expansion_which_words_are_as_typed(corpus):
    from reader.core.engine import Engine

    engine = Engine(corpus)
    engine.update()
    index = engine._require_index()
    _, controls = index.parse_controlled('army/t =US "the runner"/t Müller/a police')
    assert controls.as_typed == frozenset({"army", "US", "the runner", "Müller"})
    engine.close()


def test_in_a_script_without_case_exact_means_the_word_form(tmp_path):
    corpus = write_articles(tmp_path / "corpus", {
        "hi/one.md": ("hi", "समाचार", "भारत की सरकार ने आज घोषणा की।"),
        "hi/many.md": ("hi", "राज्य", "राज्य सरकारों ने विरोध किया।"),
    })
    assert found(corpus, "सरकार") == ["hi/many.md", "hi/one.md"]
    assert found(corpus, "=सरकार") == ["hi/one.md"]
    assert found(corpus, "सरकारों/f") == ["hi/many.md"]
