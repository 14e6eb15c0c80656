"""The lexicon learner on a small committed fixture of aligned paragraphs, and the learned store."""

from __future__ import annotations

import json
from pathlib import Path

from reader.core.expansion import analysed_terms
from reader.core.lexicon import LearnedLexicon, LexiconSource, AnalystLexicon, update_learned
from reader.core.lexicon_learning import learn_pair

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


def test_a_word_seen_with_everything_is_not_everyones_translation():
    english_to_french, _ = learn_pair(_segments())
    # "the" is a stop word and "monday" co-occurs with "lundi" only: neither becomes "pont"
    assert all(t.term != analysed_terms("pont", "fr")[0]
               for t in english_to_french.get(analysed_terms("Monday", "en")[0], []))


def test_nothing_to_learn_from_no_segments():
    assert learn_pair([]) == ({}, {})
    assert learn_pair([((), ("pont",))]) == ({}, {})


def _articles() -> dict[str, tuple[str, str, str]]:
    rows = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]
    return {"a_en.txt": ("en", "Government and army", "\n".join(row["en"] for row in rows)),
            "a_fr.txt": ("fr", "Gouvernement et armée", "\n".join(row["fr"] for row in rows))}


def test_the_store_learns_from_same_story_pairs_incrementally_and_forgets_removed_articles(tmp_path):
    articles = _articles()
    story = {"a_en.txt": ["a_en.txt", "a_fr.txt"], "a_fr.txt": ["a_fr.txt", "a_en.txt"]}
    lexicon = update_learned(tmp_path, articles.get, lambda i: story.get(i, [i]), list(articles), [])
    lexicon.save(tmp_path)
    assert list(LearnedLexicon.load(tmp_path).pairs) == [("a_en.txt", "a_fr.txt")]
    source = LexiconSource(LearnedLexicon.load(tmp_path), AnalystLexicon())
    found = [t for t in source.translate("soldiers", ["fr"])]
    assert found and found[0].terms == analysed_terms("soldats", "fr") and found[0].source == "learned"
    assert found[0].shown == "soldats" and found[0].evidence >= 3
    update_learned(tmp_path, articles.get, lambda i: [i], [], ["a_fr.txt"]).save(tmp_path)
    emptied = LearnedLexicon.load(tmp_path)
    assert not emptied.pairs and not emptied.tables


def test_a_damaged_store_reads_as_empty(tmp_path):
    (tmp_path / "lexicon-learned.pickle").write_bytes(b"not a pickle")
    assert not LearnedLexicon.load(tmp_path).pairs
