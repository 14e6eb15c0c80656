"""Pilot helpers: start the app on a corpus and wait for its workers instead of sleeping."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Callable

import pytest

from reader.ui.actions import load_config
from reader.ui.app import ReaderApp
from reader.ui.screens.main import MainScreen


def make_app(corpus: Path, keymap: str | None = None) -> ReaderApp:
    """The app on `corpus`, its index in a hidden folder inside it."""
    return ReaderApp(corpus, None, load_config(keymap))


async def until(pilot, condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Let the app run until `condition()` holds; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {getattr(condition, '__name__', condition)}")
        await pilot.pause(0.02)


async def settle(pilot) -> None:
    """Wait for every worker (a cancelled search counts as done), then for the messages they posted."""
    for _ in range(3):
        running = [worker for worker in pilot.app.workers if not worker.is_finished]
        await asyncio.gather(*(worker.wait() for worker in running), return_exceptions=True)
        await pilot.pause()


async def ready(pilot) -> MainScreen:
    """Wait until the index is usable and the first results are listed; return the main screen."""
    screen = pilot.app.screen
    assert isinstance(screen, MainScreen)
    await until(pilot, lambda: screen.usable and screen.ran is not None and screen.index_state == "index up to date")
    await settle(pilot)
    return screen


async def type_query(pilot, text: str) -> MainScreen:
    """Focus the query box, replace its text and wait for the results of it."""
    screen = pilot.app.screen
    await pilot.press("slash")
    screen.query_one("#query").value = ""
    await pilot.press(*[c if c != " " else "space" for c in text])
    await until(pilot, lambda: screen.ran == text)
    await settle(pilot)
    return screen


def rendered(widget, lines: int | None = None) -> str:
    """The text a Line API widget shows on screen now."""
    height = widget.scrollable_content_region.height if lines is None else lines
    return "\n".join(widget.render_line(y).text for y in range(height))


@pytest.fixture
def markup_corpus(tmp_path) -> Path:
    """Articles whose text looks like Rich/Textual markup and holds control characters."""
    root = tmp_path / "markup"
    root.mkdir()
    (root / "markup.txt").write_text(
        "Title with [bold]brackets[/] and [red]colour\n\n"
        "Body has [bold]not bold[/] and [/] and [@click=app.quit]click[/] zebra words.\n"
        "Escapes \x1b[31mred\x1b[0m and a bell \x07 zebra.\n", encoding="utf-8")
    (root / "plain.txt").write_text("Plain title\n\nNothing special about zebra here.\n", encoding="utf-8")
    return root
