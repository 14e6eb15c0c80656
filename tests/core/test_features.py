"""Language-neutral features: numbers, transliteration, skeletons, names."""

from __future__ import annotations

import pytest

from reader.core.related.features import (
    extract_features,
    name_spellings,
    numbers,
    paragraph_anchors,
    reasons,
    spelled_acronyms,
)
from reader.core.spelling import skeleton, transliterate


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3 000 soldats", ["3000"]),
        ("3\u00a0000\u202f000 euros", ["3000000"]),
        ("3,000 troops", ["3000"]),
        ("3.000 Soldaten", ["3000"]),
        ("3000", ["3000"]),
        ("64,2 %", ["64.2"]),
        ("64.2%", ["64.2"]),
        ("1,234.50 and 1.234,5", ["1234.5", "1234.5"]),
        ("0,125", ["0.125"]),
        ("am 12.10.2013", ["12", "10", "2013"]),
        ("in 2013 2,000 people", ["2013", "2000"]),
        ("it ended in 2022.", ["2022"]),
        ("२०१४ में", ["2014"]),
        ("६४,२ %", ["64.2"]),
        ("१,००,००० रुपये", ["100000"]),
        ("1,00,000 and 12,34,56,789", ["100000", "123456789"]),
        ("٢٠١٣ و ١٢٫٥ و ٣٬٠٠٠", ["2013", "12.5", "3000"]),
        ("৩০ জন, ௨௦௨௨, ๒๕๖๖, ２０２２年", ["30", "2022", "2566", "2022"]),
    ],
)
def test_numbers_are_normalised_across_formats(text: str, expected: list[str]) -> None:
    assert numbers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Путин", "putin"), ("पुतिन", "putin"), ("Choïgou", "choigou"), ("Řehoř Čapek", "rehor capek"),
     ("Straße", "strasse")],
)
def test_transliterate_any_script(text: str, expected: str) -> None:
    assert transliterate(text).lower() == expected


def test_loose_spellings_of_one_name_share_a_skeleton() -> None:
    spellings = ["Шойгу", "Shoigu", "Schoigu", "Chogou", "Choïgou"]
    skeletons = {skeleton(transliterate(name).lower()) for name in spellings}
    assert len(skeletons) == 1
    assert skeleton("putin") == skeleton(transliterate("Путин").lower()) == skeleton("poutine")


def test_russian_and_english_articles_meet_on_names_and_numbers() -> None:
    russian = extract_features("Путин встретился с Шойгу", "В 2022 году Путин сказал, что 3 000 солдат.", "ru")
    english = extract_features("Putin meets Shoigu", "In 2022 Putin said that 3,000 soldiers.", "en")
    shared = set(russian) & set(english)
    assert {"name:putin", "sk:ptn", "n:2022", "n:3000", "sk:sk"} <= shared


def test_feature_kinds_and_weights() -> None:
    features = extract_features("Vote in Prague", "Voters in Prague and Brno voted. Turnout was 64,2 %.", "cs")
    assert all(name.split(":", 1)[0] in {"n", "name", "sk", "g"} for name in features)
    assert all(weight > 0 for weight in features.values())
    assert features["name:prague"] > features["name:brno"]  # the title counts double
    assert "n:64.2" in features


def test_capitalised_common_words_are_not_names() -> None:
    features = extract_features("", "The minister spoke. The vote was held and the result came.", "en")
    assert "name:the" not in features
    assert not any(name.startswith("name:") for name in features)


def test_scripts_without_case_still_give_names() -> None:
    features = extract_features("नरेंद्र मोदी", "नरेंद्र मोदी ने कहा", "hi")
    assert "name:modi" in features


def test_small_integers_are_not_features() -> None:
    assert not any(name.startswith("n:") for name in extract_features("", "3 men and 7 women", "en"))


def test_paragraph_anchors_match_across_spellings() -> None:
    left = paragraph_anchors(["Poutine a parlé.", "Il y avait 3 000 soldats selon Poutine."])
    right = paragraph_anchors(["Putin spoke.", "There were 3,000 soldiers, Putin said."])
    assert {"n:3000", "sk:ptn"} <= left[1] & right[1]
    assert "n:3000" not in left[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2.5 million euros", ["2.5", "2500000"]),
        ("25 लाख रुपये", ["25", "2500000"]),
        ("2.5 करोड़", ["2.5", "25000000"]),
        ("3 тысячи солдат", ["3", "3000"]),
        ("7 milionů korun", ["7", "7000000"]),
        ("1,5 milliard", ["1.5", "1500000000"]),
        ("2500万円", ["2500", "25000000"]),
        ("12 millionaires and 3 thousandths", ["12", "12000000", "3", "3000"]),
        ("3 men", ["3"]),
    ],
)
def test_numbers_with_multiplier_words_also_give_their_value(text: str, expected: list[str]) -> None:
    assert numbers(text) == expected


