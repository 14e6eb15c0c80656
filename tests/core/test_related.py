"""RelatedIndex: incremental postings, ranking, reasons, same-story grouping, and a quality floor."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from reader.core.related.store import RelatedIndex, Relation, translation_note

FIXTURE = Path(__file__).parents[1] / "fixtures" / "related_pairs.jsonl"
DEMO_CORPUS = Path(__file__).parents[2] / "corpus"

RUSSIAN = (
    "Путин встретился с Шойгу",
    "Владимир Путин провёл встречу с Сергеем Шойгу в Кремле. Министр доложил, что в 2022 году "
    "армия получила 3 000 дронов и 225 танков. Путин поручил увеличить выпуск на 69 %.",
)
ENGLISH = (
    "Putin meets Shoigu",
    "Vladimir Putin held a meeting with Sergei Shoigu in the Kremlin. The minister reported that in 2022 "
    "the army received 3,000 drones and 225 tanks. Putin ordered output to rise by 69%.",
)
OTHER = (
    "Floods in Bavaria",
    "Heavy rain flooded villages near Passau on Tuesday. Firefighters evacuated 140 residents, "
    "and the Danube rose above 9 metres.",
)


@pytest.fixture
def index(tmp_path: Path):
    related_index = RelatedIndex(tmp_path)
    yield related_index
    related_index.close()


def _ids(relations: list[Relation]) -> list[str]:
    return [relation.id for relation in relations]


def test_translation_across_scripts_is_found_with_reasons(index: RelatedIndex) -> None:
    index.add("ru/putin", "ru", *RUSSIAN)
    index.add("en/putin", "en", *ENGLISH)
    index.add("en/floods", "en", *OTHER)
    index.commit()
    relations = index.related("ru/putin")
    assert _ids(relations)[0] == "en/putin"
    best = relations[0]
    assert best.lang == "en" and best.title == "Putin meets Shoigu" and best.score > 0
    reasons = " | ".join(best.reasons)
    assert "1 shared name: Putin" in reasons
    assert "4 shared numbers: 2022, 3000, 225, 69" in reasons
    assert "Shoygu ~ Shoigu" in reasons


def test_same_story_comes_first_other_languages_before_the_own(index: RelatedIndex) -> None:
    index.add("en/a", "en", *ENGLISH)
    index.add("en/b", "en", ENGLISH[0] + " again", ENGLISH[1] + " More later.")
    index.add("ru/a", "ru", *RUSSIAN)
    index.add("en/floods", "en", *OTHER)
    relations = index.related("en/a")
    assert _ids(relations)[:2] == ["ru/a", "en/b"] and all(r.same_story for r in relations[:2])
    assert [r.lang for r in index.related("en/a", lang="en")] == ["en"] * len(index.related("en/a", lang="en"))


def test_a_weak_candidate_never_outranks_a_same_story_one_for_its_language(index: RelatedIndex) -> None:
    index.add("en/a", "en", *ENGLISH)
    index.add("en/b", "en", ENGLISH[0] + " again", ENGLISH[1] + " More later.")
    index.add("ru/weak", "ru", "Кремль", "Путин прибыл в Кремль в 2022 году. Погода была тёплой, шёл дождь.")
    index.add("ru/other", "ru", "Наводнение", "Дунай поднялся выше 9 метров, эвакуированы 140 жителей.")
    relations = index.related("en/a")
    assert _ids(relations)[0] == "en/b" and relations[0].same_story
    weak = [r for r in relations if r.id == "ru/weak"]
    assert weak and not weak[0].same_story and relations[0].score > weak[0].score
    assert translation_note(relations, "en").startswith("no translation found; closest: RU ")
    assert translation_note(index.related("ru/weak"), "ru").startswith("no translation found; closest: EN ")


def test_two_articles_of_a_language_tied_for_one_story_leave_its_translation_unsaid(index: RelatedIndex) -> None:
    """Two English reports that each retell the Russian article, with other news around it, tie: neither
    is its translation, unless one is gone. A rewrite of the translation is no tie (see the test above)."""
    vines = " Also: Lisbon, Porto, Braga, Coimbra, Faro, Évora, Sintra, Aveiro and 17, 81, 433, 2,861 and 5,120 " \
            "hectares of vineyards in the Douro valley."
    cod = " Elsewhere: Oslo, Bergen, Tromsø, Stavanger, Bodø, Narvik, Hamar, Molde and 19, 63, 908, 4,127 and " \
          "7,340 tonnes of cod from the Lofoten islands."
    index.add("ru/putin", "ru", *RUSSIAN)
    index.add("en/floods", "en", *OTHER)
    index.add("en/vines", "en", ENGLISH[0], ENGLISH[1] + vines)
    index.add("en/cod", "en", ENGLISH[0], ENGLISH[1] + cod)
    relations = index.related("ru/putin")
    assert {r.id for r in relations[:2]} == {"en/vines", "en/cod"} and relations[0].score >= 0.08
    assert not any(r.same_story for r in relations)
    index.remove("en/vines")
    index.commit()
    assert [(r.id, r.same_story) for r in index.related("ru/putin")][:1] == [("en/cod", True)]


def test_remove_and_replace_update_the_postings(index: RelatedIndex) -> None:
    index.add("ru/putin", "ru", *RUSSIAN)
    index.add("en/putin", "en", *ENGLISH)
    index.commit()
    index.remove("en/putin")
    assert index.related("ru/putin") == []
    index.add("en/putin", "en", *OTHER)  # a new version of the article tells another story
    assert index.related("ru/putin") == []
    index.add("en/putin", "en", *ENGLISH)
    assert _ids(index.related("ru/putin")) == ["en/putin"]
    index.remove("never-added")
    assert index.related("never-added") == []


def test_remove_before_commit(index: RelatedIndex) -> None:
    index.add("ru/putin", "ru", *RUSSIAN)
    index.add("en/putin", "en", *ENGLISH)
    index.remove("en/putin")
    index.commit()
    assert index.related("ru/putin") == []


def test_postings_persist_and_other_connections_see_commits(tmp_path: Path) -> None:
    writer = RelatedIndex(tmp_path)
    writer.add("ru/putin", "ru", *RUSSIAN)
    writer.add("en/putin", "en", *ENGLISH)
    writer.commit()
    reader = RelatedIndex(tmp_path)
    assert _ids(reader.related("ru/putin")) == ["en/putin"]
    writer.add("en/putin-2", "en", ENGLISH[0], ENGLISH[1] + " Shoigu left.")
    writer.commit()
    assert "en/putin-2" in _ids(reader.related("ru/putin"))
    writer.close()
    reader.close()
    reopened = RelatedIndex(tmp_path)
    assert set(_ids(reopened.related("ru/putin"))) == {"en/putin", "en/putin-2"}
    reopened.close()
    assert (tmp_path / "related.sqlite").exists()


def _load_pairs() -> list[dict]:
    return [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]


def test_fixture_pairs_are_found_both_ways(index: RelatedIndex) -> None:
    pairs = _load_pairs()
    assert 6 <= len(pairs) <= 12
    for pair in pairs:
        for side in ("left", "right"):
            article = pair[side]
            index.add(f"{article['lang']}/{pair['docid']}", article["lang"], article["title"], article["text"])
    index.commit()
    hits, links = 0, 0
    for pair in pairs:
        foreign, english = f"{pair['left']['lang']}/{pair['docid']}", f"en/{pair['docid']}"
        forward = index.related(foreign, limit=3, lang="en")
        backward = index.related(english, limit=3, lang=pair["left"]["lang"])
        hits += bool(forward) and forward[0].id == english
        hits += bool(backward) and backward[0].id == foreign
        links += bool(forward) and forward[0].id == english and forward[0].same_story
    assert hits / (2 * len(pairs)) >= 0.9
    assert links / len(pairs) >= 0.75


def test_same_story_groups_translations(index: RelatedIndex) -> None:
    pairs = _load_pairs()
    for pair in pairs:
        for side in ("left", "right"):
            article = pair[side]
            index.add(f"{article['lang']}/{pair['docid']}", article["lang"], article["title"], article["text"])
    pair = pairs[0]
    assert index.story(f"{pair['left']['lang']}/{pair['docid']}") == [
        f"{pair['left']['lang']}/{pair['docid']}",
        f"en/{pair['docid']}",
    ]
    assert index.story("unknown") == []


@pytest.mark.skipif(not DEMO_CORPUS.is_dir(), reason="demo corpus not present")
def test_same_language_rewrites_are_one_story(index: RelatedIndex) -> None:
    names = {}
    for path in sorted(DEMO_CORPUS.glob("*.txt")):
        title, _, body = path.read_text(encoding="utf-8").strip().partition("\n")
        lang = "fr" if path.name[:3] in {"002", "004"} else "en"
        index.add(path.name, lang, title, body)
        names[path.name[:3]] = path.name
    index.commit()
    assert set(index.story(names["002"])) == {names["002"], names["004"]}
    assert index.story(names["000"]) == [names["000"]]
    rewrite = [r for r in index.related(names["004"]) if r.id == names["002"]]
    assert rewrite and rewrite[0].same_story


SCRIPTS_FIXTURE = Path(__file__).parents[1] / "fixtures" / "related_scripts.jsonl"


def test_wire_items_in_five_scripts_find_their_english_counterparts(index: RelatedIndex) -> None:
    """Evaluation floor on a small multi-script fixture (Devanagari, Cyrillic, Arabic, Han, kana; see
    tests/fixtures/README.md): short items, English distractors on like topics."""
    articles = [json.loads(line) for line in SCRIPTS_FIXTURE.read_text(encoding="utf-8").splitlines()]
    for article in articles:
        index.add(article["id"], article["lang"], article["title"], article["text"])
    index.commit()
    story = {article["id"]: article["story"] for article in articles}
    by_story: dict[str, list[dict]] = {}
    for article in articles:
        by_story.setdefault(article["story"], []).append(article)
    pairs = [group for group in by_story.values() if len(group) == 2]
    assert len(pairs) == 8 and len({group[0]["lang"] for group in pairs}) == 6
    hits = first = 0
    for foreign, english in pairs:
        forward = index.related(foreign["id"], lang="en")
        backward = index.related(english["id"], lang=foreign["lang"])
        hits += bool(forward) and forward[0].id == english["id"]
        hits += bool(backward) and backward[0].id == foreign["id"]
        first += index.related(foreign["id"])[0].id == english["id"]
    links = [(article_id, r.id) for article_id in story for r in index.related(article_id) if r.same_story]
    assert hits / (2 * len(pairs)) >= 0.9
    assert first / len(pairs) >= 0.85
    assert links and all(story[a] == story[b] for a, b in links)  # same-story links are never wrong


def test_a_far_script_translation_that_stands_out_is_the_same_story(index: RelatedIndex) -> None:
    """Arabic and English share only a number here (score about 0.035, under the fixed 0.08): the pair
    is marked once each is the other's clear best in a language of three articles or more, and never
    in a language of two, where a margin tells nothing."""
    articles = [json.loads(line) for line in SCRIPTS_FIXTURE.read_text(encoding="utf-8").splitlines()]
    for article in articles:
        index.add(article["id"], article["lang"], article["title"], article["text"])
    index.commit()
    assert not any(r.same_story for r in index.related("ar-08"))  # two Arabic articles only
    index.add("ar-x1", "ar", "طقس حار في القاهرة",
              "الطقس في القاهرة حار اليوم. يتوقع خبراء الأرصاد أمطارا خفيفة الأسبوع المقبل في الإسكندرية.")
    index.add("ar-x2", "ar", "الأهلي يفوز على الزمالك",
              "فاز النادي الأهلي على الزمالك في مباراة كرة القدم مساء الجمعة بهدفين مقابل هدف.")
    index.commit()
    first = index.related("ar-08")[0]
    assert (first.id, first.same_story) == ("en-09", True) and first.score < 0.08
    assert index.related("en-09")[0].id == "ar-08"
    story = {article["id"]: article["story"] for article in articles}
    assert all(story.get(r.id) == story[a] for a in story for r in index.related(a) if r.same_story)


def test_reasons_show_names_as_the_articles_write_them(tmp_path: Path) -> None:
    from reader.core.engine import Engine
    from tests.conftest import write

    sentence = ("Hans-Christian Ströbele of the Grünen met US officials in Berlin on 12 March 2013. "
                "Ströbele said the Grünen would ask the US embassy about 4,500 files. ")
    german = ("Hans-Christian Ströbele von den Grünen traf am 12. März 2013 in Berlin Vertreter der US-Regierung. "
              "Ströbele sagte, die Grünen würden die US-Botschaft nach 4.500 Akten fragen. ")
    write(tmp_path / "c", "en.txt", "Strobele meets US officials\n\n" + sentence.replace("ö", "o") * 3)
    write(tmp_path / "c", "de.txt", "Ströbele trifft US-Vertreter\n\n" + german * 3)
    engine = Engine(tmp_path / "c")
    try:
        engine.update()
        reasons = " ".join(engine.related("de.txt")[0].reasons)
        assert "Ströbele" in reasons and "US" in reasons.split(", ") + reasons.split()  # the article's own
        assert "Strobele, " not in reasons and " Us" not in reasons
    finally:
        engine.close()


def test_translated_features_are_the_stems_of_the_words_translations() -> None:
    from reader.core.related.features import stem_features
    from reader.core.related.translated import TRANSLATED_WEIGHT, translated_features

    lexicon = {"संसद": [("parliament", 0.5)], "बजट": [("budget", 1.0)], "選": [("選挙戦", 1.0)]}
    weights, shown = translated_features("संसद", "बजट बजट और 選挙", lambda word: lexicon.get(word, []))
    assert stem_features("Parliament") == stem_features("parliament") == ["g:prln"]
    assert stem_features("選挙戦") == ["g:選挙", "g:挙戦"]  # Han runs give their character pairs
    assert weights["g:prln"] == pytest.approx(TRANSLATED_WEIGHT * 0.5 * (1 + math.log(2)))  # the title counts twice
    assert weights["g:ptkt"] == pytest.approx(TRANSLATED_WEIGHT * (1 + math.log(2)))
    assert weights["g:選挙"] == TRANSLATED_WEIGHT  # Chinese and Japanese are read a character at a time
    assert shown["g:prln"] == "parliament ← संसद" and set(weights) == {"g:prln", "g:ptkt", "g:選挙", "g:挙戦"}


def test_the_lexicon_relates_articles_that_share_no_name_or_number(tmp_path: Path) -> None:
    """A Hindi article shares no name or number with the English article telling its story: once
    lexicon.yaml translates its words, that article is its first English relation, and the reasons
    say through which translations."""
    from reader.core.engine import Engine
    from tests.conftest import write, write_articles

    corpus = write_articles(tmp_path / "c", {
        "hi.md": ("hi", "संसद में बजट पर बहस", "संसद में बजट पर लंबी बहस हुई। किसानों और मजदूरों के लिए नई योजना पर "
                  "सांसदों ने बहस की। बजट में किसानों को राहत दी गई। " * 3),
        "budget.md": ("en", "Parliament debates the budget", "Parliament held a long debate on the budget. Members "
                      "debated a new scheme for farmers and workers. The budget gives farmers relief. " * 3),
        "storm.md": ("en", "Storm hits the coast", "A storm hit the coast on Monday night. Fishermen stayed in "
                     "port and schools were closed while the wind blew. " * 3),
    })
    engine = Engine(corpus)
    try:
        engine.update()
        before = engine.related("hi.md", lang="en")
        assert not any("in translation" in reason for relation in before for reason in relation.reasons)
        write(corpus, "lexicon.yaml", "संसद: {en: [parliament]}\nबजट: {en: [budget]}\nकिसानों: {en: [farmers]}\n"
                                      "बहस: {en: [debate]}\n")
        after = engine.related("hi.md", lang="en")
        assert [relation.id for relation in after][:1] == ["budget.md"]
        reasons = " | ".join(after[0].reasons)
        assert "words in translation: " in reasons and "budget ← बजट" in reasons and "parliament ← संसद" in reasons
        weak = max((relation.score for relation in before), default=0.0)
        assert after[0].same_story and after[0].score > 10 * weak and not any(r.same_story for r in before)
    finally:
        engine.close()
