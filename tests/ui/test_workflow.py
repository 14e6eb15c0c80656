"""Pilot tests for the analyst workflow: facets, sorting and the date histogram, history, saved
searches, export and the story timeline."""

from __future__ import annotations

import csv
import json

from textual.widgets import Input

from reader.core.userdata.history import history_path
from reader.core.userdata.saved import load_saved, saved_searches_path
from reader.core.userdata.sidecars import update_sidecar
from reader.ui.screens.dialogs import TagPanel
from reader.ui.screens.facets import FacetPanel
from reader.ui.screens.panels import TextPrompt
from reader.ui.screens.saved import SavedSearchPanel
from reader.ui.screens.timeline import TimelinePanel
from tests.cli.test_cli import HIT_KEYS
from tests.ui.conftest import make_app, ready, rendered, settle, type_query, until

FR_2, FR_4 = "002_fbf23ee5ad2ba58c.txt", "004_4921ef0473f76c4f.txt"


def labels(panel) -> list[str]:
    choices = panel.query_one("#panel-list")
    return [str(choices.get_option_at_index(i).prompt) for i in range(choices.option_count)]


async def open_panel(pilot, key: str, kind):
    await pilot.press(key)
    await until(pilot, lambda: isinstance(pilot.app.screen, kind))
    panel = pilot.app.screen
    await until(pilot, lambda: str(panel.query_one("#panel-hint").content) != "Loading…")
    return panel


async def pick(pilot, panel, text: str) -> None:
    """Move the panel's cursor onto the row containing `text` with the list keys, then press enter."""
    choices = panel.query_one("#panel-list")
    target = next(i for i, label in enumerate(labels(panel)) if text in label)
    while choices.highlighted != target:
        await pilot.press("down" if choices.highlighted < target else "up")
    await pilot.press("enter")


async def test_facet_panel_narrows_by_a_value_and_widens_again(demo_corpus):
    update_sidecar(demo_corpus / FR_2, fields={"source": "Le Monde"})
    app = make_app(demo_corpus)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("tab")
        panel = await open_panel(pilot, "F", FacetPanel)
        shown = labels(panel)
        assert shown[0] == "Languages" and "   en  3" in shown and "   fr  2" in shown
        assert "Sources" in shown and "   Le Monde  1" in shown and "Top entities" in shown
        await pick(pilot, panel, "fr  2")
        await until(pilot, lambda: screen.ran == "lang:fr")
        await settle(pilot)
        assert screen.query_one("#query").value == "lang:fr"
        assert {hit.lang for hit in screen.results.hits} == {"fr"} and len(screen.results.hits) == 2
        panel = await open_panel(pilot, "F", FacetPanel)
        await pick(pilot, panel, "Le Monde")
        await until(pilot, lambda: screen.ran == 'lang:fr source:"Le Monde"')
        await settle(pilot)
        assert [hit.id for hit in screen.results.hits] == [FR_2]
        panel = await open_panel(pilot, "F", FacetPanel)
        assert " ✓ fr  1" in labels(panel) and labels(panel)[0].startswith("Widen")
        await pick(pilot, panel, " ✓ fr")  # choosing an active value again takes it out
        await until(pilot, lambda: screen.ran == 'source:"Le Monde"')
        panel = await open_panel(pilot, "F", FacetPanel)
        await pick(pilot, panel, "Widen")
        await until(pilot, lambda: screen.ran == "")
        await settle(pilot)
        assert len(screen.results.hits) == 5


async def test_sort_by_date_and_the_date_histogram(demo_corpus):
    update_sidecar(demo_corpus / FR_2, fields={"date": "2024-05-03"})
    update_sidecar(demo_corpus / FR_4, fields={"date": "2024-05-01"})  # 001 is dated 2024-04-26 in its header
    app = make_app(demo_corpus)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        bar = screen.query_one("#histogram")
        assert bar.display
        line = bar.render_line(0).text
        assert line.startswith("2024-04-26 ") and line.rstrip().endswith(" 2024-05-03 · 3 dated")
        assert "█" in line
        await pilot.press("tab", "o")
        await until(pilot, lambda: "newest first" in screen.status.facts)
        await until(pilot, lambda: screen.results.hits[0].id == FR_2)
        await settle(pilot)
        assert [hit.date for hit in screen.results.hits][:3] == ["2024-05-03", "2024-05-01", "2024-04-26"]
        await pilot.press("o")
        await until(pilot, lambda: "newest first" not in screen.status.facts)
        screen = await type_query(pilot, "title:Washington")  # only an undated article
        assert screen.results.hits and not bar.display


async def test_history_is_recalled_with_up_and_down_and_kept_per_corpus(demo_corpus):
    app = make_app(demo_corpus)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        box = screen.query_one("#query")
        for query in ("drones", "china", "china"):
            await type_query(pilot, query)
            await pilot.press("enter")
        await type_query(pilot, "sanct")  # typed but never run: not kept
        await pilot.press("up")
        assert box.value == "china"
        await pilot.press("up")
        assert box.value == "drones"
        await pilot.press("up")
        assert box.value == "drones"  # the oldest stays
        await pilot.press("down")
        assert box.value == "china"
        await pilot.press("down")
        assert box.value == "sanct"  # back to what was being typed
        await settle(pilot)
    path = history_path(demo_corpus)
    assert [json.loads(line) for line in path.read_text().splitlines()] == ["drones", "china"]
    app = make_app(demo_corpus)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("up")
        assert screen.query_one("#query").value == "china"


