"""Drive the real `reader` binary in tmux and read its screen with `capture-pane`.

Each `TmuxServer` is a private tmux server (its own socket, no user config) so tests never touch a
tmux the developer runs; panes stay after their process exits so the exit can be asserted.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

import pytest

REPO = Path(__file__).resolve().parents[2]
DEMO_CORPUS = REPO / "corpus"
STARTUP_SECONDS = 15.0
STEP_SECONDS = 10.0
# The status line once the index answers: "5 articles · index up to date".
READY = re.compile(r"\d[\d,]* articles? · index up to date")


def require_tmux() -> str:
    """The tmux executable, or skip the test."""
    found = shutil.which("tmux")
    if found is None:
        pytest.skip("tmux is not installed (apt-get install tmux)")
    return found


def reader_executable() -> str:
    """Absolute path of the installed `reader` script, preferring the one next to this Python."""
    beside = Path(sys.executable).parent / "reader"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("reader")
    if found is None:
        pytest.fail("the `reader` command is not installed (pip install -e .)")
    return found


def copy_corpus(target: Path, source: Path = DEMO_CORPUS) -> Path:
    """A copy of `source` without its index at `target`; article files keep their (read-only) modes."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".reader"))
    return target


def corpus_copy(indexed: Path, target: Path) -> Path:
    """A copy of an indexed corpus, index and all; copytree keeps the modification times the index checks."""
    shutil.copytree(indexed, target)
    return target


def clean_env() -> dict[str, str]:
    """This process's environment without COLUMNS and LINES (nor an outer tmux's variables).

    GNU readline (imported under pytest) writes its guess of the screen size, 80x24, into the C
    environment; inherited by the app, it would override the real size of the tmux pane.
    """
    dropped = ("COLUMNS", "LINES", "TMUX", "TMUX_PANE")
    return {name: value for name, value in os.environ.items() if name not in dropped}


def reader_command(corpus: Path, env: dict[str, str] | None = None, cwd: Path | None = None) -> str:
    """A shell command line that starts the TUI on `corpus` in `cwd` with `env` set (no COLUMNS or LINES)."""
    assignments = " ".join(f"{name}={shlex.quote(value)}" for name, value in (env or {}).items())
    reader = shlex.quote(reader_executable())
    run = f"env -u COLUMNS -u LINES {assignments} {reader} --corpus {shlex.quote(str(corpus))}"
    return f"cd {shlex.quote(str(cwd))} && {run}" if cwd else run


