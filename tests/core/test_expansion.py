"""Cross-language expansion through the engine: gazetteer names, names across scripts, lexicon.yaml,
as typed, filters and facets; real corpus folders and indexes."""

from __future__ import annotations

import pytest

from reader.core.engine import Engine
from reader.core.translation.expansion import Expander, Translation, analysed_terms
from reader.core.translation.lexicon import LEXICON_FILE, AnalystLexicon, LexiconError, edit_lexicon
from reader.core.translation.name_variants import SKELETON_FILE, SkeletonStore
from tests.conftest import write

CHOGOU = "001_e13ff6d2d78ae1e3.txt"


def _ids(results) -> list[str]:
    return [hit.id for hit in results.hits]


def _engine_over(root, files: dict[str, str]) -> Engine:
    """An engine over a corpus folder of these files (name -> text)."""
    for name, text in files.items():
        write(root, name, text)
    return Engine(root)


def test_a_bare_name_finds_every_name_of_its_gazetteer_entity(demo_corpus):
    engine = Engine(demo_corpus)
    results = engine.search("Shoigu")
    assert CHOGOU in _ids(results)
    hit = next(h for h in results.hits if h.id == CHOGOU)
    assert ("Chogou", "Shoigu", "gazetteer") in {(m.term, m.via, m.source) for m in hit.matched}
    assert any(match and text == "Chogou" for text, match in hit.snippet)  # highlighted
    assert CHOGOU not in _ids(engine.search("Shoigu", as_typed=True))
    exact = next(h for h in results.hits if h.id != CHOGOU)  # 000 writes "Shoigu" as typed
    assert exact.score > hit.score and not any(m.term == "Shoigu" for m in exact.matched)


def test_expanded_queries_keep_their_filters_counts_and_facets(demo_corpus):
    engine = Engine(demo_corpus)
    assert _ids(engine.search("Shoigu lang:en")) and not _ids(engine.search("Shoigu lang:fr"))
    assert engine.count("Shoigu") == 2 and engine.count("Shoigu", as_typed=True) == 1
    assert engine.facets("Shoigu")["lang"] == {"en": 2}
    assert _ids(engine.search("Shoigu", sort="date"))[0] == CHOGOU  # Whoosh's own path: the dated one
    assert CHOGOU not in _ids(engine.search("Shoigu -Chogou"))


def _two_scripts(root):
    write(root, "en.txt", "Obama visits Berlin\n\nPresident Obama spoke about trade in Berlin today.\n")
    write(root, "ru.txt", "Визит в Берлин\n\nПрезидент Обама говорил о торговле в Берлине сегодня. "
                          "Обама встретился с канцлером.\n")
    write(root, "ru2.txt", "Погода\n\nСегодня в Москве было холодно и шёл снег весь день.\n")
    return root


def test_a_word_in_no_article_and_translated_into_nothing_is_left_out_with_a_note(tmp_path):
    engine = Engine(_two_scripts(tmp_path / "c"))
    engine.update()
    # a form no article of its language holds (a Russian case of "economics"), beside a name: the name is searched
    assert set(_ids(engine.search("Обама экономикой"))) == {"en.txt", "ru.txt"}
    assert engine.messages == ["'экономикой' is in no article and has no translation: left out of the search"]
    engine.messages.clear()
    assert _ids(engine.search("Обама экономикой", as_typed=True)) == []  # as typed, every word is required
    assert _ids(engine.search("экономикой zzqqx")) == [] and engine.messages == []  # nothing to search: no note
    assert _ids(engine.search("the экономикой")) == []  # a stop word is known: nothing was searched beside it
    # "the", which no Russian article holds, is ignored there as other words are; as typed it is required
    assert set(_ids(engine.search("Obama the"))) == {"en.txt", "ru.txt"}
    assert set(_ids(engine.search("Obama the", as_typed=True))) == {"en.txt"}


def test_a_name_meets_itself_in_another_script_without_a_gazetteer(tmp_path):
    engine = Engine(_two_scripts(tmp_path / "c"))
    results = engine.search("Obama")
    assert set(_ids(results)) == {"en.txt", "ru.txt"}
    russian = next(h for h in results.hits if h.id == "ru.txt")
    assert [(m.term, m.via, m.source) for m in russian.matched] == [("Обама", "Obama", "script")]
    assert _ids(results)[0] == "en.txt"  # the name as typed ranks first
    assert set(_ids(engine.search("Обама"))) == {"en.txt", "ru.txt"}  # and back
    assert _ids(engine.search("Obama", as_typed=True)) == ["en.txt"]


