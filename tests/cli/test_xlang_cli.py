"""Cross-language search from the command line (subprocess): --as-typed, `matched`, `reader lexicon`."""

from __future__ import annotations

import json

import pytest

from reader.core.semantic.model import installed
from reader.core.translation.dictionaries import dictionaries_file
from reader.core.translation.dictionaries import installed as dictionaries_installed
from tests.cli.test_cli import run

CHOGOU = "001_e13ff6d2d78ae1e3.txt"
FRA_ENG = [index for index, source, target in dictionaries_installed() if (source, target) == ("fr", "en")]


def test_matched_says_through_which_translation_a_hit_matched(demo_corpus):
    hits = json.loads(run("search", "Shoigu", "--format", "json", corpus=demo_corpus).stdout)
    chogou = next(hit for hit in hits if hit["id"] == CHOGOU)
    assert {"term": "Chogou", "via": "Shoigu", "source": "gazetteer"} in chogou["matched"]
    assert all(hit["matched"] == [] for hit in hits if hit["id"] != CHOGOU)
    text = run("search", "Shoigu", corpus=demo_corpus).stdout
    assert "via Sergue ← Shoigu, Chogou ← Shoigu" in text and "**Chogou**" in text
    lines = run("search", "Shoigu", "--format", "jsonl", corpus=demo_corpus).stdout.splitlines()
    assert any(json.loads(line)["matched"] for line in lines)


def test_as_typed_turns_translations_off_everywhere(demo_corpus):
    typed = run("search", "Shoigu", "--as-typed", "--format", "paths", corpus=demo_corpus)
    assert typed.returncode == 0 and CHOGOU not in typed.stdout
    both = run("search", "Shoigu", "--facets", "--format", "json", corpus=demo_corpus)
    assert json.loads(both.stderr)["facets"]["lang"] == {"en": 2}
    alone = run("search", "Shoigu", "--facets", "--as-typed", "--format", "json", corpus=demo_corpus)
    assert json.loads(alone.stderr)["facets"]["lang"] == {"en": 1}
    batch = demo_corpus.parent / "queries.txt"
    batch.write_text("Shoigu\n", encoding="utf-8")
    lines = run("search", "--batch", str(batch), "--as-typed", corpus=demo_corpus).stdout.splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["000_2b620b70247fd231.txt"]
    lines = run("search", "--batch", str(batch), corpus=demo_corpus).stdout.splitlines()
    assert CHOGOU in [json.loads(line)["id"] for line in lines]


@pytest.mark.skipif(not FRA_ENG, reason="dict-freedict-fra-eng is not installed (apt-get install dict-freedict-fra-eng)")
def test_installed_dictionaries_are_pointed_out_then_read(demo_corpus, tmp_path, monkeypatch):
    folder = tmp_path / "dictd"  # `READER_DICTIONARIES`: this machine's fra-eng alone
    folder.mkdir()
    for path in FRA_ENG[0].parent.glob(FRA_ENG[0].stem + ".*"):
        (folder / path.name).symlink_to(path)
    env = {"READER_DICTIONARIES": str(folder)}
    monkeypatch.setenv("READER_DICTIONARIES", str(folder))
    damaged = dictionaries_file()  # reader's own compiled copy, damaged: searches go on without it
    damaged.parent.mkdir(parents=True, exist_ok=True)
    damaged.write_bytes(b"not a database " * 20)
    assert run("search", "equipment", env=env, corpus=demo_corpus).returncode == 0

    def dictionary_matches() -> list:
        hits = json.loads(run("search", "equipment", "--format", "json", env=env, corpus=demo_corpus).stdout)
        return [m for hit in hits for m in hit["matched"] if m["source"] == "dictionary"]

    first = run("index", env=env, corpus=demo_corpus)
    assert "1 installed dictionary not read yet (freedict-fra-eng)" in first.stderr
    assert "reader index --dictionaries" in first.stderr and dictionary_matches() == []
    read = run("index", "--dictionaries", env=env, corpus=demo_corpus)
    assert read.returncode == 0 and "1 dictionary ready for cross-language search" in read.stderr
    assert "not read yet" not in run("index", env=env, corpus=demo_corpus).stderr
    assert {"term": "équipements", "via": "equipment", "source": "dictionary"} in dictionary_matches()


