"""The engine: multilingual analysis, search, incremental updates, damaged indexes, concurrency."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reader.core.engine import META_FILE, Engine, IndexBusy, IndexLock
from reader.core.indexing import manifest as manifest_store
from reader.core.query import QueryError
from reader.core.results.snippets import plain
from tests.conftest import indexed, replace_and_delete, write, write_word_articles
from tests.damage import truncate_segments, truncate_stored_fields


def found(engine: Engine, query: str, **options) -> list[str]:
    """Ids the query finds as typed (cross-language expansion is tested in test_expansion.py)."""
    return [hit.id for hit in engine.search(query, limit=50, **{"as_typed": True, **options}).hits]


@pytest.fixture
def engine(small_corpus, tmp_path):
    yield from indexed(small_corpus, tmp_path / "index")


def test_each_language_is_stemmed_and_a_query_searches_all_of_them(engine):
    assert found(engine, "livraison") == ["fr/depeche.txt"]          # French plural, French stemmer
    assert found(engine, "delivery") == ["en/wire.txt"]              # English plural, English stemmer
    assert found(engine, "Drohne") == ["de/meldung.md"]
    assert found(engine, "дрон") == ["ru/novost.html"]               # Russian case ending


def test_accents_are_folded(engine):
    assert found(engine, "Etats-Unis") == ["fr/depeche.txt"]
    assert found(engine, "Militarische") == ["de/meldung.md"]
    assert found(engine, "шойгу") == ["ru/novost.html"]


def test_letters_with_their_own_marks_decomposed_text_cjk_words_and_short_first_lines(tmp_path):
    import unicodedata

    corpus = tmp_path / "c"
    write(corpus, "pl.txt", "Wałęsa w Łodzi\n\nLech Wałęsa przyjechał do Łodzi; Đoković grał w København.\n")
    write(corpus, "tr.txt", "Işık haberleri\n\nIrak ve ışık hakkında bir haber.\n")
    write(corpus, "nfd.txt", unicodedata.normalize("NFD", "Le ministère a annoncé\n\nLe ministère a annoncé la "
                                                           "livraison des équipements à la défense.\n"))
    write(corpus, "zh1.txt", "北京新闻\n\n北京今天下雨。\n")
    write(corpus, "zh2.txt", "北方新闻\n\n北方和京都今天下雨。\n")
    write(corpus, "short.txt", "War\n\nThe army moved north on Monday, officials said.\n")
    engine = Engine(corpus, tmp_path / "ix")
    engine.update()
    for query, expected in [("Walesa", ["pl.txt"]), ("Lodzi", ["pl.txt"]),
                            ("Kobenhavn", ["pl.txt"]), ("isik", ["tr.txt"]), ("ırak", ["tr.txt"]),
                            ("annoncé", ["nfd.txt"]), ("equipements", ["nfd.txt"]),
                            (unicodedata.normalize("NFD", "défense"), ["nfd.txt"]),
                            ("北京", ["zh1.txt"]), ("war", ["short.txt"])]:
        assert found(engine, query) == expected, query
    engine.close()


def test_fields_filters_phrases_wildcards_and_fuzzy(engine):
    assert found(engine, "Title:russland") == found(engine, "TITLE:Russland") == ["de/meldung.md"]
    assert found(engine, 'title:"Drohnen für"') == ["de/meldung.md"]
    assert found(engine, "drones AND NOT lang:fr") == found(engine, "drones NOT lang:fr")
    assert found(engine, "drones -lang:fr") == found(engine, "drones NOT lang:fr") == ["en/wire.txt"]
    assert found(engine, "drones -(china OR chinois)") == [] and found(engine, "drones -Etats-Unis") == ["en/wire.txt"]
    assert found(engine, "lang:fr drones") == ["fr/depeche.txt"]
    assert found(engine, "drones", lang="de") == []
    assert found(engine, "title:russland") == ["de/meldung.md"]
    assert found(engine, '"military equipment"') == ["en/wire.txt"]
    assert found(engine, '"equipment military"') == []
    assert found(engine, "milit*") and "en/wire.txt" in found(engine, "milit*")
    assert sorted(found(engine, "Chinna~1")) == ["de/meldung.md", "en/wire.txt"]
    assert found(engine, "source:spiegel") == ["de/meldung.md"]
    assert found(engine, "date:[2024 to 2025]") == ["de/meldung.md"]
    assert found(engine, "drones NOT lang:fr") == ["en/wire.txt"]


def test_a_stop_word_of_an_articles_language_does_not_exclude_it(engine):
    assert found(engine, "the drones") == ["en/wire.txt"]             # "the": an English stop word only
    assert found(engine, "la Russie des drones chinois") == ["fr/depeche.txt"]  # "la", "des": French only
    assert found(engine, "die Drohnen") == ["de/meldung.md"]
    assert found(engine, "in the United States") == ["en/wire.txt"]
    assert found(engine, "the livraisons") == []     # elsewhere the word is still required
    assert found(engine, "the OR die") == []         # OR: a stop word matches nothing by itself
    assert sorted(found(engine, "drones NOT the")) == ["en/wire.txt", "fr/depeche.txt"]
    for query in ("(the) drones", '"the" drones', "title:the drones", "title:(the drones)", "drones AND (the)"):
        assert found(engine, query) == ["en/wire.txt"], query
    assert engine.search("the drones", as_typed=True).total == 1 and engine.search("the").total == 0
    # searched across languages, a stop word that no article of another language holds is ignored there
    assert engine.search("the drones").total == 3 and engine.search("the livraisons").total == 1


def test_lang_and_tag_values_are_written_as_articles_have_them(engine, small_corpus):
    write(small_corpus, "en/wire.txt.yaml", "tags: [Dual Use, Straße]\n")
    engine.update()
    for query in ['tag:"Dual Use"', "tag:dual-use", "tag:Straße", "tag:STRASSE", "lang:EN drones", "lang:en-GB drones"]:
        assert found(engine, query) == ["en/wire.txt"], query
    assert found(engine, "drones", lang="EN", tag="Dual Use") == ["en/wire.txt"]


def test_titles_are_analysed_in_their_articles_language(small_corpus, tmp_path):
    write(small_corpus, "en/body.txt", "City news\n\nA helicopter flew over the city; a helicopter landed.\n")
    write(small_corpus, "en/title.txt", "Helicopters over the city\n\nMany of them flew in the morning.\n")
    write(small_corpus, "ru/moscow.txt", "Переговоры в Москве\n\nДелегации встретились вчера и обсудили вопросы.\n")
    engine = Engine(small_corpus, tmp_path / "ix")
    engine.update()
    assert found(engine, "helicopter")[0] == "en/title.txt"  # the title's plural ranks it first
    assert found(engine, "title:helicopter") == ["en/title.txt"]
    assert found(engine, "title:Москва") == ["ru/moscow.txt"]      # Russian case ending, in a title
    assert found(engine, "title:Livraison") == ["fr/depeche.txt"]   # French plural
    hit = engine.search("title:Москва").hits[0]
    assert plain(hit.snippet).startswith("Делегации встретились")  # the body: the title is not repeated
    engine.close()


def test_title_matches_rank_first(small_corpus, tmp_path):
    write(small_corpus, "en/other.txt", "Weather report\n\nNo drones today; drones are elsewhere. "
          "Drones drones.\n")
    write(small_corpus, "en/title.txt", "Drones over the city\n\nSomething flew over the city at night.\n")
    engine = Engine(small_corpus, tmp_path / "index")
    engine.update()
    assert found(engine, "title:drones OR drones")[0] == "en/title.txt"


def test_a_snippet_is_cut_from_the_body_not_the_title(engine):
    hit = engine.search("title:Drohnen", lang="de").hits[0]  # the title comes from the front matter
    assert hit.title == "Drohnen für Russland"
    assert plain(hit.snippet).startswith("China liefert Drohnen")  # the body, from a word's start
    assert "Drohnen für" not in plain(hit.snippet)
    assert [text for text, is_match in hit.snippet if is_match] == ["Drohnen"]  # the body's match


def test_snippet_marks_the_matched_words(engine):
    hit = engine.search("livraison").hits[0]
    marked = [text for text, is_match in hit.snippet if is_match]
    assert marked and all(word.lower().startswith("livraison") for word in marked)
    assert "drones" in plain(hit.snippet)


@pytest.mark.parametrize("query,message", [
    ("(drones", "parentheses"), ('"drones', "quotes"), ("colour:red", "unknown field 'colour:'"),
    ("drones AND", "nothing to apply"), ("", "empty"), ("a" * 5000, "too long"), ("x\x00y", "NUL"),
    ("(" * 60 + "x" + ")" * 60, "nested"), ("title: drones", "'title:' has no value"),
    ("drones lang:", "'lang:' has no value"), ("NOT NOT drones", "'NOT NOT': two operators in a row"),
    ("drones AND AND china", "two operators"), ("date:[2023 to", "unbalanced brackets"),
], ids=["paren", "quote", "field", "dangling", "empty", "long", "nul", "nested", "no value", "no value at the end",
        "not not", "and and", "range"])
def test_malformed_queries_say_what_is_wrong(engine, query, message):
    with pytest.raises(QueryError, match=message):
        engine.search(query)


def test_unchanged_corpus_processes_nothing(engine):
    generation = engine.index_generation()
    manifest = (engine.index_dir / manifest_store.FILE).stat().st_mtime_ns
    report = engine.update()
    assert (report.added, report.changed, report.removed) == (0, 0, 0)
    assert not engine.is_stale()
    assert engine.index_generation() == generation  # no empty commit: open apps need not refresh
    assert (engine.index_dir / manifest_store.FILE).stat().st_mtime_ns == manifest


def test_one_changed_file_is_the_only_one_processed(engine, small_corpus):
    path = small_corpus / "en/wire.txt"
    path.write_text("Deliveries of drones to Russia\n\nA new paragraph about submarines.\n", encoding="utf-8")
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 10_000_000))
    report = engine.update()
    assert (report.added, report.changed, report.removed) == (0, 1, 0)
    assert found(engine, "submarines") == ["en/wire.txt"]
    assert found(engine, "shipped") == []


def test_added_and_deleted_files_follow_the_folder(engine, small_corpus):
    write(small_corpus, "en/new.txt", "Submarines\n\nA story about submarines.\n")
    (small_corpus / "fr/depeche.txt").unlink()
    assert engine.is_stale()
    report = engine.update()
    assert (report.added, report.removed) == (1, 1)
    assert found(engine, "submarines") == ["en/new.txt"]
    assert found(engine, "livraison") == []


def test_sidecar_change_is_picked_up(engine, small_corpus):
    write(small_corpus, "fr/depeche.txt.yaml", "tags: [urgent]\n")
    assert engine.is_stale()
    assert engine.update().changed == 1
    assert found(engine, "tag:urgent") == ["fr/depeche.txt"]


def test_reindex_makes_a_tag_searchable_at_once_and_keeps_index_fresh(engine, small_corpus):
    from reader.core.userdata.sidecars import update_sidecar

    update_sidecar(small_corpus / "en/wire.txt", add_tags=["dual-use"])
    engine.reindex(["en/wire.txt"])
    assert found(engine, "tag:dual-use") == ["en/wire.txt"]
    assert engine.tag_counts() == {"dual-use": 1}
    assert not engine.is_stale()


def test_skipped_files_are_reported(small_corpus, tmp_path):
    write(small_corpus, "bin.txt", b"abc\x00def")
    write(small_corpus, "empty.txt", "")
    report = Engine(small_corpus, tmp_path / "ix").update()
    assert sorted(line.split(":")[0] for line in report.skipped) == ["bin.txt", "empty.txt"]
    assert report.added == 4


def test_rebuild_and_old_schema_and_damaged_index_are_rebuilt(engine, small_corpus):
    assert engine.update(rebuild=True).rebuilt == "rebuild requested"
    meta = json.loads((engine.index_dir / META_FILE).read_text())
    (engine.index_dir / META_FILE).write_text(json.dumps({**meta, "schema": 0}))
    engine.close()
    assert engine.is_stale()
    assert "another version" in engine.update().rebuilt
    for toc in engine.index_dir.glob("*.toc"):
        toc.write_bytes(b"garbage")
    engine.close()
    report = engine.update()
    assert "damaged" in report.rebuilt
    assert found(engine, "livraison") == ["fr/depeche.txt"]


def test_truncated_segment_is_detected_and_search_results_come_back(engine):
    before = found(engine, "drones")
    engine.close()
    truncate_segments(engine.index_dir)
    assert found(engine, "drones") == before
    assert engine.messages


def test_truncated_stored_fields_are_detected_and_search_results_come_back(engine):
    before = found(engine, "drones")
    for keep in range(1, 40, 3):  # each length fails differently inside Whoosh
        engine.close()
        truncate_stored_fields(engine.index_dir, keep)
        assert found(engine, "drones") == before, keep
        assert any("could not be read" in message for message in engine.messages)
        engine.messages.clear()


def test_a_read_failing_once_is_run_again_on_the_index_opened_anew_without_a_rebuild(engine, monkeypatch):
    from reader.core.search.index import SearchIndex

    before, generation = found(engine, "drones"), engine.index_generation()
    search, failed = SearchIndex.search, []

    def failing_once(index, *args, **kwargs):  # as when a merge removed a segment's file under a search
        if not failed:
            failed.append(index)
            raise FileNotFoundError("MAIN_gone.pst")
        return search(index, *args, **kwargs)

    monkeypatch.setattr(SearchIndex, "search", failing_once)
    assert found(engine, "drones") == before
    assert failed and engine._index is not failed[0]  # the index was opened anew
    assert engine.index_generation() == generation and not engine.messages  # and not rebuilt


def test_a_fault_of_readers_own_code_is_reported_and_rebuilds_nothing(engine, monkeypatch):
    from reader.core.search.index import SearchIndex

    generation = engine.index_generation()

    def faulty(index, *args, **kwargs):  # as an IndexError of the ranking's own arrays would
        raise IndexError("boolean index did not match indexed array")

    monkeypatch.setattr(SearchIndex, "search", faulty)
    with pytest.raises(IndexError):
        engine.search("drones")
    assert engine.index_generation() == generation and not engine.messages


def test_missing_manifest_reindexes_without_duplicates(engine):
    manifest_store.remove(engine.index_dir)
    engine.update()
    assert engine.doc_count() == 4
    assert len(found(engine, "drones OR дроны OR drohnen OR livraisons")) == 4


@contextlib.contextmanager
def lock_held_elsewhere(index_dir):
    """The index lock, held by another process until the block ends (then that process is killed)."""
    holder = subprocess.Popen([sys.executable, "-c", (
        "import fcntl, os, sys, time\n"
        f"fd = os.open({str(IndexLock(index_dir).path)!r}, os.O_RDWR)\n"
        "fcntl.flock(fd, fcntl.LOCK_EX)\nprint('locked', flush=True)\ntime.sleep(30)\n")],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        yield
    finally:
        holder.kill()
        holder.wait()


def test_index_busy_when_another_process_holds_the_lock(engine):
    with lock_held_elsewhere(engine.index_dir):
        with pytest.raises(IndexBusy):
            engine.update(wait=False)
        assert found(engine, "livraison") == ["fr/depeche.txt"]   # searches keep working
    assert engine.update(wait=False).added == 0                   # a dead holder's lock is gone


def test_a_writer_waits_for_the_index_lock_only_so_long(engine, monkeypatch):
    from reader.core.errors import EnvironmentFailure
    from reader.core.indexing import lock as lock_module

    monkeypatch.setattr(lock_module, "WAIT_SECONDS", 0.3)
    with lock_held_elsewhere(engine.index_dir):
        with pytest.raises(lock_module.IndexLockTimeout, match="another process has been updating") as caught:
            engine.update(wait=True)
        assert isinstance(caught.value, EnvironmentFailure)  # exit status 4, one line


def test_two_indexers_at_once_leave_a_sound_index(small_corpus, tmp_path):
    for number in range(60):
        write(small_corpus, f"bulk/{number:03d}.txt", f"Bulk article {number}\n\nText about topic{number}.\n")
    code = ("import sys\nfrom reader.core.engine import Engine\n"
            "Engine(sys.argv[1], sys.argv[2]).update(wait=True)\n")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(small_corpus), str(tmp_path / "ix")])
             for _ in range(2)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    engine = Engine(small_corpus, tmp_path / "ix")
    assert engine.update().added == 0
    assert engine.doc_count() == 64
    assert found(engine, "topic7") == ["bulk/007.txt"]


def _children(pid: int) -> list[int]:
    """Process ids whose parent is `pid` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    """True while the process exists and is not a zombie."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_killed_indexer_leaves_a_usable_index_and_no_loaders(small_corpus, tmp_path):
    for number in range(800):
        write(small_corpus, f"bulk/{number:04d}.txt", f"Bulk article {number}\n\n" + "words " * 300)
    index_dir = tmp_path / "ix"
    Engine(small_corpus, index_dir).update()  # a first, complete index
    for number in range(800):
        write(small_corpus, f"more/{number:04d}.txt", f"More {number}\n\n" + "other " * 300)
    code = ("import sys\nfrom reader.core.engine import Engine\n"
            "if __name__ == '__main__':\n    Engine(sys.argv[1], sys.argv[2]).update()\n")
    script = tmp_path / "index_it.py"
    script.write_text(code)
    proc = subprocess.Popen([sys.executable, str(script), str(small_corpus), str(index_dir)])
    deadline = time.monotonic() + 30
    while not (loaders := _children(proc.pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)
    proc.kill()
    proc.wait()
    assert loaders, "the indexer started no loader processes"
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in loaders) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in loaders), "loader processes outlived the killed indexer"
    engine = Engine(small_corpus, index_dir)
    report = engine.update()
    assert engine.doc_count() == 1604
    assert found(engine, "more AND 799") or report.total == 1604


_KILLED_MID_BUILD = """import os, signal, sys
from reader.core.engine import Engine