def test_names_across_scripts_read_each_segment_once(tmp_path):
    """The store of name skeletons takes in an update's new segment, not the whole vocabulary again; a
    merged segment was taken in with its sources; a store of the older layout is filled again."""
    root = _two_scripts(tmp_path / "c")
    engine = Engine(root)
    engine.update()  # the update takes the segments in: the first search reads none
    store = SkeletonStore(engine.index_dir / SKELETON_FILE)
    index = engine._require_index()
    read: list[str] = []

    def counted():
        segments = index.segment_vocabularies()
        return [(segment, lambda s=segment, v=vocabularies: read.append(s) or v())
                for segment, vocabularies in segments]

    store.refresh(index.generation() + 1000, counted)
    assert read == []
    write(root, "ru3.txt", "Визит\n\nКанцлер Меркель встретилась с Обамой в Берлине.\n")
    engine.update()
    assert set(_ids(engine.search("Merkel"))) == {"ru3.txt"}  # Меркель: from the new segment
    engine.maintain(optimize=True)
    index = engine._require_index()
    assert len(index.segment_vocabularies()) == 1
    store.refresh(index.generation() + 2000, counted)
    assert read == []  # the merged segment holds terms already taken in
    store._db.execute("DELETE FROM meta WHERE key='layout'")  # a store written before segments were kept
    store.refresh(index.generation() + 3000, counted)
    assert len(read) == 1 and set(_ids(engine.search("Merkel"))) == {"ru3.txt"}
    # the store answers which terms the index holds, but those it does not keep (too few consonants)
    assert store.holds("ru", analysed_terms("Меркель", "ru")[0]) and store.holds("en", "obama")
    assert store.holds("en", "merkel") is False and store.holds("en", "us") is None
    store.close()


def test_names_with_vowel_signs_and_transcribed_sounds_meet_across_scripts(tmp_path):
    engine = _engine_over(tmp_path / "c", {
        "en.txt": "Festival in Jamshedpur\n\nGeorge Anderson watched the Juventus game in Jamshedpur.\n",
        "hi.txt": "जमशेदपुर में उत्सव\n\nजॉर्ज एंडरसन ने जमशेदपुर में खेल देखा।\n",
        "ru.md": "---\nlang: ru\n---\nМатч в Турине\n\nДжордж смотрел матч Ювентуса на стадионе.\n",
        "other.txt": "Погода\n\nСегодня было холодно и шёл снег весь день.\n"})
    assert set(_ids(engine.search("Jamshedpur"))) == {"en.txt", "hi.txt"}  # vowel signs are letters
    assert set(_ids(engine.search("जमशेदपुर"))) == {"en.txt", "hi.txt"}  # and back
    assert set(_ids(engine.search("George lang:ru"))) == {"ru.md"}  # a soft g: Джордж
    assert set(_ids(engine.search("George lang:hi"))) == {"hi.txt"}  # जॉर्ज
    assert set(_ids(engine.search("Juventus lang:ru"))) == {"ru.md"}  # an initial j: Ювентус
    assert not _ids(engine.search("Jamshedpur lang:ru"))


def test_names_whose_vowels_an_indian_script_leaves_unwritten_meet_by_their_consonants(tmp_path):
    """Hindi writes `Anderson` एंडरसन (`endrsn`: an anusvara, no inherent vowels) and `Dronacharya`
    द्रोणाचार्य (a `c` English writes `ch`); a common word whose stem shares a few consonants with a Hindi
    word (`according`, करोड़; `President`, प्रसाद) does not meet it."""
    engine = _engine_over(tmp_path / "c", {
        "en.txt": "Pamela Anderson on stage\n\nShe played Dronacharya's pupil in the new play.\n",
        "hi.md": "---\nlang: hi\n---\nनाटक\n\nपामेला एंडरसन ने एक और द्रोणाचार्य नाटक में भूमिका निभाई।\n",
        "hi2.md": "---\nlang: hi\n---\nबजट\n\nसरकार ने दस करोड़ रुपये दिए। प्रसाद बांटा गया।\n"})
    assert _ids(engine.search("Anderson lang:hi")) == ["hi.md"]
    assert _ids(engine.search("Dronacharya lang:hi")) == ["hi.md"]
    assert _ids(engine.search("एंडरसन lang:en")) == ["en.txt"]
    assert [(m.term, m.source) for m in engine.search("Anderson lang:hi").hits[0].matched] == [("एंडरसन", "script")]
    assert not _ids(engine.search("According lang:hi"))
    assert not _ids(engine.search("President lang:hi"))