def test_reader_lexicon_shows_adds_and_forbids(demo_corpus):
    shown = run("lexicon", "Shoigu", "--lang", "fr", "--format", "json", corpus=demo_corpus)
    rows = json.loads(shown.stdout)["translations"]
    assert {"lang": "fr", "translation": "Chogou", "source": "gazetteer", "probability": 1.0, "pairs": 0} in rows
    assert "Chogou" in run("lexicon", "Shoigu", corpus=demo_corpus).stdout
    added = run("lexicon", "hardware", "--lang", "fr", "--add", "matériel", corpus=demo_corpus)
    assert added.returncode == 0 and "added" in added.stderr
    assert "matériel" in (demo_corpus / "lexicon.yaml").read_text(encoding="utf-8")
    text = run("lexicon", "hardware", corpus=demo_corpus).stdout
    assert "fr" in text and "matériel" in text and "lexicon.yaml" in text
    assert len(run("search", "hardware", "--format", "paths", corpus=demo_corpus).stdout.split()) == 2
    assert run("lexicon", "hardware", "--lang", "fr", "--forbid", "matériel", corpus=demo_corpus).returncode == 0
    assert run("search", "hardware", corpus=demo_corpus).returncode == 1
    assert run("lexicon", "zzzyyy", corpus=demo_corpus).returncode == 1


def test_lexicon_problems_are_one_line_errors(demo_corpus):
    missing = run("lexicon", "hardware", "--add", "matériel", corpus=demo_corpus)
    assert missing.returncode == 2 and "--lang" in missing.stderr
    path = demo_corpus / "lexicon.yaml"
    path.write_text("hardware: [unclosed\n", encoding="utf-8")
    broken = run("lexicon", "hardware", "--lang", "fr", "--add", "matériel", corpus=demo_corpus)
    assert broken.returncode == 2 and broken.stderr.count("\n") == 1 and "does not parse" in broken.stderr
    assert path.read_text(encoding="utf-8") == "hardware: [unclosed\n"
    searched = run("search", "Shoigu", corpus=demo_corpus)
    assert searched.returncode == 0 and "lexicon.yaml" in searched.stderr and "Traceback" not in searched.stderr


def test_reader_index_learns_translations_after_the_build(tmp_path):
    from reader.core.engine import LEARN_AT_ONCE
    from reader.core.translation.lexicon import LearnedLexicon
    from tests.core.test_learning_queue import write_translated_pairs

    corpus = tmp_path / "corpus"
    count = write_translated_pairs(corpus, fillers=LEARN_AT_ONCE)  # more than an update learns at once
    done = run("index", corpus=corpus)
    assert done.returncode == 0
    assert f"learning translations from {count:,} changed articles" in done.stderr
    assert "Learned translations in" in done.stderr
    assert {("fr", "en"), ("en", "fr")} <= set(LearnedLexicon.load(corpus / ".reader" / "index").tables)
    again = run("index", corpus=corpus)
    assert "learning translations" not in again.stderr


@pytest.mark.skipif(not installed(), reason="the semantic extra is not installed")
def test_reader_index_computes_meaning_vectors_that_search_then_uses(tmp_path, semantic):
    from tests.conftest import write
    from tests.core.test_semantic import TOPICS

    corpus = tmp_path / "topics"
    for rel, text in TOPICS.items():
        write(corpus, rel, text)
    assert run("search", "heavy snowstorm", "--lang", "ru", corpus=corpus).returncode == 1  # no vectors yet
    built = run("index", corpus=corpus)
    assert built.returncode == 0 and f"Computed {len(TOPICS)} meaning vectors" in built.stderr
    assert "meaning vectors" not in run("index", corpus=corpus).stderr  # nothing left to compute
    found = run("search", "heavy snowstorm", "--lang", "ru", "--format", "json", corpus=corpus)
    hits = json.loads(found.stdout)
    assert [hit["id"] for hit in hits] == ["ru/snow.txt"]
    assert hits[0]["matched"] == [{"term": "", "via": "heavy snowstorm", "source": "semantic"}]
    assert "via ≈ heavy snowstorm" in run("search", "heavy snowstorm", "--lang", "ru", corpus=corpus).stdout
    assert run("search", "heavy snowstorm", "--lang", "ru", "--as-typed", corpus=corpus).returncode == 1
