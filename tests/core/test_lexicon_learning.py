"""The lexicon learner on a small committed fixture of aligned paragraphs, and the learned store."""

from __future__ import annotations

import json
from pathlib import Path

from reader.core.translation.expansion import analysed_terms
from reader.core.translation.lexicon import AnalystLexicon, LearnedLexicon, LexiconSource, segments_of, update_learned
from reader.core.translation.lexicon_learning import learn_pair

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "aligned" / "en-fr.jsonl"


def _segments() -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    rows = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]
    return [(analysed_terms(row["en"], "en"), analysed_terms(row["fr"], "fr")) for row in rows]


def _best(table, word: str, lang: str) -> str:
    return table[analysed_terms(word, lang)[0]][0].term


def test_the_learner_finds_each_words_translation_in_both_directions():
    english_to_french, french_to_english = learn_pair(_segments())
    for english, french in [("government", "gouvernement"), ("soldiers", "soldats"), ("bridge", "pont"),
                            ("children", "enfants"), ("school", "école"), ("army", "armée")]:
        assert _best(english_to_french, english, "en") == analysed_terms(french, "fr")[0], english
        assert _best(french_to_english, french, "fr") == analysed_terms(english, "en")[0], french


def test_learned_translations_carry_their_strength_and_evidence():
    english_to_french, _ = learn_pair(_segments())
    found = english_to_french[analysed_terms("government", "en")[0]][0]
    assert 0.3 < found.strength <= 1.0
    assert found.segments == 3  # the three fixture lines about the government
    assert all(0.1 <= t.strength <= 1.0 for options in english_to_french.values() for t in options)


def test_a_rare_word_is_learned_from_one_paragraph_but_is_no_relatedness_evidence():
    # "pont" and "bridge" are known from other segments; the one segment with "viaduc" leaves "viaduct" to it
    segments = [(["pont", "fleuv"], ["bridg", "river"]), (["pont", "rout"], ["bridg", "road"]),
                (["fleuv", "rout"], ["river", "road"]), (["pont", "viaduc"], ["bridg", "viaduct"])]
    french_to_english, _ = learn_pair(segments)
    found = french_to_english["viaduc"][0]
    assert (found.term, found.segments) == ("viaduct", 1) and found.strength >= 0.5
    lexicon = LearnedLexicon(tables={("fr", "en"): french_to_english}, surface={"en": {"viaduct": "viaduct"}})
    source = LexiconSource(lexicon, AnalystLexicon())
    assert [t.terms for t in source.translate("viaduc", ["en"], "fr")] == [("viaduct",)]  # searched
    assert list(source.written("viaduc", "fr", ["en"])) == []  # not evidence of one story
    assert [text for text, _ in source.written("pont", "fr", ["en"])][:1] == ["bridg"]


def test_a_word_seen_with_everything_is_not_everyones_translation():
    english_to_french, _ = learn_pair(_segments())
    # "the" is a stop word and "monday" co-occurs with "lundi" only: neither becomes "pont"
    assert all(t.term != analysed_terms("pont", "fr")[0]
               for t in english_to_french.get(analysed_terms("Monday", "en")[0], []))


def test_function_words_of_a_language_without_stop_words_are_not_learned():
    # "a" (Czech "and") and "said" stand in half the segments together; each story word in five or fewer
    pairs = [(f"slovo{n}", f"word{n}") for n in range(12)]
    segments = []
    for n in range(48):
        left, right = [pairs[n % 12][0], pairs[(n + 1) % 12][0]], [pairs[n % 12][1], pairs[(n + 1) % 12][1]]
        if n % 2:
            left, right = left + ["a"], right + ["said"]
        segments.append((left, right))
    czech_to_english, english_to_czech = learn_pair(segments)
    assert "a" not in czech_to_english and "said" not in english_to_czech
    assert czech_to_english["slovo3"][0].term == "word3"
    assert all(t.term != "said" for options in czech_to_english.values() for t in options)


def test_aligned_paragraphs_are_learned_from_sentence_by_sentence():
    english = ("en", "Floods in the north", "The river rose overnight. Soldiers built a wall of sand.\n\n"
               "Schools stayed closed.")
    french = ("fr", "Inondations dans le nord", "La rivière a monté pendant la nuit. Des soldats ont bâti un mur "
              "de sable.\n\nLes écoles sont restées fermées.")
    segments, _ = segments_of(english, french)
    assert [(list(a), list(b)) for a, b in segments] == [
        (list(analysed_terms(left, "en")), list(analysed_terms(right, "fr"))) for left, right in [
            ("Floods in the north", "Inondations dans le nord"),
            ("The river rose overnight.", "La rivière a monté pendant la nuit."),
            ("Soldiers built a wall of sand.", "Des soldats ont bâti un mur de sable."),
            ("Schools stayed closed.", "Les écoles sont restées fermées.")]]


def test_nothing_to_learn_from_no_segments():
    assert learn_pair([]) == ({}, {})
    assert learn_pair([((), ("pont",))]) == ({}, {})


def _articles() -> dict[str, tuple[str, str, str]]:
    """Five translated article pairs of the fixture's lines, three or four lines each."""
    rows = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]
    articles = {}
    for n in range(5):
        part = rows[n * 3:n * 3 + 3] if n < 4 else rows[12:]
        articles[f"{n}_en.txt"] = ("en", part[0]["en"], "\n".join(row["en"] for row in part[1:]))
        articles[f"{n}_fr.txt"] = ("fr", part[0]["fr"], "\n".join(row["fr"] for row in part[1:]))
    return articles


def _story(article_id: str) -> list[str]:
    number, lang = article_id.split("_")
    return [article_id, f"{number}_{'fr' if lang == 'en.txt' else 'en'}.txt"]


def test_the_store_learns_from_same_story_pairs_incrementally_and_forgets_removed_articles(tmp_path):
    articles = _articles()
    update_learned(tmp_path, articles.get, _story, list(articles)[:8], []).save(tmp_path)
    assert len(LearnedLexicon.load(tmp_path).pairs) == 4 and not LearnedLexicon.load(tmp_path).tables  # too few
    lexicon = update_learned(tmp_path, articles.get, _story, ["4_en.txt"], [])  # the fifth pair, incrementally
    lexicon.save(tmp_path)
    assert len(LearnedLexicon.load(tmp_path).pairs) == 5
    source = LexiconSource(LearnedLexicon.load(tmp_path), AnalystLexicon())
    found = list(source.translate("soldiers", ["fr"]))
    assert found and found[0].terms == analysed_terms("soldats", "fr") and found[0].source == "learned"
    assert found[0].shown == "soldats" and found[0].evidence >= 3
    update_learned(tmp_path, articles.get, _story, [], ["0_fr.txt"]).save(tmp_path)
    fewer = LearnedLexicon.load(tmp_path)
    assert len(fewer.pairs) == 4 and not fewer.tables


def test_a_damaged_store_reads_as_empty(tmp_path):
    (tmp_path / "lexicon-learned.pickle").write_bytes(b"not a pickle")
    assert not LearnedLexicon.load(tmp_path).pairs