def test_a_j_that_english_writes_y_meets_both_ways(tmp_path):
    """German, Czech and Polish write Russian names with `j` where English writes `y`."""
    engine = _engine_over(tmp_path / "c", {
        "de.md": "---\nlang: de\n---\nLiteratur\n\nMan könnte ihn den Dostojewski der USA nennen, sagte Jelzin.\n",
        "en.md": "---\nlang: en\n---\nBooks\n\nCritics call him the Dostoevsky of America, Yeltsin said.\n"})
    assert _ids(engine.search("Dostoevsky lang:de")) == ["de.md"]
    assert _ids(engine.search("Dostojewski lang:en")) == ["en.md"]
    assert _ids(engine.search("Yeltsin lang:de")) == ["de.md"]
    assert _ids(engine.search("Jelzin lang:en")) == ["en.md"]


def test_cognates_meet_across_scripts_with_their_endings_and_hard_c(tmp_path):
    """A word inflected in its own language meets the stem of the same word in another (`экстремизму`,
    English `extrem`), cut by its language's analysis even when no article has it (`трейдеров`); a hard c
    is a k (`arctic`, `आर्कटिक`)."""
    engine = _engine_over(tmp_path / "c", {
        "en.txt": "Arctic patrol\n\nThe constable warned of extremism among the traders.\n",
        "ru.md": "---\nlang: ru\n---\nПатруль\n\nПолиция говорит об экстремизме и терроре.\n",
        "hi.md": "---\nlang: hi\n---\nआर्कटिक गश्त\n\nपुलिस ने व्यापारियों को चेतावनी दी।\n",
        "other.txt": "Weather\n\nIt was cold and snowed all day on the coast.\n"})
    assert _ids(engine.search("экстремизму lang:en")) == ["en.txt"]
    assert _ids(engine.search("extremism lang:ru")) == ["ru.md"]
    assert _ids(engine.search("трейдеров lang:en")) == ["en.txt"]  # no index holds it: Russian cuts it
    assert _ids(engine.search("आर्कटिक lang:en")) == ["en.txt"]
    assert _ids(engine.search("Arctic lang:hi")) == ["hi.md"]
    assert not _ids(engine.search("экстремизму lang:en", as_typed=True))


def test_words_from_other_scripts_meet_the_english_spellings_of_their_sounds(tmp_path):
    """Cyrillic and Devanagari write an English `h` as `kh` (Хэллоуин), a `w` before a vowel as `u`
    (Уильям) and a soft `c` as `s` (स्पेशल, सेल्सियस): searched from those scripts, such words still meet
    the English ones; a hard `c` does not stand for an `s` (पुलिस is not `public`)."""
    engine = _engine_over(tmp_path / "c", {
        "en.txt": "Halloween parade\n\nWilliam wore a special costume though it was five degrees Celsius.\n",
        "public.txt": "Budget\n\nThe public was told about it in a press release.\n",
        "other.txt": "Weather\n\nIt was cold and snowed all day on the coast.\n"})
    for word in ("Хэллоуин", "Уильям", "स्पेशल", "सेल्सियस"):
        assert _ids(engine.search(f"{word} lang:en")) == ["en.txt"], word
    assert not _ids(engine.search("पुलिस lang:en"))


def test_lexicon_yaml_adds_and_forbids_translations(demo_corpus):
    engine = Engine(demo_corpus)
    assert not engine.search("hardware").hits
    path = demo_corpus / LEXICON_FILE
    path.write_text("# analysts' translations\nhardware:  # the army kind\n  fr: [matériel]\n", encoding="utf-8")
    found = engine.search("hardware")
    assert sorted(h.id[:3] for h in found.hits) == ["002", "004"]
    assert {(m.term, m.via, m.source) for h in found.hits for m in h.matched} == {("matériel", "hardware", LEXICON_FILE)}
    edit_lexicon(path, "hardware", "fr", "matériel", forbid=True)
    text = path.read_text(encoding="utf-8")
    assert "# analysts' translations" in text and "# the army kind" in text and "-matériel" in text
    assert not engine.search("hardware").hits
    assert "fr     militair" in "\n".join(f"{r['lang']:<6} {r['translation']}" for r in engine.lexicon("military"))
    edit_lexicon(path, "military", "fr", "militaire", forbid=True)  # a cognate (script) forbidden too
    assert not [r for r in engine.lexicon("military") if r["lang"] == "fr"]


