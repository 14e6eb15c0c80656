"""The real app in tmux against hostile input: huge and deeply nested queries, a NUL, a damaged index."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from tests.damage import remove_table_of_contents, truncate_segments
from tests.e2e.tmux import (
    READY,
    STARTUP_SECONDS,
    Pane,
    TmuxServer,
    corpus_copy,
    isolated_env,
    reader_command,
)

pytestmark = pytest.mark.slow

ANSWER_SECONDS = 5.0  # a message for a hostile query, generous for two busy cores
ONE_HIT = re.compile(r"\b1 hit\b")


def start(tmux: TmuxServer, tmp_path: Path, corpus: Path) -> Pane:
    command = reader_command(corpus, {**isolated_env(tmp_path / "home"), "TERM": "xterm-256color"}, cwd=tmp_path)
    return tmux.start("reader", command, 100, 30)


def paste(pane: Pane, tmp_path: Path, text: str) -> None:
    """Paste `text` into the app as a terminal paste (bracketed), as an analyst pasting from elsewhere."""
    source = tmp_path / "paste.txt"
    source.write_bytes(text.encode("utf-8"))
    pane.server.run("load-buffer", "-b", "hostile", str(source))
    pane.server.run("paste-buffer", "-p", "-d", "-b", "hostile", "-t", pane.target)


def status_line(screen: str) -> str:
    return screen.splitlines()[-1]


def still_answers(pane: Pane) -> None:
    """After clearing the query box, a plain query is answered: the app did not hang or die."""
    pane.keys("C-u")
    pane.wait_for(lambda s: s.splitlines()[0].strip().startswith("Search:"))  # the empty box's placeholder
    pane.type("=Chogou")  # as written: Shoigu, another spelling, would make two hits
    pane.wait_for(lambda s: ONE_HIT.search(status_line(s)) is not None)
    pane.keys("C-u")


@pytest.mark.parametrize("query,message", [
    ("x" * 100_000, "the query is too long (100,000 characters"),
    ("(" * 5000 + "x" + ")" * 5000, "the query is too long (10,001 characters"),
    ("(" * 900 + "drones" + ")" * 900, "nested"),
], ids=["100000-chars", "5000-parens", "900-parens"])
def test_hostile_queries_get_a_message_at_once(tmux, tmp_path, indexed_corpus, query, message):
    pane = start(tmux, tmp_path, corpus_copy(indexed_corpus, tmp_path / "corpus"))
    pane.wait_for(READY, timeout=STARTUP_SECONDS)
    started = time.monotonic()
    paste(pane, tmp_path, query)
    screen = pane.wait_for(lambda s: message[:40] in status_line(s), timeout=ANSWER_SECONDS)
    assert time.monotonic() - started < ANSWER_SECONDS
    assert len(screen.splitlines()) == 30 and "Traceback" not in screen
    still_answers(pane)
    assert not pane.dead


def test_a_pasted_nul_never_reaches_the_query(tmux, tmp_path, indexed_corpus):
    pane = start(tmux, tmp_path, corpus_copy(indexed_corpus, tmp_path / "corpus"))
    pane.wait_for(READY, timeout=STARTUP_SECONDS)
    paste(pane, tmp_path, "=Cho\x00gou")
    screen = pane.wait_for(lambda s: ONE_HIT.search(status_line(s)) is not None, timeout=ANSWER_SECONDS)
    assert screen.splitlines()[0].strip() == "=Chogou", screen
    still_answers(pane)


def test_an_index_without_its_table_of_contents_is_reported_and_rebuilt_at_start(tmux, tmp_path, indexed_corpus):
    corpus = corpus_copy(indexed_corpus, tmp_path / "corpus")
    remove_table_of_contents(corpus / ".reader" / "index")
    pane = start(tmux, tmp_path, corpus)
    pane.wait_for(lambda s: "the index is damaged" in status_line(s) and "5 articles · index up to date" in s,
                  timeout=STARTUP_SECONDS + 20)
    pane.type("drones")
    pane.wait_for(lambda s: re.search(r"\b4 hits\b", status_line(s)) is not None)  # as with a sound index
    still_answers(pane)


def test_truncated_segments_are_rebuilt_and_searched_as_before(tmux, tmp_path, indexed_corpus):
    """The damage is found by the start-up check or by the first search (which rebuilds inside the
    search); either way the app says so."""
    corpus = corpus_copy(indexed_corpus, tmp_path / "corpus")
    truncate_segments(corpus / ".reader" / "index")
    pane = start(tmux, tmp_path, corpus)
    pane.wait_for(READY, timeout=STARTUP_SECONDS + 20)
    pane.wait_for(lambda s: ("could not be read" in s or "damaged" in s) and "5 articles" in s,
                  timeout=STARTUP_SECONDS)
    pane.type("drones")
    pane.wait_for(lambda s: re.search(r"\b4 hits\b", status_line(s)) is not None, timeout=STARTUP_SECONDS)
    still_answers(pane)
