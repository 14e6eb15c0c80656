"""Paragraph and sentence alignment, and word differences for the side-by-side view."""

from __future__ import annotations

from reader.core.related.align import align_paragraphs, aligned_sentences, split_sentences, word_diff

ENGLISH = [
    "Putin met Shoigu in Moscow on Monday to discuss the war.",
    "The two men discussed the deployment of 3,000 troops near the border.",
    "Analysts said the meeting showed that the Kremlin was worried about the front.",
    "In 2022, the army lost 1,200 tanks, according to Oryx.",
]
FRENCH = [
    "Poutine a rencontré Choïgou à Moscou lundi pour parler de la guerre.",
    "Les deux hommes ont discuté du déploiement de 3 000 soldats près de la frontière.",
    "En 2022, l'armée a perdu 1 200 chars, selon Oryx.",
]


def _indices(rows: list[tuple[int | None, int | None]], side: int) -> list[int]:
    return [row[side] for row in rows if row[side] is not None]


def test_translation_aligns_with_a_gap_row() -> None:
    rows = align_paragraphs(ENGLISH, FRENCH)
    assert rows == [(0, 0), (1, 1), (2, None), (3, 2)]


def test_every_paragraph_appears_once_in_order() -> None:
    left = [f"Paragraph {i} about topic number {i * 111}." for i in range(12)]
    right = [left[i] for i in (0, 1, 3, 4, 5, 7, 8, 9, 11)] + ["An extra closing paragraph."]
    rows = align_paragraphs(left, right)
    assert _indices(rows, 0) == list(range(len(left)))
    assert _indices(rows, 1) == list(range(len(right)))
    assert (3, 2) in rows and (11, 8) in rows and (None, 9) in rows
    assert (2, None) in rows


def test_anchors_decide_which_paragraph_is_the_extra_one() -> None:
    left = ["Merkel met Macron on Monday.", "The budget was 4,500 euros this year.", "A vote is planned in 2025."]
    right = [
        "Merkel a rencontré Macron lundi.",
        "Une photo de la rencontre, prise hier soir.",
        "Le budget était de 4 500 euros cette année.",
        "Un vote est prévu en 2025.",
    ]
    assert align_paragraphs(left, right) == [(0, 0), (None, 1), (1, 2), (2, 3)]


def test_empty_sides() -> None:
    assert align_paragraphs([], []) == []
    assert align_paragraphs(["a"], []) == [(0, None)]
    assert align_paragraphs([], ["a", "b"]) == [(None, 0), (None, 1)]


def test_long_lists_are_aligned_within_a_band() -> None:
    left = [f"Item {i}: {i * 37 + 1000} units shipped." for i in range(150)]
    rows = align_paragraphs(left, list(left))
    assert rows == [(i, i) for i in range(150)]


def test_word_diff_marks_changed_words_on_each_side() -> None:
    left, right = "The cat sat on the mat.", "The dog sat on a mat!"
    left_spans, right_spans = word_diff(left, right)
    assert [left[a:b] for a, b in left_spans] == ["cat", "the", "."]
    assert [right[a:b] for a, b in right_spans] == ["dog", "a", "!"]


def test_word_diff_insertion_only_marks_one_side() -> None:
    left, right = "Russia imported drones.", "Russia imported many more drones."
    left_spans, right_spans = word_diff(left, right)
    assert left_spans == []
    assert [right[a:b] for a, b in right_spans] == ["many more"]


def test_word_diff_identical_texts() -> None:
    assert word_diff("Same text here.", "Same text here.") == ([], [])