def run_reader(corpus: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run a headless `reader --corpus CORPUS ARGS…` with `env` added to this process's environment."""
    return subprocess.run([reader_executable(), "--corpus", str(corpus), *args], capture_output=True, text=True,
                          timeout=120, env={**clean_env(), **(env or {})})


def isolated_env(home: Path) -> dict[str, str]:
    """Config, data and cache folders under `home`, so no user setting reaches the app."""
    return {name: str(home / name.lower()) for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME")}


class TmuxServer:
    """A private tmux server (its socket in `workdir`); `kill()` ends it and every pane in it."""

    def __init__(self, workdir: Path) -> None:
        self.tmux = require_tmux()
        self.socket_dir = workdir
        if len(str(workdir / "tmux.sock")) > 100:  # a Unix socket path has room for about 104 bytes
            self.socket_dir = Path(tempfile.mkdtemp(prefix="reader-tmux-"))
        self.socket = self.socket_dir / "tmux.sock"
        self.workdir = workdir
        self.pid: int | None = None  # the server's, to end it even if its socket was removed
        self.config = workdir / "tmux.conf"
        # remain-on-exit keeps a dead pane so its exit is observable.
        self.config.write_text("set -g remain-on-exit on\nset -g history-limit 1000\nset -g status off\n")

    def run(self, *args: str, check: bool = True) -> str:
        """Run a tmux command on this server; its stdout."""
        done = subprocess.run([self.tmux, "-S", str(self.socket), "-f", str(self.config), *args],
                              capture_output=True, text=True, timeout=15, env=clean_env())
        if check and done.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args)} failed: {done.stderr.strip()}")
        return done.stdout

    def start(self, name: str, command: str, width: int = 80, height: int = 24) -> "Pane":
        """A new detached session running the shell command `command` in a `width`×`height` window.

        The shell records the command's exit status in a file: tmux's own `pane_dead_status` is
        sometimes left empty when the pane's terminal closes before tmux reaps the process. The
        command starts once the window has its final size (the shell waits for an `enter`): tmux
        loses what a program writes while it still settles the size of a new detached window.
        """
        status_file = self.workdir / f"{name}.status"
        status_file.unlink(missing_ok=True)
        wrapped = f"read -r _; {command}; echo $? > {shlex.quote(str(status_file))}"
        self.run("new-session", "-d", "-s", name, "-x", str(width), "-y", str(height), wrapped)
        self.pid = self.pid or int(self.run("display-message", "-p", "#{pid}").strip())
        # With no client attached, a manual size is the only one tmux never recalculates on its own
        # (tmux 3.3 cannot take it from the config file: the server exits).
        self.run("set-option", "-w", "-t", name, "window-size", "manual")
        self.run("send-keys", "-t", name, "Enter")
        return Pane(self, name, status_file)

    def kill(self) -> None:
        self.run("kill-server", check=False)
        if self.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGTERM)
        self.socket.unlink(missing_ok=True)
        if self.socket_dir != self.workdir:
            shutil.rmtree(self.socket_dir, ignore_errors=True)


class Pane:
    """The one pane of a tmux session: type into it, read it, resize it."""

    def __init__(self, server: TmuxServer, target: str, status_file: Path) -> None:
        self.server, self.target, self.status_file = server, target, status_file

    def capture(self, escapes: bool = False) -> str:
        """The visible screen as text (with SGR escapes when `escapes`)."""
        args = ["capture-pane", "-p", "-t", self.target]
        if escapes:
            args.insert(1, "-e")
        return self.server.run(*args)

    def keys(self, *keys: str) -> None:
        """Press tmux keys: `Enter`, `Escape`, `PageDown`, `C-u`, or single characters."""
        self.server.run("send-keys", "-t", self.target, *keys)

    def type(self, text: str) -> None:
        """Type `text` literally."""
        self.server.run("send-keys", "-t", self.target, "-l", text)

    def display(self, fmt: str) -> str:
        """A tmux format evaluated for this pane, e.g. '#{pane_title}'."""
        return self.server.run("display-message", "-p", "-t", self.target, fmt).rstrip("\n")

    def resize(self, width: int, height: int) -> None:
        """Resize the window (the app gets SIGWINCH) and check tmux did it."""
        self.server.run("resize-window", "-t", self.target, "-x", str(width), "-y", str(height))
        size = self.display("#{pane_width}x#{pane_height}")
        assert size == f"{width}x{height}", f"tmux did not resize the pane to {width}x{height}: {size}"

    def record(self, path: Path) -> None:
        """Append every byte the program writes to the pane from now on to `path` (tmux pipe-pane)."""
        self.server.run("pipe-pane", "-o", "-t", self.target, f"cat >> {shlex.quote(str(path))}")

    def leftover(self) -> str:
        """What the screen shows once the process has exited, without tmux's "Pane is dead" line."""
        return "\n".join(line for line in self.capture().splitlines() if not line.startswith("Pane is dead")).strip()

    @property
    def dead(self) -> bool:
        return self.display("#{pane_dead}") == "1"

    def wait_for(self, what: str | re.Pattern | Callable[[str], bool], timeout: float = STEP_SECONDS) -> str:
        """Poll the screen until `what` shows; the screen then.

        `what` is a substring, a compiled regex, or a predicate on the screen text. On timeout the
        test fails with the last screen, so a failure shows what the terminal looked like.
        """
        if isinstance(what, str):
            check = lambda screen: what in screen  # noqa: E731
        elif isinstance(what, re.Pattern):
            check = lambda screen: what.search(screen) is not None  # noqa: E731
        else:
            check = what
        deadline = time.monotonic() + timeout
        screen = ""
        while True:
            screen = self.capture()
            if check(screen):
                return screen
            if time.monotonic() > deadline:
                dead = ", the process has exited" if self.dead else ""
                size = self.display("#{pane_width}x#{pane_height}")
                raise AssertionError(f"{what!r} not shown after {timeout:.0f} s (pane {size}{dead}); "
                                     f"screen:\n{screen}")
            time.sleep(0.1)

    def settle(self, quiet: float = 0.5, timeout: float = STEP_SECONDS) -> str:
        """Wait until the screen has not changed for `quiet` seconds (the keys sent are handled); the screen."""
        deadline = time.monotonic() + timeout
        screen, since = self.capture(), time.monotonic()
        while time.monotonic() - since < quiet:
            if time.monotonic() > deadline:
                raise AssertionError(f"the screen kept changing for {timeout:.0f} s; screen:\n{screen}")
            time.sleep(0.1)
            now = self.capture()
            if now != screen:
                screen, since = now, time.monotonic()
        return screen

    def wait_exit(self, timeout: float = STEP_SECONDS) -> int:
        """Wait until the pane's command has exited; its exit status."""
        deadline = time.monotonic() + timeout
        while not (self.dead and self.status_file.exists()):
            if time.monotonic() > deadline:
                raise AssertionError(f"the process did not exit within {timeout:.0f} s; "
                                     f"screen:\n{self.capture()}")
            time.sleep(0.1)
        return int(self.status_file.read_text().strip())


