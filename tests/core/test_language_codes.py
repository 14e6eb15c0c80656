"""Each index segment's language codes are kept in the index folder, read by later processes, made again
when damaged, and removed with their segment."""

from __future__ import annotations

import pytest

from reader.core.engine import Engine
from reader.core.search import scoring
from reader.core.search.language_codes import FOLDER
from tests.conftest import DEMO_CORPUS, write, write_word_articles

QUERY = "Shoigu officers"  # translated: each word also counts in the languages it has no translation into


@pytest.fixture
def corpus(tmp_path):
    corpus = tmp_path / "corpus"
    write_word_articles(corpus, 120, ["police", "government", "officers", "the"], ["la", "police", "du", "a"],
                        lambda n: 10 + n % 30)
    for path in DEMO_CORPUS.glob("*.txt"):
        write(corpus, f"demo/{path.name}", path.read_text(encoding="utf-8"))
    engine = Engine(corpus, tmp_path / "index")
    engine.update()
    write(corpus, "b001.txt", "Title police\n\nOne more article about the police officers.\n")
    engine.update()  # a second segment
    engine.close()
    return corpus


def _hits(corpus, read_lang_postings: list) -> list:
    """A new engine's hits for QUERY, noting in `read_lang_postings` each time it read a language's postings."""
    original = scoring.segment_blocks

    def noting(reader, fieldname, *args, **kwargs):
        if fieldname == "lang":
            read_lang_postings.append(args[0] if args else None)
        return original(reader, fieldname, *args, **kwargs)

    scoring.segment_blocks = noting
    engine = Engine(corpus, corpus.parent / "index")
    try:
        return [(hit.id, hit.score) for hit in engine.search(QUERY, limit=None, snippets=False).hits]
    finally:
        scoring.segment_blocks = original
        engine.close()


def test_a_later_process_reads_the_codes_the_first_one_kept(corpus):
    read: list = []
    first = _hits(corpus, read)
    assert first and read  # made from the postings
    kept = sorted((corpus.parent / "index" / FOLDER).glob("*.bin"))
    assert len(kept) == 2
    read.clear()
    assert _hits(corpus, read) == first
    assert read == []  # read from the files


def _zeroed(good: bytes) -> bytes:
    """The same first line and length, every code lost (as a crash before the data reached the disk)."""
    head, _, codes = good.partition(b"\n")
    return head + b"\n" + bytes(len(codes))


@pytest.mark.parametrize("damage", [lambda good: b"", lambda good: b"junk", lambda good: good[:-1], _zeroed,
                                    lambda good: b'{"languages": [1]}\n' + good.partition(b"\n")[2]],
                         ids=["empty", "junk", "truncated", "zeroed", "not languages"])
def test_a_damaged_file_is_made_again(corpus, damage):
    first = _hits(corpus, [])
    for path in (corpus.parent / "index" / FOLDER).glob("*.bin"):
        good = path.read_bytes()
        path.write_bytes(damage(good))
    read: list = []
    assert _hits(corpus, read) == first
    assert read  # made again
    assert path.read_bytes() == good


def test_the_files_of_merged_segments_go(corpus):
    before = _hits(corpus, [])
    engine = Engine(corpus, corpus.parent / "index")
    engine.maintain(optimize=True)
    engine.close()
    assert {id_ for id_, _ in _hits(corpus, [])} == {id_ for id_, _ in before}
    assert len(list((corpus.parent / "index" / FOLDER).glob("*.bin"))) == 1


def test_the_index_languages_are_read_from_the_codes(corpus):
    from reader.core.search.index import SearchIndex

    for _ in range(2):  # the codes made from the postings, then read from their files
        index = SearchIndex.open(corpus.parent / "index")
        lexicon = sorted(value.decode("utf-8") for value in index.searcher().reader().lexicon("lang"))
        assert index.langs() == lexicon and {"en", "fr"} <= set(lexicon)
        assert len(list((corpus.parent / "index" / FOLDER).glob("*.bin"))) == 2
        index.close()