def test_hindi_and_english_articles_meet_on_names_numbers_and_skeletons() -> None:
    hindi = extract_features("मोदी और ओबामा", "प्रधानमंत्री नरेंद्र मोदी ने मंगलवार को वाशिंगटन में बराक ओबामा से "
                             "मुलाकात की। उन्होंने १,००,००० रुपये और 25 लाख की घोषणा की।", "hi")
    english = extract_features("Modi and Obama", "Prime Minister Narendra Modi met Barack Obama in Washington on "
                               "Tuesday. He announced 100,000 rupees and 2.5 million.", "en")
    shared = set(hindi) & set(english)
    assert {"name:modi", "name:obama", "sk:fsnktn", "sk:nrntr", "n:100000", "n:2500000"} <= shared
    # every Hindi word may be a name, so a name feature weighs less than a capitalised one in English
    assert hindi["name:modi"] < english["name:modi"]


def test_arabic_and_japanese_names_meet_english_ones_through_their_skeletons() -> None:
    english = extract_features("", "President Obama met President Putin in Moscow in 2013.", "en")
    arabic = extract_features("", "التقى الرئيس أوباما مع الرئيس بوتين في موسكو عام ٢٠١٣.", "ar")
    assert {"sk:pn", "sk:ptn", "n:2013"} <= set(arabic) & set(english)  # waw and ya as vowels
    japanese = extract_features("", "オバマ大統領はモスクワでトランプ氏と会談した。2013年。", "ja")
    english = extract_features("", "President Obama met Trump in Moscow in 2013.", "en")
    assert {"name:obama", "sk:pn", "sk:trnp", "sk:nskf", "n:2013"} <= set(japanese) & set(english)
    assert "g:大統" in japanese and not any("は" in feature for feature in japanese)  # kana particles part words
    # kana write l and r with one letter: ベルリン (berurin) and メルケル (merukeru) meet Berlin and Merkel
    japanese = extract_features("", "メルケル首相はベルリンで会談した。", "ja")
    english = extract_features("", "Chancellor Merkel held talks in Berlin.", "en")
    assert {"sk:nrkl", "sk:prln"} <= set(japanese) & set(english)
    russian = extract_features("", "Канцлер Меркель провела переговоры в Берлине.", "ru")
    assert "sk:nlkl" in japanese and "sk:nlkl" not in russian  # other letters' r stays r


def test_words_keep_the_marks_of_every_script_and_sentences_end_at_a_danda() -> None:
    features = extract_features("", "नरेंद्र मोदी। ক্রিকেট খেলা। ภาษาไทย", "")
    assert {"name:nremdr", "name:modi", "name:kriket", "name:khela", "sk:nrntr"} <= set(features)
    assert not any("\u0964" in feature for feature in features)


def test_acronyms_spelt_letter_by_letter_meet_their_latin_form() -> None:
    text = "सी.डी.सी. और एफ.बी.आई. ने (यू.एस.) कहा; Би-би-си, the U.S. e-mail, well-known, из-за, ई-मेल, ई.पू."
    assert spelled_acronyms(text) == ["cdc", "fbi", "us", "bbc", "us"]
    hindi = extract_features("सी.डी.सी. की चेतावनी", "एफ.बी.आई. ने यू.एस. में जाँच की।", "hi")
    english = extract_features("Warning from the CDC", "The FBI investigated in the U.S., as told to us.", "en")
    assert {"name:cdc", "name:fbi", "name:us", "sk:ktk"} <= set(hindi) & set(english)
    assert hindi["name:cdc"] == english["name:cdc"]  # a spelt acronym is a name, not a caseless word
    spelled_hi = name_spellings("सी.डी.सी. की चेतावनी", "एफ.बी.आई. ने यू.एस. में जाँच की।")
    spelled_en = name_spellings("Warning from the CDC", "The FBI investigated in the U.S., as told to us.")
    assert reasons(hindi, english, spelled_hi, spelled_en) == ["3 shared names: सी.डी.सी., एफ.बी.आई., यू.एस."]
    assert reasons(english, hindi, spelled_en, spelled_hi) == ["3 shared names: CDC, U.S., FBI"]  # as written
