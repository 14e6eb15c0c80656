"""Pilot tests: searching as you type, opening articles, matches, literal text, layouts."""

from __future__ import annotations

from reader.core.engine import Engine
from reader.ui.screens.help import HelpScreen
from reader.ui.screens.main import MainScreen
from tests.ui.conftest import make_app, ready, rendered, settle, type_query, until


async def test_startup_lists_the_corpus(demo_corpus):
    app = make_app(demo_corpus)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        assert len(screen.results.hits) == 5
        assert "5 articles" in screen.status.facts
        assert app.focused is screen.query_one("#query")


async def test_typing_a_query_lists_the_right_articles(demo_corpus):
    app = make_app(demo_corpus)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        screen = await type_query(pilot, "drones")
        expected = [hit.id for hit in Engine(demo_corpus).search("drones", limit=None, snippets=False).hits]
        assert [hit.id for hit in screen.results.hits] == expected
        assert len(expected) == 4
        assert "4 hits" in screen.status.facts
        text = rendered(screen.results)
        assert "Chine" in text and "Washington" in text


async def test_the_first_page_comes_before_its_count_and_every_hit_after_a_pause(demo_corpus, monkeypatch):
    from reader.ui import jobs

    monkeypatch.setattr(jobs, "FIRST_PAGE", 2)
    app = make_app(demo_corpus)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press(*"drones")  # the query box has the focus
        await until(pilot, lambda: screen.ran == "drones"
                    and screen.total is not None)
        assert len(screen.results.hits) == 2
        assert "4 hits (first 2 listed)" in screen.status.facts
        await until(pilot, lambda: len(screen.results.hits) == 4)
        assert "4 hits" in screen.status.facts and "listed" not in screen.status.facts
        await type_query(pilot, "drone~1")  # fuzzy: Whoosh's matchers, so the count comes after the page
        assert screen.total == 4 and len(screen.results.hits) == 4 and "4 hits" in screen.status.facts


async def test_searches_waiting_to_list_every_hit_do_not_hold_up_newer_ones(demo_corpus, monkeypatch):
    from reader.ui import jobs

    # Every search waits (here 30 s, longer than `until` waits) before fetching its whole list; each
    # newer search must end that wait, or the waiting threads fill the worker pool and the next
    # searches never start.
    monkeypatch.setattr(jobs, "FIRST_PAGE", 1)
    monkeypatch.setattr(jobs, "FULL_LIST_DELAY", 30)
    app = make_app(demo_corpus)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await until(pilot, lambda: screen.usable and screen.ran is not None)
        for number in range(40):  # more searches than the thread pool has threads
            query = f"drones OR nothing{number}"
            screen.query_one("#query").value = query
            await until(pilot, lambda: screen.ran == query)
            assert [hit.id for hit in screen.results.hits] and "4 hits (first 1 listed)" in screen.status.facts


async def test_a_malformed_query_is_a_message_not_a_crash(demo_corpus):
    app = make_app(demo_corpus)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        screen = await type_query(pilot, "drones")
        screen.query_one("#query").value = '"unclosed phrase'
        await until(pilot, lambda: screen.status.severity == "error")
        assert "unbalanced quotes" in screen.status.message
        assert len(screen.results.hits) == 4  # the last good results stay
        screen.query_one("#query").value = "drones AND"
        await until(pilot, lambda: "nothing to apply" in screen.status.message)


async def test_enter_moves_to_the_first_result_then_opens_it_with_matches_highlighted(demo_corpus):
    app = make_app(demo_corpus)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        screen = await type_query(pilot, "drones")
        await pilot.press("enter")
        assert app.focused is screen.results and screen.results.cursor == 0
        await pilot.press("enter")
        await until(pilot, lambda: screen.view.document is not None)
        await settle(pilot)
        view = screen.view
        assert app.focused is view
        first = screen.results.hits[0]
        assert view.document.article_id == first.id
        assert first.title.split()[0] in rendered(view)
        assert view.document.matches
        match_style = view.get_visual_style("article--match").rich_style
        highlighted = [seg.text for y in range(view.size.height) for seg in view.render_line(y)
                       if seg.style is not None and seg.style.bgcolor == match_style.bgcolor]
        assert any(text.lower().startswith("drone") for text in highlighted)


async def test_next_and_previous_match_and_article(demo_corpus):
    app = make_app(demo_corpus)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        screen = await type_query(pilot, "drones")
        await pilot.press("enter", "enter")
        await until(pilot, lambda: screen.view.document is not None)
        count = len(screen.view.document.matches)
        await pilot.press("n")
        assert screen.view.current == 0 and f"match 1 of {count}" in screen.status.message
        await pilot.press("n", "N", "N")
        assert screen.view.current == count - 1
        first_id = screen.open_id
        await pilot.press("J")
        await until(pilot, lambda: screen.view.document is not None and screen.view.document.article_id != first_id)
        assert screen.open_id == screen.results.hits[1].id and app.focused is screen.view
        await pilot.press("K")
        await until(pilot, lambda: screen.view.document is not None and screen.view.document.article_id == first_id)


async def test_markup_and_control_characters_are_shown_literally(markup_corpus):
    app = make_app(markup_corpus)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        screen = await type_query(pilot, "zebra")
        titles = rendered(screen.results)
        assert "Title with [bold]brackets[/] and [red]colour" in titles
        await pilot.press("enter")
        index = [hit.id for hit in screen.results.hits].index("markup.txt")
        screen.results.move_to(index)
        await pilot.press("enter")
        await until(pilot, lambda: screen.view.document is not None)
        await settle(pilot)
        text = " ".join(rendered(screen.view).split())
        assert "[bold]not bold[/] and [/] and [@click=app.quit]click[/]" in text
        assert "\x1b" not in text and "\x07" not in text
        assert "␛[31mred␛[0m" in text and "␇" in text
        assert app.is_running