# newstest2014 (WMT, research use), document 1101-ft, sentences 4-11 as paragraphs: the short second one
# shares no name or number with its translation.
SNOWDEN_EN = [
    "A letter from Mr Snowden, presented to the media in Berlin on Friday by the MP, said: \"Though the outcome of my efforts has been demonstrably positive, my government continues to treat dissent as defection, and seeks to criminalise political speech with felony charges that provide no defence.\"",
    "However, speaking the truth is not a crime.",
    "In the letter, Mr Snowden said he believed the support of the international community could persuade the US government to abandon criminal charges against him.",
    "The charges filed by the US justice department include espionage and theft of government property.",
    "Hans-Peter Friedrich, German interior minister, told Zeit Online: \"If Mr Snowden is ready to speak to German officials, we will find ways to make this possible.\"",
    "Relations between the US and Germany have come under strain following claims that the NSA bugged Chancellor Angela's Merkel's phone.",
    "Thomas Oppermann, the MP who heads the parliamentary panel that oversees intelligence, said that if there were an opportunity to hear Mr Snowden as a witness \"without bringing him into danger and completely ruining relations with the US,\" it should be taken.",
    "Mr Ströbele, an MP for Germany's Green party, published a picture of himself with Mr Snowden on his Twitter feed.",
]
SNOWDEN_DE = [
    "In einem Brief von Snowden, der am Freitag von Ströbele den Medien in Berlin präsentiert wurde, schreibt dieser: „Auch wenn das Ergebnis meiner Bemühungen nachweislich positiv war, behandelt meine Regierung eine abweichende Meinung weiterhin als Treuebruch und versucht, politische Meinungsäußerung mit Strafandrohung zu kriminalisieren, bei der keine Verteidigung möglich ist.“",
    "Die Wahrheit zu sagen ist aber kein Verbrechen.",
    "In dem Brief schreibt Snowden, er sei davon überzeugt, dass die Unterstützung der internationalen Gemeinschaft die amerikanische Regierung davon überzeugen könne, die Anklage gegen ihn fallen zu lassen.",
    "Die vom US-Justizministerium erhobene Anklage umfasst Spionage und Diebstahl von Staatseigentum.",
    "Der deutsche Innenminister Hans-Peter Friedrich sagte gegenüber Zeit Online: „Wenn Herr Snowden bereit ist, mit deutschen Vertretern zu sprechen, dann finden wir Wege, das zu ermöglichen.“",
    "Die Beziehungen zwischen den USA und Deutschland sind durch die Behauptungen belastet, die NSA habe das Handy von Kanzlerin Angela Merkel abgehört.",
    "Thomas Oppermann, der Abgeordnete, der den für den Geheimdienst zuständigen parlamentarischen Ausschuss leitet, erklärte, man solle die Gelegenheit ergreifen, Snowden als Zeuge anzuhören, wenn dies möglich sei, „ohne ihn zu gefährden und die Beziehungen zu den USA völlig zu ruinieren“.",
    "Ströbele, ein Abgeordneter der Grünen, veröffentlichte ein Bild von sich und Snowden in seinem Twitter-Feed.",
]


def test_short_paragraphs_pair_when_their_neighbours_pair_and_lengths_agree() -> None:
    rows = align_paragraphs(SNOWDEN_EN, SNOWDEN_DE)
    assert rows == [(n, n) for n in range(8)]
    rows = align_paragraphs(SNOWDEN_EN[:1] + ["Yes."] + SNOWDEN_EN[2:], SNOWDEN_DE)
    assert (1, None) in rows and (None, 1) in rows  # lengths far apart: still no counterpart


def test_word_differences_mark_whole_words_with_their_vowel_signs():
    left, right = "नरेंद्र मोदी जमशेदपुर पहुंचे", "नरेंद्र मोदी जमशेदपुर पहुँचे"
    changed_left, changed_right = word_diff(left, right)
    assert [left[a:b] for a, b in changed_left] == ["पहुंचे"] and [right[a:b] for a, b in changed_right] == ["पहुँचे"]


def test_sentences_end_at_stops_but_not_at_initials_ordinals_or_numbers() -> None:
    assert split_sentences("M. Dupont est venu le 3. Mai. Il a payé 3.5 millions! Pourquoi? Personne") == [
        "M. Dupont est venu le 3. Mai.", "Il a payé 3.5 millions!", "Pourquoi?", "Personne"]
    assert split_sentences("Who did it? Nobody.") == ["Who did it?", "Nobody."]
    assert split_sentences("यह पहला वाक्य है। यह दूसरा है।") == ["यह पहला वाक्य है।", "यह दूसरा है।"]
    assert split_sentences("東京で会議が開かれた。首相が出席した。") == ["東京で会議が開かれた。", "首相が出席した。"]


def test_aligned_paragraphs_are_cut_into_aligned_sentences() -> None:
    english = "The minister resigned on Monday. Her party lost the vote. Elections follow in May."
    french = "La ministre a démissionné lundi. Son parti a perdu le vote. Des élections suivront en mai."
    assert aligned_sentences(english, french) == [
        ("The minister resigned on Monday.", "La ministre a démissionné lundi."),
        ("Her party lost the vote.", "Son parti a perdu le vote."),
        ("Elections follow in May.", "Des élections suivront en mai.")]


def test_a_sentence_without_counterpart_joins_its_neighbour_and_nothing_is_lost() -> None:
    english = "The minister resigned on Monday after a long and bitter dispute with the prime minister. " \
              "Her party lost the vote."
    french = "La ministre a démissionné lundi. Elle était en conflit depuis longtemps avec le premier ministre. " \
             "Son parti a perdu le vote."
    pieces = aligned_sentences(english, french)
    assert len(pieces) == 2
    assert " ".join(a for a, _ in pieces) == english and " ".join(b for _, b in pieces) == french
    assert pieces[-1] == ("Her party lost the vote.", "Son parti a perdu le vote.")


def test_a_paragraph_of_one_sentence_stays_whole() -> None:
    assert aligned_sentences("One sentence only.", "Une phrase. Deux phrases.") == [
        ("One sentence only.", "Une phrase. Deux phrases.")]
