"""Pilot tests for tagging from the keyboard: quick tags, prompts, marks, undo, notes, tag panel."""

from __future__ import annotations

import os
import time

from reader.core.engine import Engine
from reader.core.userdata.sidecars import read_sidecar, update_sidecar
from reader.ui.screens import main as main_screen
from reader.ui.screens.dialogs import NotesEditor, TagPanel, TagPrompt
from tests.ui.conftest import make_app, ready, rendered, settle, type_query, until


def tags_of(corpus, article_id):
    return read_sidecar(corpus / article_id).get("tags", [])


async def test_quick_tag_then_undo(demo_corpus):
    app = make_app(demo_corpus)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("tab")
        first = screen.results.hit.id
        await pilot.press("1")
        await until(pilot, lambda: tags_of(demo_corpus, first) == ["important"])
        await settle(pilot)
        assert "#important" in rendered(screen.results)
        assert "added #important (1 article)" in screen.status.message
        assert screen.tags.counts == {"important": 1}
        await pilot.press("1")  # a quick tag toggles
        await until(pilot, lambda: tags_of(demo_corpus, first) == [])
        await pilot.press("u")  # undo the removal
        await until(pilot, lambda: tags_of(demo_corpus, first) == ["important"])
        await settle(pilot)
        found = await type_query(pilot, "tag:important")
        assert [hit.id for hit in found.results.hits] == [first]


async def test_mark_several_results_and_tag_them_with_completion(demo_corpus):
    update_sidecar(demo_corpus / "000_2b620b70247fd231.txt", add_tags=["sanctions", "dual-use"])
    update_sidecar(demo_corpus / "001_e13ff6d2d78ae1e3.txt", add_tags=["dual-use"])
    app = make_app(demo_corpus)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await until(pilot, lambda: screen.tags.counts.get("dual-use") == 2)
        await pilot.press("tab", "space", "space")
        marked = list(screen.results.marked)
        assert len(marked) == 2 and "2 marked" in screen.status.facts
        await pilot.press("t")
        await pilot.pause()
        prompt = app.screen
        assert isinstance(prompt, TagPrompt)
        choices = prompt.query_one("#tag-choices")
        assert [choices.get_option_at_index(i).id for i in range(choices.option_count)] == ["dual-use", "sanctions"]
        await pilot.press("f", "o", "l", "l", "o", "w", "space", "u", "p", "enter")
        await until(pilot, lambda: all("follow-up" in tags_of(demo_corpus, i) for i in marked))
        await settle(pilot)
        assert app.screen is screen
        assert "added #follow-up (2 articles)" in screen.status.message
        await pilot.press("t", "s", "a", "n")
        await pilot.pause()
        assert app.screen.query_one("#tag-choices").get_option_at_index(0).id == "sanctions"
        await pilot.press("escape")
        assert app.screen is screen
        await pilot.press("M")
        assert not screen.results.marked


async def test_remove_a_tag_of_the_open_article(demo_corpus):
    article = "000_2b620b70247fd231.txt"
    update_sidecar(demo_corpus / article, add_tags=["keep", "drop-me"])
    app = make_app(demo_corpus)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        screen = await type_query(pilot, "France")
        await pilot.press("enter", "enter")
        await until(pilot, lambda: screen.view.document is not None)
        assert screen.open_id == article
        assert "tags: keep, drop-me" in rendered(screen.view)
        await pilot.press("T")
        await pilot.pause()
        assert isinstance(app.screen, TagPrompt)
        await pilot.press("n", "o", "p", "e", "enter")  # not one of its tags: refused
        assert isinstance(app.screen, TagPrompt)
        app.screen.query_one("#tag-input").value = "drop-me"
        await pilot.press("enter")
        await until(pilot, lambda: tags_of(demo_corpus, article) == ["keep"])
        await until(pilot, lambda: "drop-me" not in rendered(screen.view))
        assert "tags: keep" in rendered(screen.view)


async def test_edit_notes_in_a_modal(demo_corpus):
    app = make_app(demo_corpus)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("enter", "enter")
        await until(pilot, lambda: screen.view.document is not None)
        article = screen.open_id
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, NotesEditor)
        await pilot.press("C", "h", "e", "c", "k", "enter", "[", "x", "]")
        await pilot.press("escape")  # unsaved text: warned, not lost
        assert isinstance(app.screen, NotesEditor)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: read_sidecar(demo_corpus / article).get("notes") == "Check\n[x]")
        await until(pilot, lambda: "[x]" in rendered(screen.view))
        await pilot.press("u")
        await until(pilot, lambda: "notes" not in read_sidecar(demo_corpus / article))