async def test_narrow_terminal_toggles_panes_and_resizing_keeps_the_reading_position(demo_corpus):
    app = make_app(demo_corpus)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen: MainScreen = await type_query(pilot, "Russie")
        assert screen.has_class("-narrow")
        assert not screen.view.display or screen.view.region.width == 0
        await pilot.press("enter", "enter")
        await until(pilot, lambda: screen.view.document is not None)
        await settle(pilot)
        assert screen.has_class("-reading") and screen.results.region.width == 0
        for _ in range(12):
            await pilot.press("j")
        await pilot.pause()
        offset = screen.view.reading_offset
        assert offset > screen.view.document.body_start
        word = screen.view.document.text[offset:offset + 12].strip()  # the offset may fall on a paragraph break
        await pilot.resize_terminal(200, 50)
        await settle(pilot)
        assert not screen.has_class("-narrow") and screen.results.region.width > 0
        assert screen.view.reading_offset == offset
        assert word in rendered(screen.view).replace("\n", " ") or word[:6] in rendered(screen.view)
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert abs(screen.view.reading_offset - offset) < 200
        await pilot.press("escape")
        assert not screen.has_class("-reading") and app.focused is screen.results
        await pilot.press("escape")
        assert app.focused is screen.query_one("#query")


async def test_full_screen_reading(demo_corpus):
    app = make_app(demo_corpus)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        screen = await type_query(pilot, "drones")
        await pilot.press("enter", "f")
        await until(pilot, lambda: screen.view.document is not None)
        await settle(pilot)
        assert screen.has_class("-fullscreen")
        assert screen.results.region.width == 0 and screen.view.region.width == 120
        await pilot.press("escape")
        await pilot.pause()
        assert not screen.has_class("-fullscreen") and screen.results.region.width > 0


async def test_q_quits_only_when_not_typing(demo_corpus):
    app = make_app(demo_corpus)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("q")
        assert app.is_running and screen.query_one("#query").value == "q"
        await pilot.press("tab", "q")
        await pilot.pause()
        assert not app.is_running


async def test_a_stale_index_updates_in_the_background_while_the_old_one_answers(demo_corpus):
    from reader.ui import messages as msg

    Engine(demo_corpus).update()
    (demo_corpus / "new.txt").write_text("Brand new article\n\nAbout drones and more drones.\n", encoding="utf-8")
    seen: list[str] = []
    app = make_app(demo_corpus)

    def hook(message) -> None:
        if isinstance(message, (msg.EngineOpened, msg.IndexProgress, msg.IndexUpdated, msg.SearchDone)):
            seen.append(type(message).__name__)

    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        screen = await ready(pilot)
        assert seen[0] == "EngineOpened" and "IndexProgress" in seen
        assert seen.index("SearchDone") < seen.index("IndexUpdated")  # searched the old index at once
        await until(pilot, lambda: len(screen.results.hits) == 6)
        assert "6 articles" in screen.status.facts and "index up to date" in screen.status.facts


async def test_a_missing_corpus_is_a_one_line_error(tmp_path, capsys):
    from reader.ui.app import run_app

    assert run_app(tmp_path / "nope", None, None) == 2
    assert capsys.readouterr().err == f"reader: corpus folder not found: {tmp_path / 'nope'}\n"


async def test_escape_leaves_the_query_box_and_keeps_the_query(demo_corpus):
    app = make_app(demo_corpus)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        screen = await type_query(pilot, "douaniers")
        await pilot.press("escape")
        assert app.focused is screen.results
        await pilot.press("question_mark")  # a key again, not text for the query
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert screen.query_one("#query").value == "douaniers"


async def test_a_message_about_earlier_work_leaves_when_the_query_changes(demo_corpus, monkeypatch):
    from reader.ui.screens import main as main_screen

    monkeypatch.setattr(main_screen, "POLL_SECONDS", 0.2)
    app = make_app(demo_corpus)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        gazetteer = demo_corpus / "entities.yaml"
        gazetteer.write_text(gazetteer.read_text(encoding="utf-8") + "\n# touched\n", encoding="utf-8")
        await until(pilot, lambda: "re-reading every article" in screen.status.message, timeout=15)
        await type_query(pilot, "drones")
        assert "re-reading" not in screen.status.message


async def test_result_rows_show_the_title_before_tags_and_the_match_in_the_snippet(demo_corpus):
    from reader.core.userdata.sidecars import update_sidecar

    article = "002_fbf23ee5ad2ba58c.txt"
    update_sidecar(demo_corpus / article, add_tags=["a-very-long-tag-about-sanctions-and-customs-records",
                                                    "another-long-tag-for-the-same-article"])
    app = make_app(demo_corpus)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen = await type_query(pilot, "douaniers")  # deep in the article's body
        row = 2 * [hit.id for hit in screen.results.hits].index(article)
        await until(pilot, lambda: "douaniers" in rendered(screen.results).splitlines()[row + 1])
        rows = rendered(screen.results).splitlines()
        title = screen.results.hits[row // 2].title
        assert title[:30] in rows[row]  # the title keeps its room: the tags are cut instead
        assert "#a-very-long" in rows[row]
        assert "a-very-long-tag-about-sanctions-and-customs-records" not in rows[row]
        assert title[:20] not in rows[row + 1]  # the snippet shows the match, not the title again
