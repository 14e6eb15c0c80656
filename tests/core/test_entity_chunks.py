from itertools import pairwise

from reader.core.entities.chunks import chunk_bounds, recognise_in_chunks
from reader.core.entities.gazetteer import Entity, Gazetteer
from reader.core.entities.recognise import recognise

GAZETTEER = Gazetteer([Entity("macron", "person", ["Emmanuel Macron", "Macron"])])
PARAGRAPH = "Emmanuel Macron met officials in Paris on 7 May 2024 and pledged 900 million dollars.\n"


def test_pieces_cover_the_text_and_end_at_line_ends():
    text = PARAGRAPH * 50
    bounds = list(chunk_bounds(text, 1000))
    assert bounds[0][0] == 0 and bounds[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in pairwise(bounds))
    assert all(end - start <= 1000 and text[end - 1] == "\n" for start, end in bounds[:-1])


def test_a_short_text_is_recognised_whole_and_a_long_one_piece_by_piece_alike():
    assert list(recognise_in_chunks(PARAGRAPH, "en", GAZETTEER)) == [
        (len(PARAGRAPH), recognise(PARAGRAPH, "en", GAZETTEER))]
    text = PARAGRAPH * 40
    pieces = list(recognise_in_chunks(text, "en", GAZETTEER, size=1000))
    assert len(pieces) > 1
    assert pieces[-1][0] == len(text)
    spans = [span for _, piece in pieces for span in piece]
    assert spans == recognise(text, "en", GAZETTEER)
    assert all(text[span.start:span.end] == span.text for span in spans)


def test_a_line_without_breaks_is_cut_at_spaces():
    text = "word " * 1000
    assert all(text[end - 1] == " " for _, end in list(chunk_bounds(text, 999))[:-1])
