"""End to end: the installed `reader` in a real terminal (tmux, 80×24, xterm-256color)."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import time
import uuid

import pytest

pytestmark = pytest.mark.slow

READER = shutil.which("reader")


def _tmux(socket: str, *args: str) -> str:
    return subprocess.run(["tmux", "-L", socket, *args], check=True, capture_output=True, text=True).stdout


def _wait_for(socket: str, *texts: str, timeout: float = 20.0, fail_on: tuple[str, ...] = ()) -> str:
    """Poll the pane until every text shows (failing early on any of `fail_on`); return the screen."""
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = _tmux(socket, "capture-pane", "-p", "-t", "reader")
        if all(text in screen for text in texts):
            return screen
        if any(text in screen for text in fail_on):
            break
        time.sleep(0.1)
    raise AssertionError(f"never showed {texts!r}; the screen was:\n{screen}")


@pytest.mark.skipif(shutil.which("tmux") is None or READER is None, reason="needs tmux and the installed reader")
def test_search_open_and_quit_in_tmux(demo_corpus, tmp_path):
    socket = f"reader-test-{uuid.uuid4().hex[:8]}"
    env = {"TERM": "xterm-256color", "XDG_CONFIG_HOME": str(tmp_path / "config"), "LANG": "C.UTF-8",
           "LC_ALL": "C.UTF-8", "PATH": os.environ.get("PATH", ""), "READER_SEMANTIC": os.environ["READER_SEMANTIC"]}
    command = " ".join([
        "env", "-i", *(f"{k}={shlex.quote(v)}" for k, v in env.items()),
        shlex.quote(READER), "--corpus", shlex.quote(str(demo_corpus)),
        "; echo reader-exited-$?; sleep 30"])
    _tmux(socket, "new-session", "-d", "-s", "reader", "-x", "80", "-y", "24", command)
    try:
        _wait_for(socket, "5 articles", "index up to date")
        _tmux(socket, "send-keys", "-t", "reader", "-l", "drones")
        screen = _wait_for(socket, "4 hits")
        assert "Chine" in screen
        _tmux(socket, "send-keys", "-t", "reader", "Enter")
        time.sleep(0.3)
        _tmux(socket, "send-keys", "-t", "reader", "Enter")
        screen = _wait_for(socket, "n/N to step")
        lines = screen.splitlines()
        assert len(lines) <= 24 and all(len(line) <= 80 for line in lines)
        assert "drones" in screen
        _tmux(socket, "send-keys", "-t", "reader", "n")
        _wait_for(socket, "match 1 of")
        _tmux(socket, "send-keys", "-t", "reader", "q")
        _wait_for(socket, "reader-exited-0")
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True)


@pytest.mark.skipif(shutil.which("tmux") is None or READER is None, reason="needs tmux and the installed reader")
def test_a_corpus_big_enough_for_worker_processes_indexes_inside_the_app(tmp_path):
    corpus = tmp_path / "many"
    corpus.mkdir()
    for number in range(450):  # above the engine's threshold for loading files in a process pool
        (corpus / f"{number:03d}.txt").write_text(
            f"Report number {number}\n\nThe committee met on day {number} to discuss the harbour.\n",
            encoding="utf-8")
    socket = f"reader-test-{uuid.uuid4().hex[:8]}"
    command = (f"env TERM=xterm-256color XDG_CONFIG_HOME={shlex.quote(str(tmp_path / 'config'))} "
               f"{shlex.quote(READER)} --corpus {shlex.quote(str(corpus))}; echo reader-exited-$?; sleep 30")
    _tmux(socket, "new-session", "-d", "-s", "reader", "-x", "100", "-y", "30", command)
    try:
        _wait_for(socket, "450 articles", "index up to date", timeout=120, fail_on=("Error", "error"))
        _tmux(socket, "send-keys", "-t", "reader", "C-q")
        _wait_for(socket, "reader-exited-0")
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True)


@pytest.mark.skipif(shutil.which("tmux") is None or READER is None, reason="needs tmux and the installed reader")
def test_escape_in_the_query_box_makes_help_and_quit_keys_again(demo_corpus, tmp_path):
    socket = f"reader-test-{uuid.uuid4().hex[:8]}"
    command = (f"env TERM=xterm-256color XDG_CONFIG_HOME={shlex.quote(str(tmp_path / 'config'))} "
               f"{shlex.quote(READER)} --corpus {shlex.quote(str(demo_corpus))}; echo reader-exited-$?; sleep 30")
    _tmux(socket, "new-session", "-d", "-s", "reader", "-x", "100", "-y", "30", command)
    try:
        _wait_for(socket, "5 articles", "index up to date")
        _tmux(socket, "send-keys", "-t", "reader", "-l", "douaniers")
        _wait_for(socket, "2 hits")
        _tmux(socket, "send-keys", "-t", "reader", "Escape")
        time.sleep(0.3)
        _tmux(socket, "send-keys", "-t", "reader", "-l", "?")
        _wait_for(socket, "Show the keys in force")
        _tmux(socket, "send-keys", "-t", "reader", "Escape")
        time.sleep(0.3)
        _tmux(socket, "send-keys", "-t", "reader", "-l", "q")
        screen = _wait_for(socket, "reader-exited-0")
        assert "douaniers?" not in screen
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True)


@pytest.mark.skipif(shutil.which("tmux") is None or READER is None, reason="needs tmux and the installed reader")
def test_a_burst_of_keys_after_ctrl_u_lands_whole_in_the_query_box(demo_corpus, tmp_path):
    socket = f"reader-test-{uuid.uuid4().hex[:8]}"
    command = (f"env TERM=xterm-256color XDG_CONFIG_HOME={shlex.quote(str(tmp_path / 'config'))} "
               f"{shlex.quote(READER)} --corpus {shlex.quote(str(demo_corpus))}; echo reader-exited-$?; sleep 30")
    _tmux(socket, "new-session", "-d", "-s", "reader", "-x", "100", "-y", "30", command)
    try:
        _wait_for(socket, "5 articles", "index up to date")
        _tmux(socket, "send-keys", "-t", "reader", "-l", "drones")
        _wait_for(socket, "4 hits")
        # One write to the terminal, as a paste arrives: clear, then the new text, then edit it.
        _tmux(socket, "send-keys", "-t", "reader", "C-u", "abcdefghijklmnop military equipment here", "C-w",
              "BSpace", "XY")
        screen = _wait_for(socket, "abcdefghijklmnop military equipmentXY")
        assert "drones" not in screen.splitlines()[0]
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True)
