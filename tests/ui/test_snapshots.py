"""Snapshots of the main screens on the demo corpus (pytest-textual-snapshot). A change to what a screen
shows fails here until someone has looked at it: `pytest tests/ui/test_snapshots.py --snapshot-update`
accepts it, and the SVGs in `__snapshots__/` show the difference in review."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import DEMO_CORPUS
from tests.ui.conftest import make_app, ready, settle, type_query, until
from tests.ui.test_related import EN_000, side_by_side_of

SIZE = (110, 32)


@pytest.fixture
def app(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(DEMO_CORPUS, corpus)
    return make_app(corpus)


async def still(pilot) -> None:
    """Wait for the workers, and stop the query box's cursor from blinking: a screenshot must not
    depend on the moment it is taken."""
    pilot.app.screen.query_one("#query").cursor_blink = False
    await settle(pilot)


def test_results_and_an_article_with_its_entities(app, snap_compare):
    async def search_and_open(pilot):
        await ready(pilot)
        screen = await type_query(pilot, "military equipment")
        await pilot.press("enter")
        await until(pilot, lambda: screen.view.document is not None)
        await still(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=search_and_open)


def test_help_lists_the_keys(app, snap_compare):
    async def open_help(pilot):
        await ready(pilot)
        await pilot.press("escape")
        await until(pilot, lambda: pilot.app.focused is not None and pilot.app.focused.id != "query")
        await still(pilot)
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=open_help)


def test_two_language_versions_side_by_side(app, snap_compare):
    async def put_side_by_side(pilot):
        await ready(pilot)
        pilot.app.screen.query_one("#query").cursor_blink = False
        await side_by_side_of(pilot, "Macron", EN_000)

    assert snap_compare(app, terminal_size=SIZE, run_before=put_side_by_side)