ESCAPE_SEQUENCE = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-_78=>])")  # CSI, OSC, ESC x
LEAVE_ALTERNATE_SCREEN = "\x1b[?1049l"


def printed_after_leaving_alternate_screen(recording: Path, timeout: float = STEP_SECONDS) -> str:
    """The text (escape sequences removed) a program wrote after it last left the alternate screen,
    read from a `Pane.record` file once the sequence that leaves it has arrived there."""
    deadline = time.monotonic() + timeout
    while LEAVE_ALTERNATE_SCREEN not in (text := recording.read_text(encoding="utf-8", errors="replace")):
        if time.monotonic() > deadline:
            raise AssertionError(f"the program never left the alternate screen; it wrote:\n{text[-2000:]!r}")
        time.sleep(0.1)
    return ESCAPE_SEQUENCE.sub("", text[text.rfind(LEAVE_ALTERNATE_SCREEN) + len(LEAVE_ALTERNATE_SCREEN):]).strip()


def open_only_hit(pane: Pane, article_name: str) -> str:
    """With one hit listed and the query box focused: `enter` moves to the hit, `enter` opens it; the screen."""
    pane.keys("Enter")
    pane.settle(quiet=0.3)
    pane.keys("Enter")
    return pane.wait_for(article_name)  # the article's header names its file


SCROLLBAR = re.compile(r"[▁▂▃▄▅▆▇█▔▕▏│┃]")


def shows_phrase(screen: str, phrase: str) -> bool:
    """Whether the words of `phrase` show in order on one line, or wrapped from the end of one line
    onto the next (as in the right-hand pane of a side-by-side layout, whatever is left of it)."""
    words = phrase.split()
    rows = [SCROLLBAR.sub(" ", row).split() for row in screen.splitlines()]

    def run_at(tokens: list[str], part: list[str]) -> list[int]:
        return [i for i in range(len(tokens) - len(part) + 1) if tokens[i:i + len(part)] == part]

    for n, tokens in enumerate(rows):
        if run_at(tokens, words):
            return True
        following = rows[n + 1] if n + 1 < len(rows) else []
        for split in range(1, len(words)):
            head, tail = words[:split], words[split:]
            if tokens[-split:] == head and run_at(following, tail):
                return True
    return False