def progress(done, total):
    if done == 60:  # what another analyst's search sees now (if there is an index to see), then the indexer dies
        if sys.argv[3] == "rebuild":
            print(Engine(sys.argv[1], sys.argv[2]).search("*", limit=1, snippets=False).total, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)

if __name__ == "__main__":
    Engine(sys.argv[1], sys.argv[2]).update(rebuild=sys.argv[3] == "rebuild", progress=progress)
"""


@pytest.mark.parametrize("damage", ["rebuild", "old schema"])
def test_a_build_killed_before_its_commit_is_not_taken_for_a_finished_one(small_corpus, tmp_path, damage):
    for number in range(200):
        write(small_corpus, f"bulk/{number:04d}.txt", f"Bulk article {number}\n\nwords and more words\n")
    index_dir = tmp_path / "ix"
    Engine(small_corpus, index_dir).update()
    if damage == "old schema":
        meta = json.loads((index_dir / META_FILE).read_text())
        (index_dir / META_FILE).write_text(json.dumps({**meta, "schema": 1}))
    script = tmp_path / "killed.py"
    script.write_text(_KILLED_MID_BUILD)
    seen = subprocess.run([sys.executable, str(script), str(small_corpus), str(index_dir), damage],
                          capture_output=True, text=True, timeout=120).stdout.split()
    engine = Engine(small_corpus, index_dir)
    if damage == "rebuild":  # the old index served searches during the rebuild and is still whole
        assert seen == ["204"]
        assert engine.search("*", snippets=False).total == 204 and engine.update().added == 0
    else:  # no usable index to keep: the next update sees the build did not finish and builds again
        report = engine.update()
        assert report.rebuilt == "the index is incomplete (its last build did not finish)"
    assert engine.search("*", snippets=False).total == 204


def test_replacing_documents_while_a_searcher_is_open_leaves_no_duplicates(engine, small_corpus):
    from reader.core.userdata.sidecars import update_sidecar

    assert found(engine, "drones OR livraisons") == found(engine, "drones OR livraisons")  # searcher open
    for tag in ("one", "two", "three"):
        update_sidecar(small_corpus / "en/wire.txt", add_tags=[tag])
        engine.reindex(["en/wire.txt"])
        hits = found(engine, "drones")
        assert len(hits) == len(set(hits))
        assert engine.doc_count() == 4
    assert found(engine, "tag:two") == ["en/wire.txt"]


def test_missing_table_of_contents_is_reported_and_rebuilt(engine):
    before = found(engine, "drones OR livraisons")
    engine.close()
    for toc in engine.index_dir.glob("*.toc"):
        toc.unlink()
    assert engine.is_stale()
    report = engine.update()
    assert "table of contents is missing" in report.rebuilt
    assert found(engine, "drones OR livraisons") == before


@pytest.mark.parametrize("query", [
    "police", "government OR police", "police NOT government", "gouvernement AND lang:fr", '"the police"',
    "polic*", "title:police", "date:>2000", "*", "NOT police", "polize~1",
])
def test_the_fast_hit_count_equals_counting_every_hit(tmp_path, query):
    """Totals come from set operations on postings; they must equal the number of hits listed in full."""
    corpus = tmp_path / "corpus"
    write_word_articles(corpus, 240, ["police", "government", "gouvernement", "economy", "court", "the"],
                        ["la", "police", "du", "gouvernement", "a", "dit", "mardi"], lambda n: 40)
    eng = Engine(corpus, tmp_path / "index")
    eng.update()
    replace_and_delete(corpus, 240, 7, "Title {n}\n\nnothing here but economy\n")  # must not count
    eng.update()
    for lang, tag in ((None, None), ("en", None), ("fr", None)):
        fast = eng.search(query, limit=3, lang=lang, tag=tag, snippets=False).total
        full = eng.search(query, limit=None, lang=lang, tag=tag, snippets=False)
        assert fast == len(full.hits) == full.total


def _news_corpus(root: Path) -> Path:
    """The small corpus, the demo articles, a file to skip and a tagged article."""
    from tests.conftest import DEMO_CORPUS

    for path in DEMO_CORPUS.glob("*.txt"):
        write(root, f"demo/{path.name}", path.read_text(encoding="utf-8"))
    (root / "bad.txt").write_bytes(b"Broken\x00file")
    write(root, "en/tagged.txt", "Tagged article\n\nSergei Shoigu met officials in Moscow on Monday.\n")
    write(root, "en/tagged.txt.yaml", "tags: [watch]\n")
    return root


def _answers(engine: Engine) -> dict:
    queries = ["drones", "livraison", "Shoigu", "tag:watch", "lang:fr", "*"]
    report = {q: sorted(found(engine, q)) for q in queries}
    report["count"] = engine.doc_count()
    report["related"] = [r.id for r in engine.related("fr/depeche.txt")]
    return report


def test_parallel_loaders_build_the_same_index_as_one_process(small_corpus, tmp_path, monkeypatch):
    import reader.core.engine as engine_module

    corpus = _news_corpus(small_corpus)
    one = Engine(corpus, tmp_path / "one")
    report_one = one.update()
    monkeypatch.setattr(engine_module, "PARALLEL_THRESHOLD", 2)
    parallel = Engine(corpus, tmp_path / "parallel")
    report_parallel = parallel.update()
    assert report_parallel.skipped == report_one.skipped and len(report_one.skipped) == 1
    assert (report_parallel.added, report_parallel.total) == (report_one.added, report_one.total)
    assert _answers(parallel) == _answers(one)
    write(corpus, "en/wire.txt", "Deliveries of zeppelins\n\nNo more flying machines here.\n")  # a parallel update
    write(corpus, "en/wire2.txt", "Deliveries of drones again\n\nDrones, drones.\n")
    (corpus / "fr/depeche.txt").unlink()
    report = parallel.update()
    assert (report.added, report.changed, report.removed) == (1, 1, 1)
    drones = found(parallel, "drones")
    assert "en/wire2.txt" in drones and "en/wire.txt" not in drones and "fr/depeche.txt" not in drones
    assert found(parallel, "zeppelins") == ["en/wire.txt"]
    assert parallel.doc_count() == report.total - 1  # the NUL file stays out
    assert not list((tmp_path / "parallel").glob("*.tmp*"))  # loaders' temporary folders are gone


def test_cancelled_parallel_build_leaves_the_index_as_it_was(small_corpus, tmp_path, monkeypatch):
    import threading

    import reader.core.engine as engine_module

    corpus = _news_corpus(small_corpus)
    engine = Engine(corpus, tmp_path / "ix")
    engine.update()
    before = _answers(engine)
    generation = engine.index_generation()
    for number in range(60):
        write(corpus, f"bulk/{number:03d}.txt", f"Bulk article {number}\n\nDrones and tanks, number {number}.\n")
    monkeypatch.setattr(engine_module, "PARALLEL_THRESHOLD", 2)
    cancel = threading.Event()
    report = engine.update(progress=lambda done, total: done >= 5 and cancel.set(), cancel=cancel)
    assert report.cancelled
    assert engine.index_generation() == generation
    assert _answers(engine) == before
    assert not list((tmp_path / "ix").glob("*.tmp*"))
    assert engine.update().added == 60
    assert len(found(engine, "bulk")) == 50  # the limit of `found`


def test_a_loader_that_dies_fails_the_update_with_one_line_and_leaves_the_index(small_corpus, tmp_path):
    for number in range(500):
        write(small_corpus, f"bulk/{number:04d}.txt", f"Bulk article {number}\n\n" + "words " * 300)
    index_dir = tmp_path / "ix"
    engine = Engine(small_corpus, index_dir)
    engine.update()
    before = (engine.doc_count(), found(engine, "words")[:5], engine.index_generation())
    for number in range(1500):
        write(small_corpus, f"more/{number:04d}.txt", f"More {number}\n\n" + "zebras " * 300)
    proc = subprocess.Popen([sys.executable, "-m", "reader.cli", "index", "--corpus", str(small_corpus),
                             "--index", str(index_dir)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    loaders: list[int] = []
    while not loaders and time.monotonic() < deadline:
        loaders = [pid for pid in _children(proc.pid)
                   if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()]
        time.sleep(0.05)
    assert loaders, "no loader process started"
    time.sleep(0.5)
    os.kill(loaders[0], 9)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode != 0
    lines = err.strip().splitlines()
    assert any("indexing process died" in line for line in lines) and "Traceback" not in err
    time.sleep(1.0)
    assert not any(_alive(pid) for pid in loaders), "loader processes outlived the failed update"
    engine.close()
    engine = Engine(small_corpus, index_dir)
    assert (engine.doc_count(), found(engine, "words")[:5], engine.index_generation()) == before
    assert engine.update().added == 1500
    assert len(found(engine, "zebras")) == 50


def test_every_article_lists_newest_first_in_the_same_order_whatever_the_segments(tmp_path):
    corpus = tmp_path / "c"
    for number in range(12):
        date = f"date: 2024-05-{number % 4 + 1:02d}\n" if number % 3 else ""
        write(corpus, f"a{number:02d}.md", f"---\ntitle: Report {number}\n{date}---\nThe harbour was busy.\n")
    engine = Engine(corpus, tmp_path / "index")
    engine.update()
    first = [hit.id for hit in engine.search("*", limit=None).hits]
    dates = [hit.date for hit in engine.search("*", limit=None).hits]
    assert dates == sorted(dates, key=lambda d: d or "", reverse=True)  # newest first, undated last
    for name in ("a07.md", "a02.md", "a10.md"):  # re-written: they move to a newer segment
        path = corpus / name
        path.write_text(path.read_text() + "\nMore.\n")
        os.utime(path, (time.time() + 5, time.time() + 5))
    engine.update()
    assert [hit.id for hit in engine.search("*", limit=None).hits] == first
    undated = [hit.id for hit in engine.search("*", limit=None).hits if not hit.date]
    assert undated == sorted(undated)


def test_an_update_refills_a_relatedness_store_that_fell_behind_the_index(engine, small_corpus, tmp_path):
    from reader.core.related.store import RelatedIndex

    before = {i: [r.id for r in engine.related(i)] for i in engine.all_ids()}
    store = RelatedIndex(tmp_path / "index")
    store.remove("fr/depeche.txt")  # as if a process died between the index's commit and the store's
    store.close()
    assert engine.update().changed == 1  # only the article the store lacks is read again
    assert {i: [r.id for r in engine.related(i)] for i in engine.all_ids()} == before