async def test_a_damaged_history_file_is_kept_and_said(demo_corpus):
    path = history_path(demo_corpus)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\xff" * 9 * 1024 * 1024)
    app = make_app(demo_corpus)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await until(pilot, lambda: "history off" in screen.status.facts)
        await type_query(pilot, "drones")
        await pilot.press("enter")
        await type_query(pilot, "china")
        await pilot.press("up")
        assert screen.query_one("#query").value == "drones"  # recall works within the session
    assert path.read_bytes() == b"\xff" * 9 * 1024 * 1024


async def test_save_a_search_then_run_it_from_the_list_and_as_at_name(demo_corpus):
    app = make_app(demo_corpus)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await type_query(pilot, "drones lang:fr")
        await pilot.press("tab", "S")
        await until(pilot, lambda: isinstance(app.screen, TextPrompt))
        await pilot.press("m", "y", "space", "x", "enter")
        assert isinstance(app.screen, TextPrompt)
        assert "no spaces" in str(app.screen.query_one("#prompt-hint").content)
        app.screen.query_one(Input).value = ""
        await pilot.press("f", "r", "d", "r", "o", "n", "e", "s", "enter")
        await until(pilot, lambda: "Saved as @frdrones" in screen.status.message)
        assert load_saved(saved_searches_path(demo_corpus)) == {"frdrones": "drones lang:fr"}
        assert (demo_corpus / "saved-searches.yaml").read_text().startswith("# Saved searches")
        await type_query(pilot, "china")
        await pilot.press("tab")
        panel = await open_panel(pilot, "@", SavedSearchPanel)
        assert labels(panel) == ["@frdrones  drones lang:fr"]
        await pilot.press("enter")
        await until(pilot, lambda: screen.ran == "drones lang:fr")
        await settle(pilot)
        assert screen.query_one("#query").value == "drones lang:fr" and app.focused is screen.results
        screen = await type_query(pilot, "@frdrones")
        assert screen.resolved_query == "drones lang:fr"
        assert {hit.lang for hit in screen.results.hits} == {"fr"} and len(screen.results.hits) == 2
        screen.query_one("#query").value = "@nothing"
        await until(pilot, lambda: "no saved search named 'nothing'" in screen.status.message)
        assert screen.status.severity == "error"


async def test_export_marked_results_then_the_tagged_set(demo_corpus, tmp_path):
    update_sidecar(demo_corpus / FR_2, add_tags=["dual-use"], notes="=cmd() looks like a formula")
    update_sidecar(demo_corpus / FR_4, add_tags=["dual-use"])
    app = make_app(demo_corpus)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("tab", "space", "space", "x")
        await until(pilot, lambda: isinstance(app.screen, TextPrompt))
        prompt = app.screen
        assert "the 2 marked results" in prompt.title_text
        assert prompt.query_one(Input).value == "reader-export.csv"
        marked = list(screen.results.marked)
        target = tmp_path / "out" / "marked.csv"
        target.parent.mkdir()
        prompt.query_one(Input).value = str(tmp_path / "out" / "marked.txt")
        await pilot.press("enter")
        assert ".csv, .jsonl or .md" in str(prompt.query_one("#prompt-hint").content)
        prompt.query_one(Input).value = str(target)
        await pilot.press("enter")
        await until(pilot, lambda: "Exported 2 rows" in screen.status.message)
        assert str(target) in screen.status.message
        rows = list(csv.DictReader(target.open(newline="", encoding="utf-8")))
        assert [row["id"] for row in rows] == marked and all(row["snippet"] for row in rows)
        # The tagged set: filter by the tag in the query, nothing marked, export as JSONL.
        await pilot.press("M")
        await type_query(pilot, "tag:dual-use")
        await pilot.press("tab", "x")
        await until(pilot, lambda: isinstance(app.screen, TextPrompt))
        app.screen.query_one(Input).value = str(tmp_path / "out" / "tagged.jsonl")
        await pilot.press("enter")
        await until(pilot, lambda: "Exported 2 rows to" in screen.status.message
                    and "tagged.jsonl" in screen.status.message)
        records = [json.loads(line) for line in (tmp_path / "out" / "tagged.jsonl").read_text().splitlines()]
        assert sorted(r["id"] for r in records) == [FR_2, FR_4]
        assert {r["id"]: r["notes"] for r in records}[FR_2] == "=cmd() looks like a formula"
        assert all(r["tags"] == ["dual-use"] and "score" in r and set(r) == {*HIT_KEYS, "notes"}
                   for r in records)
        # An existing file is replaced only after a second enter.
        target.write_text("keep me")
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, TextPrompt))
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        assert "exists: enter again replaces it" in str(app.screen.query_one("#prompt-hint").content)
        assert target.read_text() == "keep me"
        await pilot.press("enter")
        await until(pilot, lambda: target.read_text() != "keep me")
        notes = {row["id"]: row["notes"] for row in csv.DictReader(target.open(newline="", encoding="utf-8"))}
        assert notes == {FR_2: "'=cmd() looks like a formula", FR_4: ""}  # formula-escaped