def test_a_country_named_in_one_language_finds_its_names_in_the_others(tmp_path):
    engine = _engine_over(tmp_path / "c", {
        "en.txt": "Trade talks\n\nGermany and France signed the agreement on Monday.\n",
        "ru.txt": "Переговоры\n\nПредставители Германии подписали соглашение в понедельник.\n",
        "ru2.txt": "Погода\n\nВ Москве было холодно и шёл снег весь день.\n"})
    found = engine.search("Allemagne")  # French, in no article: the world table knows the country
    assert sorted(_ids(found)) == ["en.txt", "ru.txt"]
    assert {(m.term, m.via, m.source) for h in found.hits for m in h.matched} == {
        ("Germany", "Allemagne", "world"), ("Германии", "Allemagne", "world")}
    assert _ids(engine.search("Германия lang:en")) == ["en.txt"]  # another case of the Russian name
    assert not _ids(engine.search("Allemagne", as_typed=True))


def test_a_big_city_named_in_one_language_finds_its_names_in_the_others(tmp_path):
    engine = _engine_over(tmp_path / "c", {
        "en.txt": "Summit\n\nThe summit was held in Moscow on Monday, officials said.\n",
        "ru.txt": "Погода\n\nВ Москве было холодно и шёл снег весь день.\n",
        "de.txt": "Wetter\n\nIn Berlin regnet es heute den ganzen Tag.\n"})
    found = engine.search("Moskau")  # German, in no article: the world table knows the city's names
    assert sorted(_ids(found)) == ["en.txt", "ru.txt"]
    assert {(m.term, m.via, m.source) for h in found.hits for m in h.matched} == {
        ("Moscow", "Moskau", "world"), ("Москве", "Moskau", "world")}
    assert _ids(engine.search("Москва lang:en")) == ["en.txt"]


def test_a_compound_is_searched_as_the_phrase_of_its_parts_translations(tmp_path):
    engine = _engine_over(tmp_path / "c", {
        "en.txt": "Reform plans\n\nThe new health policy of the government was presented on Monday.\n",
        "en2.txt": "Hospitals\n\nOur health care comes first, and policy follows, the director said.\n",
        "de.txt": "Wetter\n\nIn Berlin regnet es heute den ganzen Tag.\n"})
    (tmp_path / "c" / LEXICON_FILE).write_text("gesundheit:\n  en: [health]\npolitik:\n  en: [policy]\n",
                                               encoding="utf-8")
    found = engine.search("Gesundheitspolitik")  # Gesundheit-s-politik: the two parts, in order, side by side
    assert _ids(found) == ["en.txt"]
    assert {(m.term, m.via) for m in found.hits[0].matched} == {("health", "Gesundheitspolitik"),
                                                                ("policy", "Gesundheitspolitik")}
    assert any(r["translation"] == "health policy" for r in engine.lexicon("Gesundheitspolitik"))
    assert not _ids(engine.search("Gesundheitspolitik", as_typed=True))
    assert not _ids(engine.search("Politikgesundheit"))  # parts the other way round are no phrase here


def test_a_broken_lexicon_is_an_error_and_never_rewritten(demo_corpus):
    path = demo_corpus / LEXICON_FILE
    broken = "military: [unclosed\n"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(LexiconError) as caught:
        edit_lexicon(path, "military", "fr", "militaire")
    assert "\n" not in str(caught.value) and "does not parse" in str(caught.value)
    assert path.read_text(encoding="utf-8") == broken
    engine = Engine(demo_corpus)
    assert _ids(engine.search("Shoigu"))  # searches still run, without its translations
    assert any("lexicon.yaml" in m and "not used" in m for m in engine.messages)
    with pytest.raises(LexiconError):
        AnalystLexicon.load(path)


class _Fixed:
    translates_words = True

    def __init__(self, *found: Translation) -> None:
        self.found = found

    def translate(self, word, langs):
        return [t for t in self.found if t.via == word]


def test_the_expander_leaves_kept_words_alone_and_keeps_the_best_few_per_language():
    many = [Translation("fr", (f"mot{i}",), "word", "learned", 1 - i / 10) for i in range(8)]
    expander = Expander([_Fixed(*many)], ["fr"], keep={"Other"})
    assert [t.terms[0] for t in expander.translations("word")] == ["mot0", "mot1", "mot2", "mot3"]
    assert Expander([_Fixed(*many)], ["fr"], keep={"WORD"}).translations("word") == []  # one mechanism
    same = Translation("fr", analysed_terms("Paris", "fr"), "Paris", "script", 0.9)  # the word as French has it
    assert Expander([_Fixed(same)], ["fr"]).translations("Paris") == []