async def test_the_tag_panel_writes_its_filter_into_the_query_and_marks_it(demo_corpus):
    update_sidecar(demo_corpus / "003_3874e8e98c7a5103.txt", add_tags=["washington"])
    update_sidecar(demo_corpus / "002_fbf23ee5ad2ba58c.txt", add_tags=["paris"])
    app = make_app(demo_corpus)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await type_query(pilot, "China")
        await until(pilot, lambda: screen.tags.counts == {"washington": 1, "paris": 1})
        await pilot.press("escape", "number_sign")
        await until(pilot, lambda: isinstance(app.screen, TagPanel))
        choices = app.screen.query_one("#tag-panel-list")
        await pilot.press(*["down"] * [choices.get_option_at_index(i).id
                                       for i in range(choices.option_count)].index("washington"), "enter")
        await until(pilot, lambda: screen.ran == "China tag:washington")
        assert screen.query_one("#query").value == "China tag:washington"  # the filter is in the box
        await until(pilot, lambda: [h.id for h in screen.results.hits] == ["003_3874e8e98c7a5103.txt"])
        await pilot.press("number_sign")
        await until(pilot, lambda: isinstance(app.screen, TagPanel))
        choices = app.screen.query_one("#tag-panel-list")
        shown = [str(choices.get_option_at_index(i).prompt) for i in range(choices.option_count)]
        assert any(line.startswith("✓ #washington") for line in shown)
        assert any(line.startswith("  #paris") for line in shown)
        assert choices.highlighted_option.id == "washington"  # on the tag in force: enter takes it out
        await pilot.press("enter")
        await until(pilot, lambda: screen.ran == "China")
        assert len(screen.results.hits) > 1


async def test_a_broken_sidecar_is_reported_not_overwritten(demo_corpus):
    article = "000_2b620b70247fd231.txt"
    sidecar = demo_corpus / (article + ".yaml")
    app = make_app(demo_corpus)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        sidecar.write_text("tags: [unclosed\n", encoding="utf-8")
        screen.results.move_to([h.id for h in screen.results.hits].index(article))
        await pilot.press("tab", "1")
        await until(pilot, lambda: screen.status.severity == "error")
        assert article in screen.status.message
        assert sidecar.read_text(encoding="utf-8") == "tags: [unclosed\n"
        assert app.is_running


async def test_sidecars_changed_by_someone_else_show_within_seconds(demo_corpus, monkeypatch):
    monkeypatch.setattr(main_screen, "POLL_SECONDS", 0.2)
    app = make_app(demo_corpus)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        article = screen.results.hits[2].id
        update_sidecar(demo_corpus / article, add_tags=["from-elsewhere"])
        await until(pilot, lambda: any("from-elsewhere" in h.tags for h in screen.results.hits if h.id == article),
                    timeout=8)
        await until(pilot, lambda: screen.tags.counts.get("from-elsewhere") == 1)


async def test_a_tag_indexed_by_another_process_shows_though_the_poll_finds_nothing_left(demo_corpus, monkeypatch):
    """`reader tag` elsewhere re-indexes the article itself; a poll that then finds the folder changed has
    nothing left to update, and must still show the article again."""
    monkeypatch.setattr(main_screen, "POLL_SECONDS", 3600)  # polls only when the test asks
    app = make_app(demo_corpus)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        screen.poll_changes()  # the generation as it is now
        await settle(pilot)
        article = screen.results.hits[2].id
        other = Engine(demo_corpus)  # another analyst's `reader tag`
        try:
            update_sidecar(demo_corpus / article, add_tags=["indexed-elsewhere"])
            other.reindex([article])
        finally:
            other.close()
        later = time.time_ns() + 2_000_000_000  # then an editor's swap file comes and goes in the folder
        os.utime(demo_corpus, ns=(later, later))
        screen.poll_changes()
        await until(pilot, lambda: any("indexed-elsewhere" in h.tags for h in screen.results.hits if h.id == article),
                    timeout=8)


async def test_a_tag_indexed_elsewhere_before_the_first_poll_shows_too(demo_corpus, monkeypatch):
    """The screen's first results fix the index generation it shows: another process's commit before
    the first poll is shown again like a later one (the first poll took the generation it found)."""
    monkeypatch.setattr(main_screen, "POLL_SECONDS", 3600)  # polls only when the test asks
    app = make_app(demo_corpus)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        article = screen.results.hits[2].id
        other = Engine(demo_corpus)  # another analyst's `reader tag`, before any poll
        try:
            update_sidecar(demo_corpus / article, add_tags=["before-the-poll"])
            other.reindex([article])
        finally:
            other.close()
        screen.poll_changes()
        await until(pilot, lambda: any("before-the-poll" in h.tags for h in screen.results.hits if h.id == article),
                    timeout=8)


async def test_tag_panel_with_many_tags_lists_the_most_used_and_filters(demo_corpus):
    from reader.ui.screens.dialogs import PANEL_ROWS

    many = [f"t{n:03}" for n in range(PANEL_ROWS + 50)]
    update_sidecar(demo_corpus / "000_2b620b70247fd231.txt", add_tags=[*many, "common"])
    update_sidecar(demo_corpus / "001_e13ff6d2d78ae1e3.txt", add_tags=["common"])
    app = make_app(demo_corpus)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await until(pilot, lambda: len(screen.tags.counts) == len(many) + 1)
        await pilot.press("tab", "number_sign")
        await until(pilot, lambda: isinstance(app.screen, TagPanel))
        choices = app.screen.query_one("#tag-panel-list")
        assert choices.option_count == PANEL_ROWS  # the most used first
        assert choices.get_option_at_index(0).id == "common" and screen.tags.counts["common"] == 2
        assert "most used of 351" in str(app.screen.query_one("#tag-panel-hint").render())
        await pilot.press("tab", "t", "3", "4", "9")  # the filter box finds a tag beyond the rows shown
        await until(pilot, lambda: choices.option_count == 1)
        await pilot.press("enter")
        await until(pilot, lambda: screen.ran == "tag:t349")
        await until(pilot, lambda: [h.id for h in screen.results.hits] == ["000_2b620b70247fd231.txt"])