async def test_story_timeline_lists_the_first_publisher_and_opens_an_article(demo_corpus):
    update_sidecar(demo_corpus / FR_2, fields={"date": "2024-05-03", "source": "Politico"})
    update_sidecar(demo_corpus / FR_4, fields={"date": "2024-05-01", "source": "Le Monde"})
    app = make_app(demo_corpus)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("tab")
        await pilot.press("L")
        await until(pilot, lambda: isinstance(app.screen, TimelinePanel))
        await pilot.press("escape")
        await type_query(pilot, "masses")
        await pilot.press("enter", "enter")
        await until(pilot, lambda: screen.open_id == FR_2 and screen.view.document is not None)
        panel = await open_panel(pilot, "L", TimelinePanel)
        rows = labels(panel)
        assert len(rows) == 2
        assert rows[0].startswith("  2024-05-01  first  fr  Le Monde") and FR_4 not in rows[0]
        assert rows[1].startswith("* 2024-05-03    +2d  fr  Politico")
        await pilot.press("enter")  # the first publisher is highlighted: open it
        await until(pilot, lambda: screen.open_id == FR_4 and screen.view.document is not None)
        assert app.screen is screen
        assert screen.view.document.article_id == FR_4


async def test_saved_searches_are_renamed_and_deleted_from_their_panel(demo_corpus, tmp_path):
    path = saved_searches_path(demo_corpus)
    path.write_text("# ours\nfrdrones: drones lang:fr  # French\nchina: China\n", encoding="utf-8")
    app = make_app(demo_corpus)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("tab")
        panel = await open_panel(pilot, "@", SavedSearchPanel)
        assert labels(panel) == ["@china  China", "@frdrones  drones lang:fr"]
        await pilot.press("down", "R")
        await until(pilot, lambda: isinstance(app.screen, TextPrompt))
        app.screen.query_one(Input).value = "french-drones"
        await pilot.press("enter")
        await until(pilot, lambda: labels(panel) == ["@china  China", "@french-drones  drones lang:fr"])
        lines = path.read_text(encoding="utf-8").splitlines()  # place and comments kept
        assert lines[0] == "# ours" and lines[2] == "china: China"
        assert lines[1].startswith("french-drones: drones lang:fr") and lines[1].endswith("# French")
        await pilot.press("home", "D")
        assert "again deletes @china" in str(panel.query_one("#panel-hint").content)
        assert "china" in load_saved(path)  # asked twice
        await pilot.press("D")
        await until(pilot, lambda: labels(panel) == ["@french-drones  drones lang:fr"])
        assert load_saved(path) == {"french-drones": "drones lang:fr"}
    other = tmp_path / "other"
    other.mkdir()
    assert load_saved(saved_searches_path(other)) == {}  # each corpus has its own


def _fits_on_screen(app, hint_selector: str) -> bool:
    hint = app.screen.query_one(hint_selector)
    region, screen = hint.region, app.screen.region
    return region.height > 0 and region.y >= 0 and region.bottom <= screen.bottom and str(hint.render()).strip() != ""


async def test_key_hints_under_long_panels_stay_on_screen(demo_corpus):
    from reader.ui.screens.entities import EntityPanel

    update_sidecar(demo_corpus / FR_2, add_tags=[f"tag-{n}" for n in range(40)])
    for size in ((80, 24), (120, 35)):
        app = make_app(demo_corpus)
        async with app.run_test(size=size) as pilot:
            screen = await ready(pilot)
            await pilot.press("tab")
            await open_panel(pilot, "F", FacetPanel)
            assert _fits_on_screen(app, "#panel-hint"), size
            await pilot.press("escape", "number_sign")
            await until(pilot, lambda: isinstance(app.screen, TagPanel))
            assert _fits_on_screen(app, "#tag-panel-hint"), size
            await pilot.press("escape")
            await type_query(pilot, "Chine")
            await pilot.press("enter", "enter")
            await until(pilot, lambda: screen.view.document is not None and screen.view.document.entities)
            await pilot.press("E")
            await until(pilot, lambda: isinstance(app.screen, EntityPanel))
            await pilot.pause()
            assert _fits_on_screen(app, ".dialog-hint"), size


async def test_with_stories_adds_each_hits_other_tellings_to_the_list(demo_corpus):
    app = make_app(demo_corpus)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        screen = await type_query(pilot, "masses")
        assert [hit.id for hit in screen.results.hits] == [FR_2]
        await pilot.press("escape", "W")
        await until(pilot, lambda: [hit.id for hit in screen.results.hits] == [FR_2, FR_4])
        await until(pilot, lambda: "↳ rewrite of “La Chine envoie" in rendered(screen.results))
        assert "1 hit + 1 of their stories" in screen.status.facts
        await pilot.press("W")
        await until(pilot, lambda: [hit.id for hit in screen.results.hits] == [FR_2])
