"""Pilot tests for a corpus of many formats: the files not indexed in the status line and their panel;
a member of a dump opened, read and tagged from the keyboard, its tag in the keyed sidecar."""

from __future__ import annotations

from reader.core.userdata.sidecars import read_sidecar
from reader.ui.screens.skipped import SkippedPanel
from tests.format_files import write_all_formats
from tests.ui.conftest import make_app, ready, rendered, settle, type_query, until
from tests.ui.test_workflow import labels, open_panel


async def test_files_not_indexed_are_counted_and_listed(tmp_path):
    write_all_formats(tmp_path / "c")
    app = make_app(tmp_path / "c")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await ready(pilot)
        assert "2 not indexed" in screen.status.facts
        await pilot.press("tab")
        panel = await open_panel(pilot, "!", SkippedPanel)
        shown = labels(panel)
        assert any(line.startswith("photo.bmp  —  unknown type (.bmp)") for line in shown)
        assert any(line.startswith("broken.pdf  —  broken PDF") for line in shown)
        await pilot.press("escape")
        await until(pilot, lambda: pilot.app.screen is screen)
    app = make_app(tmp_path / "c")  # opened again on the index as it is: the count is still shown
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await ready(pilot)
        assert "2 not indexed" in screen.status.facts


async def test_a_member_of_a_dump_is_read_and_tagged(tmp_path):
    root = tmp_path / "c"
    write_all_formats(root)
    app = make_app(root)
    async with app.run_test(size=(140, 40)) as pilot:
        await ready(pilot)
        screen = await type_query(pilot, "lighthouse")
        assert [hit.id for hit in screen.results.hits] == ["dump.jsonl#a2"]
        await pilot.press("tab", "enter")
        await until(pilot, lambda: screen.open_id == "dump.jsonl#a2")
        await settle(pilot)
        assert "Volunteers restored the lighthouse." in rendered(screen.view, 40)
        await pilot.press("1")
        await until(pilot, lambda: read_sidecar(root / "dump.jsonl#a2").get("tags") == ["important"])
        await settle(pilot)
        assert read_sidecar(root / "dump.jsonl#a1") == {}
        assert "a2:" in (root / "dump.jsonl.yaml").read_text(encoding="utf-8")
        found = await type_query(pilot, "tag:important")
        assert [hit.id for hit in found.results.hits] == ["dump.jsonl#a2"]
