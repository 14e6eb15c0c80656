"""The headless CLI, run as a subprocess: output formats, JSON schema, exit codes, hygiene."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import write

HIT_KEYS = {"id", "path", "title", "lang", "date", "score", "snippet", "tags", "matched"}


def run(*args: str, env: dict | None = None, corpus=None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **(env or {})}
    command = [sys.executable, "-m", "reader.cli", *args]
    if corpus is not None:
        command += ["--corpus", str(corpus)]
    return subprocess.run(command, capture_output=True, text=True, env=full_env, timeout=120)


def test_search_text_output_marks_matches_without_colour_when_piped(demo_corpus):
    result = run("search", "Chogou OR Shoigu", corpus=demo_corpus)
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout
    assert "**Chogou**" in result.stdout and "001_e13ff6d2d78ae1e3.txt · en" in result.stdout


def test_json_and_jsonl_follow_the_schema(demo_corpus):
    hits = json.loads(run("search", "drones", "--format", "json", corpus=demo_corpus).stdout)
    assert hits and all(set(hit) == HIT_KEYS for hit in hits)
    assert {hit["lang"] for hit in hits} == {"en", "fr"}
    assert all(isinstance(hit["score"], float) and isinstance(hit["tags"], list) for hit in hits)
    lines = run("search", "China", "--format", "jsonl", "--limit", "2", corpus=demo_corpus).stdout.splitlines()
    assert len(lines) == 2 and all(set(json.loads(line)) == HIT_KEYS for line in lines)


def test_paths_lang_and_tag_filters(demo_corpus):
    paths = run("search", "China OR Chine", "--format", "paths", "--lang", "fr", corpus=demo_corpus).stdout.split()
    assert sorted(os.path.basename(p) for p in paths) == ["002_fbf23ee5ad2ba58c.txt", "004_4921ef0473f76c4f.txt"]
    assert run("tag", "004", "+Dual Use", corpus=demo_corpus).returncode == 0
    tagged = run("search", "Chine", "--tag", "dual-use", "--format", "paths", corpus=demo_corpus).stdout.split()
    assert [os.path.basename(p) for p in tagged] == ["004_4921ef0473f76c4f.txt"]


@pytest.mark.parametrize("args,code,message", [
    (("search", "zzzyyyxxx"), 1, ""),
    (("search", "(unclosed"), 2, "parentheses"),
    (("search", "colour:red"), 2, "unknown field"),
    (("search", "x", "--format", "xml"), 2, "invalid choice"),
    (("show", "9"), 2, "no article id starts with '9'"),
    (("show", "00"), 2, "matches 5 articles"),
    (("tag", "001"), 2, "usage"),
    (("tag", "nope", "+x"), 2, "no article"),
], ids=["nothing", "paren", "field", "format", "unknown-id", "ambiguous", "no-tag", "tag-unknown"])
def test_exit_codes_and_one_line_errors(demo_corpus, args, code, message):
    result = run(*args, corpus=demo_corpus)
    assert result.returncode == code
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 1


def test_missing_corpus_exits_2(tmp_path):
    result = run("search", "x", corpus=tmp_path / "missing")
    assert result.returncode == 2 and "corpus folder not found" in result.stderr


def test_an_index_folder_that_is_a_file_exits_2(demo_corpus, tmp_path):
    result = run("search", "x", "--index", str(write(tmp_path, "a-file", "x")), corpus=demo_corpus)
    assert result.returncode == 2 and "the index folder is not a folder" in result.stderr


def test_a_terminal_that_cannot_show_a_character_gets_an_escape(demo_corpus):
    result = run("search", "Chine", "--limit", "1", env={"PYTHONIOENCODING": "ascii"}, corpus=demo_corpus)
    assert result.returncode == 0 and "\\xe0" in result.stdout and "Traceback" not in result.stderr


def test_corpus_from_environment(demo_corpus):
    result = run("search", "Politico", "--format", "paths", env={"READER_CORPUS": str(demo_corpus)})
    assert result.returncode == 0 and "002_fbf23ee5ad2ba58c.txt" in result.stdout


def test_show_prints_the_article_literally(demo_corpus):
    write(demo_corpus, "evil.txt", "Evil [bold]title[/]\n\nBody \x1b]0;pwned\x07 with \x1b[31mred\x1b[0m and \u202eRTL.\n")
    result = run("show", "evil", corpus=demo_corpus)
    assert result.returncode == 0
    assert result.stdout.startswith("Evil [bold]title[/]\n")
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout and "\u202e" not in result.stdout
    assert "␛]0;pwned" in result.stdout
    search = run("search", "pwned", "--format", "jsonl", corpus=demo_corpus)
    assert "\x1b" not in search.stdout and "\\u001b" not in search.stdout


def test_index_reports_skipped_files_and_lists_them_verbosely(demo_corpus):
    write(demo_corpus, "broken.txt", b"\x00\x01\x02")
    result = run("index", corpus=demo_corpus)
    assert result.returncode == 0
    assert "Indexed 5 articles" in result.stderr and "1 files not indexed" in result.stderr
    assert "skipped: broken.txt: contains NUL bytes" in result.stderr  # named without --verbose too
    verbose = run("index", "--rebuild", "--verbose", corpus=demo_corpus)
    assert "broken.txt: contains NUL bytes" in verbose.stderr
    assert "rebuilt the index" in verbose.stderr


def test_a_search_process_ends_with_all_its_output_written(tmp_path):
    """`reader search` ends its process at once after its command: its piped output (block-buffered) must
    be whole, and a reader of it that goes away early is no error."""
    for number in range(400):
        write(tmp_path, f"n{number:03}.txt", f"Harbour note {number}\n\nThe harbour was busy on day {number}.\n")
    buffered = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    command = f"{sys.executable} -m reader.cli search harbour --format jsonl --limit 0 --corpus {tmp_path}"
    found = subprocess.run(command.split(), capture_output=True, text=True, env=buffered, timeout=120)
    assert found.returncode == 0, found.stderr
    assert len([json.loads(line) for line in found.stdout.splitlines()]) == 400
    piped = subprocess.run(["bash", "-o", "pipefail", "-c", f"{command} | head -1"], capture_output=True,
                           text=True, env=buffered, timeout=120)
    assert piped.returncode == 0 and json.loads(piped.stdout)["id"].startswith("n")
    assert "Traceback" not in piped.stderr and "Exception" not in piped.stderr


def test_index_writes_the_posting_arrays_an_earlier_version_left_out(demo_corpus):
    assert run("index", corpus=demo_corpus).returncode == 0
    arrays = sorted((demo_corpus / ".reader" / "index").glob("*.arr"))
    assert arrays  # one a segment, written with it
    for path in arrays:
        path.unlink()
    result = run("index", corpus=demo_corpus)
    assert result.returncode == 0, result.stderr
    assert f"Wrote the posting arrays of {len(arrays)} segment" in result.stderr
    assert sorted((demo_corpus / ".reader" / "index").glob("*.arr")) == arrays
    assert "posting arrays" not in run("index", corpus=demo_corpus).stderr  # once


def test_names_that_are_not_one_line_of_utf8_are_skipped_with_a_warning(demo_corpus):
    root = os.fsencode(demo_corpus)
    with open(os.path.join(root, b"caf\xe9.txt"), "w") as file:
        file.write("Cafe news\n\nA zeppelin was seen.\n")
    os.mkdir(os.path.join(root, b"d\xe9"))
    with open(os.path.join(root, b"d\xe9", b"inside.txt"), "w") as file:
        file.write("Inside\n\nAnother zeppelin.\n")
    result = run("index", "--verbose", corpus=demo_corpus)
    assert result.returncode == 0, result.stderr
    assert "caf\\xe9.txt: the name is not UTF-8" in result.stderr and "d\\xe9: the name" in result.stderr
    write(demo_corpus, "two\nlines.txt", "Two lines\n\nA zeppelin again.\n")
    result = run("index", "--verbose", corpus=demo_corpus)
    assert "two\\x0alines.txt: the name holds control characters" in result.stderr
    assert run("search", "Shoigu", "--format", "paths", corpus=demo_corpus).returncode == 0


@pytest.mark.parametrize("query", ["foo", "foo bar", '"foo bar"', "fo*", "foo~", "*"])
def test_an_empty_corpus_finds_nothing_quietly(tmp_path, query):
    (tmp_path / "empty").mkdir()
    result = run("search", query, corpus=tmp_path / "empty")
    assert (result.returncode, result.stdout, result.stderr) == (1, "", "")


def test_search_updates_a_stale_index_by_itself(demo_corpus):
    assert run("index", corpus=demo_corpus).returncode == 0
    write(demo_corpus, "new/late.txt", "Late news\n\nA zeppelin was seen over Paris.\n")
    result = run("search", "zeppelin", "--format", "paths", corpus=demo_corpus)
    assert result.returncode == 0 and result.stdout.splitlines()[0].endswith("new/late.txt")


def test_tag_and_tags(demo_corpus):
    result = run("tag", "002", "004", "+Source:Politico", "+no", "-absent", corpus=demo_corpus)
    assert result.returncode == 0, result.stderr
    assert (demo_corpus / "002_fbf23ee5ad2ba58c.txt.yaml").read_text().count("source:politico") == 1
    counts = json.loads(run("tags", "--format", "json", corpus=demo_corpus).stdout)
    assert {"tag": "source:politico", "count": 2} in counts and {"tag": "no", "count": 2} in counts
    assert run("tag", "002", "-no", corpus=demo_corpus).returncode == 0
    assert run("search", "tag:no", "--format", "paths", corpus=demo_corpus).stdout.strip().endswith("004_4921ef0473f76c4f.txt")
    bad = run("tag", "002", "+bad\x01tag", corpus=demo_corpus)
    assert (bad.returncode, bad.stderr) == (2, "reader: not a usable tag: 'bad\\x01tag'\n")


def test_show_and_an_entity_search_say_what_does_not_parse(demo_corpus):
    write(demo_corpus, "002_fbf23ee5ad2ba58c.txt.yaml", "tags: [unclosed\n")
    shown = run("show", "002", corpus=demo_corpus)
    assert shown.returncode == 0 and "002_fbf23ee5ad2ba58c.txt.yaml: line" in shown.stderr
    write(demo_corpus, "entities.yaml", "entities: [\n")
    searched = run("search", "entity:shoigu", corpus=demo_corpus)
    assert "entities.yaml" in searched.stderr and "entity: queries match the names as written" in searched.stderr


def test_show_and_tag_reach_only_what_the_corpus_holds(demo_corpus, tmp_path):
    write(demo_corpus, ".hidden/h.txt", "Hidden\n\nnot an article\n")
    outside = write(tmp_path, "outside.txt", "Outside\n\nnot an article either\n")
    os.symlink(outside, demo_corpus / "outside.txt")
    for args in (["show", ".hidden/h.txt"], ["show", "outside.txt"], ["tag", "outside.txt", "+x"]):
        result = run(*args, corpus=demo_corpus)
        assert result.returncode == 2 and "no article id starts with" in result.stderr, args
    assert not (tmp_path / "outside.txt.yaml").exists()


def test_tag_refuses_a_malformed_sidecar_and_leaves_it_alone(demo_corpus):
    sidecar = write(demo_corpus, "001_e13ff6d2d78ae1e3.txt.yaml", "tags: [oops\n# my notes\n")
    result = run("tag", "001", "+x", corpus=demo_corpus)
    assert result.returncode == 2 and "001_e13ff6d2d78ae1e3.txt.yaml" in result.stderr
    assert sidecar.read_text() == "tags: [oops\n# my notes\n"


def test_colour_only_on_a_terminal_and_never_with_no_color(demo_corpus):
    import pty

    code = ("import sys\nfrom reader.cli import main\n"
            f"sys.exit(main(['search', '--corpus', {str(demo_corpus)!r}, 'Chogou']))\n")
    for env, expect_colour in (({}, True), ({"NO_COLOR": "1"}, False)):
        main_fd, child_fd = pty.openpty()
        proc = subprocess.Popen([sys.executable, "-c", code], stdout=child_fd, stderr=subprocess.DEVNULL,
                                env={**os.environ, "TERM": "xterm-256color", **env})
        os.close(child_fd)
        output = b""
        while True:
            try:
                chunk = os.read(main_fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
        proc.wait(timeout=60)
        os.close(main_fd)
        assert (b"\x1b[" in output) == expect_colour
        assert b"Chogou" in output


def test_entities_text_and_json(demo_corpus):
    rows = json.loads(run("entities", "001", "--format", "json", corpus=demo_corpus).stdout)
    assert all(set(row) == {"text", "type", "id", "count", "source", "names"} for row in rows)
    shoigu = next(row for row in rows if row["id"] == "shoigu")
    assert (shoigu["text"], shoigu["type"], shoigu["source"]) == ("Sergei Shoigu", "person", "gazetteer")
    assert "Sergue Chogou" in shoigu["names"]  # the canonical (first) name, with the spellings the article uses
    assert any(row["source"] == "automatic" and row["type"] == "date" for row in rows)
    text = run("entities", "001", corpus=demo_corpus).stdout
    assert "Sergei Shoigu" in text and "shoigu" in text and "also Sergue Chogou" in text


@pytest.mark.parametrize("query", ["entity:shoigu", "entity:Chogou", "entity:Шойгу", 'entity:"Sergei Shoigu"'])
def test_entity_search_matches_every_alias_and_script(demo_corpus, query):
    paths = run("search", query, "--format", "paths", corpus=demo_corpus).stdout.split()
    assert sorted(os.path.basename(p) for p in paths) == ["000_2b620b70247fd231.txt", "001_e13ff6d2d78ae1e3.txt"]


def test_broken_gazetteer_is_reported_and_search_still_works(demo_corpus):
    (demo_corpus / "entities.yaml").write_text("entities: [unclosed\n", encoding="utf-8")
    result = run("entities", "001", corpus=demo_corpus)
    assert "entities.yaml" in result.stderr and "Traceback" not in result.stderr
    assert run("search", "Chogou", corpus=demo_corpus).returncode == 0


@pytest.mark.parametrize("term", ["dumb", "xterm-256color"])
def test_tui_without_a_terminal_points_at_search(demo_corpus, term):
    result = run(corpus=demo_corpus, env={"TERM": term})
    assert result.returncode == 2
    assert "needs a terminal" in result.stderr and "reader search" in result.stderr


def test_related_same_story_first_with_reasons_then_the_rest_by_score(demo_corpus):
    record = json.loads(run("related", "002", "--format", "json", corpus=demo_corpus).stdout)
    assert record["id"] == "002_fbf23ee5ad2ba58c.txt" and record["lang"] == "fr"
    related = record["related"]
    assert all(set(item) == {"id", "title", "lang", "score", "reasons", "same_story"} for item in related)
    rewrite = related[0]  # the French rewrite of the same story, before weaker English candidates
    assert rewrite["id"] == "004_4921ef0473f76c4f.txt" and rewrite["same_story"]
    assert any("shared number" in reason for reason in rewrite["reasons"])
    rest = [item["score"] for item in related[1:]]
    assert rest == sorted(rest, reverse=True) and not any(item["same_story"] for item in related[1:])
    text = run("related", "002", corpus=demo_corpus).stdout
    assert "(no translation found; closest: EN " in text
    assert text.index("004_4921ef0473f76c4f.txt") < text.index("000_2b620b70247fd231.txt")


def test_related_all_as_jsonl_and_usage(demo_corpus):
    lines = run("related", "--all", "--format", "jsonl", corpus=demo_corpus).stdout.splitlines()
    assert len(lines) == 5 and all(json.loads(line)["related"] for line in lines)
    assert run("related", corpus=demo_corpus).returncode == 2
    only_en = json.loads(run("related", "004", "--lang", "en", "--format", "json", corpus=demo_corpus).stdout)
    assert {item["lang"] for item in only_en["related"]} == {"en"}


@pytest.mark.parametrize("first", [["related", "002"], ["index"]])
def test_a_damaged_relatedness_store_is_rebuilt_with_a_message(demo_corpus, first):
    assert run("index", corpus=demo_corpus).returncode == 0
    store = demo_corpus / ".reader" / "index" / "related.sqlite"
    for leftover in store.parent.glob("related.sqlite-*"):
        leftover.unlink()
    store.write_bytes(b"not a database " * 200)
    result = run(*first, corpus=demo_corpus)
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert "relatedness store could not be read (file is not a database); it is rebuilt" in result.stderr
    related = json.loads(run("related", "002", "--format", "json", corpus=demo_corpus).stdout)
    assert any(item["id"].startswith("004") for item in related["related"])


def test_an_error_naming_hostile_text_is_one_line_without_control_characters(demo_corpus):
    result = run("show", "\x1b]0;pwned\x07abc\ndef", corpus=demo_corpus)
    assert result.returncode == 2
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert result.stderr.count("\n") == 1 and "no article id starts with" in result.stderr


def test_with_stories_follows_each_hit_with_its_other_tellings(demo_corpus):
    plain_hits = json.loads(run("search", "masses", "--format", "json", corpus=demo_corpus).stdout)
    assert [hit["id"] for hit in plain_hits] == ["002_fbf23ee5ad2ba58c.txt"]
    result = run("search", "masses", "--with-stories", "--format", "json", corpus=demo_corpus)
    hits = json.loads(result.stdout)
    assert [hit["id"] for hit in hits] == ["002_fbf23ee5ad2ba58c.txt", "004_4921ef0473f76c4f.txt"]
    assert set(hits[0]) == HIT_KEYS  # the hits keep the schema
    assert hits[1]["story_of"] == "002_fbf23ee5ad2ba58c.txt" and hits[1]["story"] == "rewrite"
    text = run("search", "masses", "--with-stories", corpus=demo_corpus).stdout
    assert "004_4921ef0473f76c4f.txt · fr · ↳ rewrite of 002_fbf23ee5ad2ba58c.txt" in text


def test_a_quick_index_reads_only_the_folders_that_changed(tmp_path):
    corpus = tmp_path / "archive"
    for day in range(1, 6):
        write(corpus, f"2024-05-0{day}/wire.txt", f"Wire of May {day}\n\nPort workers met on day {day}.\n")
    assert run("index", corpus=corpus).returncode == 0
    write(corpus, "2024-05-03/late.txt", "Late wire\n\nA zeppelin was seen over the port.\n")  # a synced file
    edited = corpus / "2024-05-01/wire.txt"
    with open(edited, "a", encoding="utf-8") as file:  # edited in place: its folder's listing stays
        file.write("Dockers joined them.\n")
    quick = run("index", "--quick", "--format", "json", corpus=corpus)
    assert quick.returncode == 0, quick.stderr
    report = json.loads(quick.stdout)
    assert (report["added"], report["changed"], report["articles"]) == (1, 0, 6)
    thorough = json.loads(run("index", "--format", "json", corpus=corpus).stdout)
    assert (thorough["added"], thorough["changed"]) == (0, 1)
