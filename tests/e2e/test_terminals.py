"""The real `reader` in tmux under several terminals and sizes (SPEC §10): search, read, resize, quit.

The screen is read with `tmux capture-pane`, so these tests see what an analyst would see.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.tmux import (
    READY,
    STARTUP_SECONDS,
    Pane,
    TmuxServer,
    corpus_copy,
    isolated_env,
    open_only_hit,
    printed_after_leaving_alternate_screen,
    reader_command,
    shows_phrase,
)

pytestmark = pytest.mark.slow

QUERY = "Chogou"
SIZES = [(80, 24), (200, 50)]
TERMINALS = [
    pytest.param({"TERM": "xterm-256color"}, id="xterm-256color"),
    pytest.param({"TERM": "screen"}, id="screen"),
    pytest.param({"TERM": "tmux-256color"}, id="tmux-256color"),
    pytest.param({"TERM": "linux"}, id="linux"),
    pytest.param({"TERM": "xterm-256color", "NO_COLOR": "1"}, id="no-color"),
]
RESIZED = (100, 30)
SGR = re.compile(r"\x1b\[([0-9;]*)m")


def the_article(corpus: Path, word: str) -> tuple[Path, str, list[str]]:
    """The one article of `corpus` containing `word`: its path, title (first line) and body words."""
    found = [p for p in sorted(corpus.glob("*.txt")) if word in p.read_text(encoding="utf-8")]
    assert len(found) == 1, f"the demo corpus should have exactly one article with {word!r}: {found}"
    title, _, body = found[0].read_text(encoding="utf-8").partition("\n")
    return found[0], title.strip(), body.split()


def visible_phrase(screen: str, words: list[str], size: int = 4) -> str | None:
    """The first run of `size` consecutive article words that shows on the screen."""
    for start in range(len(words) - size + 1):
        phrase = " ".join(words[start:start + size])
        if shows_phrase(screen, phrase):
            return phrase
    return None


def colours(screen_with_escapes: str) -> list[tuple[str, ...]]:
    """Every foreground/background colour an SGR sequence on the screen sets (as parameter tuples)."""
    found = []
    for params in SGR.findall(screen_with_escapes):
        parts = params.split(";")
        i = 0
        while i < len(parts):
            part = parts[i]
            if part in ("38", "48") and i + 1 < len(parts):
                width = 3 if parts[i + 1] == "5" else 5
                found.append(tuple(parts[i:i + width]))
                i += width
                continue
            if part.isdigit() and (30 <= int(part) <= 37 or 40 <= int(part) <= 47 or 90 <= int(part) <= 107):
                found.append((part,))
            i += 1
    return found


def is_grey(colour: tuple[str, ...]) -> bool:
    """Black, white or a grey, in any of the 16-colour, 256-colour or truecolour forms."""
    if len(colour) == 1:  # 16 colours: black, white (dim and bright) only
        return int(colour[0]) % 10 in (0, 7)
    if colour[1] == "2":
        r, g, b = (int(c) for c in colour[2:5])
        return max(r, g, b) - min(r, g, b) <= 8
    index = int(colour[2])
    if index in (0, 7, 8, 15) or index >= 232:
        return True
    if 16 <= index <= 231:
        cube = index - 16
        return cube // 36 == (cube // 6) % 6 == cube % 6
    return False


def start_reader(tmux: TmuxServer, tmp_path: Path, corpus: Path, env: dict[str, str],
                 width: int, height: int) -> Pane:
    """The app in a new `width`×`height` pane, its output recorded in tmp_path/output.raw, once ready."""
    command = reader_command(corpus, {**isolated_env(tmp_path / "home"), **env}, cwd=tmp_path)
    pane = tmux.start("reader", command, width, height)
    pane.record(tmp_path / "output.raw")
    pane.wait_for(READY, timeout=STARTUP_SECONDS)
    return pane


def quit_and_check(pane: Pane, recording: Path) -> None:
    """`q` (the article pane has focus, not the query box) ends the process with status 0, and the app
    writes nothing once it has left the alternate screen, so the shell's screen is as it was — also
    after the window grew (tmux 3.3 copies rows of the alternate screen onto the normal one then; the
    app blanks the alternate screen before leaving it).
    """
    pane.keys("q")
    status = pane.wait_exit()
    leftover = pane.leftover()
    assert status == 0, f"reader exited with status {status}; screen:\n{leftover}"
    printed = printed_after_leaving_alternate_screen(recording)
    assert not printed, f"reader wrote {printed!r} after leaving the alternate screen"
    assert not leftover, f"the terminal was not left clean after quitting:\n{leftover}"


@pytest.mark.parametrize("env", TERMINALS)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_search_read_resize_quit(tmux, tmp_path, indexed_corpus, env, size):
    corpus = corpus_copy(indexed_corpus, tmp_path / "corpus")
    article, title, words = the_article(corpus, QUERY)
    width, height = size
    pane = start_reader(tmux, tmp_path, corpus, env, width, height)

    if "NO_COLOR" in env:
        coloured = [c for c in colours(pane.capture(escapes=True)) if not is_grey(c)]
        assert not coloured, f"NO_COLOR is set but the screen uses colours {sorted(set(coloured))}"
    elif env["TERM"] == "xterm-256color":  # the NO_COLOR check above is not vacuous
        assert any(not is_grey(c) for c in colours(pane.capture(escapes=True)))

    pane.type(f"={QUERY}")  # as written: not also its other spellings
    screen = pane.wait_for(re.compile(r"\b1 hit\b"))
    assert title[:40] in screen, screen

    screen = open_only_hit(pane, article.name)
    assert visible_phrase(screen, words[:12]), f"the article text is not shown; screen:\n{screen}"

    pane.keys("PageDown")
    pane.keys("PageDown")
    before = pane.settle()
    if height < 30:
        assert visible_phrase(before, words[:12]) is None, f"page down did not scroll; screen:\n{before}"
    anchor = visible_phrase(before, words)
    assert anchor, f"no article text on screen before resizing:\n{before}"
    header_shown_before = article.name in before  # the header line names the file

    pane.resize(*RESIZED)
    after = pane.wait_for(lambda s: len(s.splitlines()) == RESIZED[1] and shows_phrase(s, anchor))
    assert all(len(line) <= RESIZED[0] for line in after.splitlines())
    if not header_shown_before:
        assert article.name not in after, f"the resize scrolled back to the top; screen:\n{after}"
    quit_and_check(pane, tmp_path / "output.raw")


HOSTILE_TITLE = "Quokka report [bold]x[/] and [@click=app.quit]q[/]"
HOSTILE_BODY = ("The quokka text has markup [bold]x[/] and a link [@click=app.quit]q[/] inside.\n"
                "A title change \x1b]0;pwned\x07 and a screen clear \x1b[2J follow, then [red]red[/red].\n"
                "Last line of the quokka article stays visible.\n")


@pytest.mark.parametrize("env", [TERMINALS[0], TERMINALS[3]])
def test_hostile_article_is_shown_literally(tmux, tmp_path, indexed_corpus, env):
    corpus = corpus_copy(indexed_corpus, tmp_path / "corpus")
    (corpus / "zz_hostile.txt").write_text(f"{HOSTILE_TITLE}\n{HOSTILE_BODY}", encoding="utf-8")
    pane = start_reader(tmux, tmp_path, corpus, env, 120, 30)
    title_before = pane.display("#{pane_title}")
    assert "pwned" not in title_before

    pane.type("quokka")
    screen = pane.wait_for(re.compile(r"\b1 hit\b"))
    assert "[bold]x[/]" in screen, f"the result title lost its brackets; screen:\n{screen}"
    open_only_hit(pane, "zz_hostile.txt")
    screen = pane.wait_for(lambda s: shows_phrase(s, "Last line of the quokka"))
    for phrase in ("The quokka text has markup [bold]x[/] and", "a link [@click=app.quit]q[/] inside.",
                   "then [red]red[/red].", "A title change"):
        assert shows_phrase(screen, phrase), f"{phrase!r} is not shown literally; screen:\n{screen}"
    # Had \x1b[2J reached the terminal, the parts of the screen not repainted since would be blank.
    lines = screen.splitlines()
    assert lines[0].strip() == "quokka" and READY.search(lines[-1]), screen
    assert "pwned" not in pane.display("#{pane_title}"), "the article changed the terminal title"
    assert not pane.dead
    quit_and_check(pane, tmp_path / "output.raw")
    assert "pwned" not in pane.display("#{pane_title}")


@pytest.mark.parametrize("term", ["dumb", ""], ids=["dumb", "empty"])
def test_a_terminal_without_capabilities_gets_a_message_and_status_2(tmux, tmp_path, indexed_corpus, term):
    corpus = corpus_copy(indexed_corpus, tmp_path / "corpus")
    command = reader_command(corpus, {**isolated_env(tmp_path / "home"), "TERM": term}, cwd=tmp_path)
    pane = tmux.start("reader", command, 120, 24)  # wide enough for the message on one line
    assert pane.wait_exit(timeout=STARTUP_SECONDS) == 2
    screen = pane.wait_for("the interactive reader needs a terminal")
    assert "reader search" in screen and "Traceback" not in screen
