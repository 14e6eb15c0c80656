"""Every command on a hostile corpus: no crash, nothing executed, nothing raw reaches the terminal."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile.corpus import FILES, make_hostile_corpus

RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b]")
PWNED = Path("/tmp/reader-pwned")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    PWNED.unlink(missing_ok=True)
    root = make_hostile_corpus(tmp_path_factory.mktemp("hostile") / "corpus")
    result = reader("index", "--verbose", corpus=root)
    assert result.returncode == 0, result.stderr
    return root


def reader(*args: str, corpus: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reader.cli", "--corpus", str(corpus), *args],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "TERM": "xterm-256color"})


def assert_clean(result: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    assert not RAW_CONTROL.search(result.stdout), repr(RAW_CONTROL.search(result.stdout))
    assert not RAW_CONTROL.search(result.stderr)
    assert not PWNED.exists(), "YAML executed code"


def test_index_reports_what_it_skipped(hostile):
    result = reader("index", "--rebuild", "--verbose", corpus=hostile)
    assert_clean(result)
    for name in ("nul.txt: contains NUL bytes", "empty.txt: empty file", "blank.txt: empty file",
                 "link leads out of the corpus", "sidecar-bad.txt.yaml", "front matter"):
        assert name in result.stderr


@pytest.mark.parametrize("fmt", ["text", "json", "jsonl", "paths", "csv", "md"])
def test_search_every_format_is_clean(hostile, fmt):
    result = reader("search", "hostilemarker", "--format", fmt, "--limit", "100", corpus=hostile)
    assert result.returncode == 0
    assert_clean(result)
    if fmt == "json":
        hits = json.loads(result.stdout)
        ids = {hit["id"] for hit in hits}
        assert {"markup.txt", "escapes.txt", "cp1252.txt", "-leading-dash.txt", "crlf.txt",
                "name with spaces [and brackets].txt", "ünïcödé-名前.txt", "broken.html",
                "huge-line.txt", "many-lines.txt", "sidecar-bad.txt", "sidecar-exec.txt"} <= ids
        assert not any(i.startswith(("link-out", "secret-link", "nul", "empty")) for i in ids)
        assert not any("cycle/" in i for i in ids)


@pytest.mark.parametrize("name", sorted(n for n in FILES if n.endswith((".txt", ".md", ".html"))
                                         and not n.startswith(("nul", "empty", "blank"))))
def test_show_every_article(hostile, name):
    result = reader("show", "--", name, corpus=hostile)
    assert result.returncode == 0, result.stderr
    assert_clean(result)


def test_markup_is_printed_literally(hostile):
    result = reader("show", "markup.txt", corpus=hostile)
    assert "[@click=app.quit]quit[/]" in result.stdout and "[b]bold[/b]" in result.stdout


def test_leading_dash_name_and_big_files(hostile):
    assert reader("show", "--", "-leading-dash.txt", corpus=hostile).returncode == 0
    big = reader("show", "huge-line", corpus=hostile)
    assert big.returncode == 0 and len(big.stdout) > 5_000_000


def test_sidecars_the_analyst_wrote_are_untouched(hostile):
    for name in ("sidecar-bad.txt", "sidecar-exec.txt", "sidecar-bomb.txt"):
        before = (hostile / f"{name}.yaml").read_bytes()
        result = reader("tag", name, "+x", corpus=hostile)
        assert result.returncode == 2 and name in result.stderr
        assert_clean(result)
        assert (hostile / f"{name}.yaml").read_bytes() == before


@pytest.mark.parametrize("query", ["x" * 100_000, "(" * 5000 + "x" + ")" * 5000, "a\x01b",
                                   "[@click=app.quit]", "\x1b[2J", "title:", "AND", '"'])
def test_hostile_queries_are_rejected_or_answered_quickly(hostile, query):
    result = reader("search", query, corpus=hostile)
    assert result.returncode in (0, 1, 2)
    assert_clean(result)


@pytest.mark.parametrize("command", [["entities"], ["entities", "--format", "json"], ["related"],
                                     ["related", "--format", "json"], ["story"], ["story", "--format", "json"]])
@pytest.mark.parametrize("name", ["escapes.txt", "markup.txt", "bidi.txt", "tagged.txt"])
def test_article_commands_are_clean(hostile, command, name):
    result = reader(*command[:1], name, *command[1:], corpus=hostile)
    assert result.returncode in (0, 1), result.stderr
    assert_clean(result)


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_tags_with_control_characters_are_listed_clean(hostile, fmt):
    result = reader("tags", "--format", fmt, corpus=hostile)
    assert result.returncode == 0, result.stderr
    assert_clean(result)
    assert "[b]markup[/b]" in result.stdout
    if fmt == "json":  # exact names for scripts, the bidi override written as an escape
        assert "rtl\u202eflip" in {row["tag"] for row in json.loads(result.stdout)}


def test_search_with_facets_is_clean(hostile):
    result = reader("search", "hostilemarker", "--facets", "--limit", "100", corpus=hostile)
    assert result.returncode == 0
    assert_clean(result)
