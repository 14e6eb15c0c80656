"""Pilot tests of the app on a read-only corpus (tags land in the data folder, searches see them) and of
the machine's refusals in the status line."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

import yaml

from reader.core.indexing import manifest as manifest_store
from reader.core.userdata.files import corpus_digest
from reader.core.userdata.sidecars import read_sidecar, update_sidecar
from reader.ui.actions import load_config
from reader.ui.app import ReaderApp
from reader.ui.screens import main as main_screen
from reader.ui.screens.help import HelpScreen
from tests.ui.conftest import make_app, ready, rendered, settle, type_query, until


def _tags(sidecar: Path) -> list[str]:
    return (yaml.safe_load(sidecar.read_text(encoding="utf-8")) or {}).get("tags") or [] if sidecar.exists() else []


async def test_tagging_a_read_only_corpus_lands_in_the_data_folder_and_is_found(read_only_corpus):
    corpus = read_only_corpus
    data = Path(os.environ["XDG_DATA_HOME"]) / "reader" / "overlays" / corpus_digest(corpus)
    app = make_app(corpus)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await ready(pilot)
        assert f"tags in {data}" in screen.status.facts
        await until(pilot, lambda: str(data) in screen.status.message)  # the one-time notice
        assert "read-only" in screen.status.message
        await pilot.press("tab")
        first = screen.results.hit.id
        await pilot.press("1")
        await until(pilot, lambda: "important" in _tags(data / f"{first}.yaml"))
        await settle(pilot)
        assert screen.status.severity != "error", screen.status.message
        assert "added #important (1 article)" in screen.status.message
        assert "important" not in _tags(corpus / f"{first}.yaml")  # the archive is not written
        found = await type_query(pilot, "tag:important")
        assert [hit.id for hit in found.results.hits] == [first]
        await pilot.press("f1")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        shown = rendered(app.screen.query_one("#help-tags"))
        assert shown.startswith("Tags in") and str(data) in "".join(shown.split())  # a long path wraps anywhere


async def test_the_archived_sidecar_is_the_start_and_notes_are_kept_in_a_shared_folder(read_only_corpus, tmp_path):
    corpus, shared = read_only_corpus, tmp_path / "team"
    article = "000_2b620b70247fd231.txt"
    app = ReaderApp(corpus, None, load_config(None), data=shared)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await type_query(pilot, "tag:archived")
        assert [hit.id for hit in screen.results.hits] == [article]
        await pilot.press("enter", "enter")
        await until(pilot, lambda: screen.view.document is not None)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("S", "e", "e", "n", "ctrl+s")
        await until(pilot, lambda: (shared / f"{article}.yaml").exists())
        await settle(pilot)
        assert read_sidecar(corpus / article) == {"tags": ["archived"], "notes": "Seen"}
        assert (shared / f"{article}.yaml").read_text(encoding="utf-8").startswith("# archived by the team")
        assert yaml.safe_load((corpus / f"{article}.yaml").read_text(encoding="utf-8")) == {"tags": ["archived"]}


async def test_a_colleagues_tag_in_the_shared_data_folder_shows_within_seconds(read_only_corpus, tmp_path,
                                                                              monkeypatch):
    monkeypatch.setattr(main_screen, "POLL_SECONDS", 0.2)
    monkeypatch.setenv("READER_DATA", str(tmp_path / "team"))
    app = make_app(read_only_corpus)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await ready(pilot)
        article = screen.results.hits[2].id
        update_sidecar(read_only_corpus / article, add_tags=["from-a-colleague"])  # as `reader tag` would
        assert (tmp_path / "team" / f"{article}.yaml").exists()
        await until(pilot, lambda: any("from-a-colleague" in h.tags for h in screen.results.hits if h.id == article),
                    timeout=8)
        await until(pilot, lambda: screen.tags.counts.get("from-a-colleague") == 1)


async def test_no_space_while_tagging_is_one_line_in_the_status_line(demo_corpus, monkeypatch):
    app = make_app(demo_corpus)
    real_replace = os.replace

    def full_disk(src, dst, *args, **kwargs):
        if str(dst).endswith(".yaml"):
            raise OSError(errno.ENOSPC, "No space left on device", str(dst))
        return real_replace(src, dst, *args, **kwargs)

    async with app.run_test(size=(160, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("tab")
        first = screen.results.hit.id
        monkeypatch.setattr(os, "replace", full_disk)
        await pilot.press("1")
        await until(pilot, lambda: screen.status.severity == "error")
        message = screen.status.message
        assert "no space left on device" in message.lower() and first in message and "\n" not in message
        assert "unchanged" in message and "internal error" not in message.lower()
        assert not (demo_corpus / f"{first}.yaml").exists()

        def full_database(*args, **kwargs):
            raise sqlite3.OperationalError("database or disk is full")

        monkeypatch.setattr(os, "replace", real_replace)  # the sidecar is written, the index update fails
        monkeypatch.setattr(manifest_store, "record", full_database)
        await pilot.press("1")
        await until(pilot, lambda: "brings the index up to date" in screen.status.message)
        message = screen.status.message
        assert "no space left on the device" in message and "\n" not in message
        assert "OSError" not in message and "internal error" not in message.lower()
        assert read_sidecar(demo_corpus / first) == {"tags": ["important"]}  # what was written stays
        monkeypatch.undo()  # the disk has room again
        found = await type_query(pilot, "tag:important")  # the next update catches up
        await until(pilot, lambda: [hit.id for hit in found.results.hits] == [first])
