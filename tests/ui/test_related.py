"""Pilot tests for related articles: the related panel and the side-by-side view."""

from __future__ import annotations

from reader.ui.screens.related import RelatedPanel
from reader.ui.screens.side_by_side import SideBySideScreen
from reader.ui.widgets.aligned import GAP_TEXT
from tests.conftest import write
from tests.ui.conftest import make_app, ready, rendered, settle, type_query, until

EN_000 = "000_2b620b70247fd231.txt"
EN_001 = "001_e13ff6d2d78ae1e3.txt"
FR_002 = "002_fbf23ee5ad2ba58c.txt"
FR_004 = "004_4921ef0473f76c4f.txt"


async def open_article(pilot, query: str, article_id: str):
    """Search, put the cursor on `article_id` and open it in the article pane."""
    screen = await type_query(pilot, query)
    await pilot.press("enter")
    while screen.results.hit.id != article_id:
        await pilot.press("j")
    await pilot.press("enter")
    await until(pilot, lambda: screen.view.document is not None and screen.open_id == article_id)
    return screen


async def side_by_side(pilot) -> SideBySideScreen:
    """Wait until the side-by-side screen shows an aligned pair."""
    await until(pilot, lambda: isinstance(pilot.app.screen, SideBySideScreen) and pilot.app.screen.pairing is not None)
    await settle(pilot)
    return pilot.app.screen


async def step_to(pilot, side: SideBySideScreen, lang: str) -> SideBySideScreen:
    """Step through the candidates until the right pane holds one in `lang`."""
    while side.articles[1].lang != lang:
        current = side.articles[1].id
        await pilot.press("right_square_bracket")
        await until(pilot, lambda: side.pairing is not None and side.articles[1].id != current)
    await settle(pilot)
    return side


async def side_by_side_of(pilot, query: str, article_id: str):
    """Once the app is ready: open `article_id` (found by `query`) and put it side by side; (main, side)."""
    await ready(pilot)
    screen = await open_article(pilot, query, article_id)
    await pilot.press("s")
    return screen, await side_by_side(pilot)


def styled(view, kind: str) -> set[str]:
    """The words drawn on screen with the style of mark `kind` (entity, number, diff)."""
    style = view.get_visual_style(f"aligned--{kind}").rich_style

    def has_mark(segment_style) -> bool:  # differences are underlined; names and numbers have a background
        return bool(segment_style.underline) if kind == "diff" else segment_style.bgcolor == style.bgcolor

    found = set()
    for y in range(view.scrollable_content_region.height):
        for segment in view.render_line(y):
            if segment.style is not None and has_mark(segment.style) and segment.text.strip():
                found.update(segment.text.split())
    return found


async def test_side_by_side_of_a_translation_aligns_marks_and_steps(demo_corpus):
    app = make_app(demo_corpus)
    async with app.run_test(size=(120, 40)) as pilot:
        screen, side = await side_by_side_of(pilot, "Macron", EN_000)
        # No article tells this story in another language: the best by score opens, and the status says so.
        assert side.candidate.id == EN_001 == side.articles[1].id and not side.candidate.same_story
        assert side.status.message.startswith("No translation found; closest: FR 0.0")
        side = await step_to(pilot, side, "fr")
        assert side.candidate.id == FR_002
        headers = rendered(side.query_one("#side-headers"))
        assert "China delivering military equipment" in headers and "EN · " in headers and "FR · " in headers
        shown = rendered(side.aligned)
        assert "China delivering military equipment" in shown and "La Chine" in shown
        assert GAP_TEXT in shown
        rows = shown.splitlines()
        assert all(line[59] == "│" for line in rows if line.strip())  # one column, the panes aligned
        marked = styled(side.aligned, "entity")
        assert {"China", "Russia"} <= marked and {"Chine", "Russie"} <= marked  # both sides, same ids
        assert not styled(side.aligned, "diff")  # two languages: no word differences
        assert side.status.facts.startswith("3/4 · shared ") and " names, " in side.status.facts
        first = side.candidate.id
        await pilot.press("right_square_bracket")
        side = await side_by_side(pilot)
        await until(pilot, lambda: side.articles[1].id != first)
        assert side.index == 3 and side.status.facts.startswith("4/4")
        await pilot.press("right_square_bracket")
        assert side.status.message == "This is the last candidate."
        await pilot.press("left_square_bracket")
        await until(pilot, lambda: side.articles[1].id == first)
        await pilot.press("left_square_bracket", "left_square_bracket")
        await until(pilot, lambda: side.index == 0 and side.pairing is not None)
        await pilot.press("left_square_bracket")
        assert side.status.message == "This is the first candidate."
        await pilot.press("escape")
        assert app.screen is screen


async def test_scroll_together_swap_and_open_either_side(demo_corpus):
    app = make_app(demo_corpus)
    async with app.run_test(size=(120, 30)) as pilot:
        screen, side = await side_by_side_of(pilot, "Macron", EN_000)
        side = await step_to(pilot, side, "fr")
        candidate = side.articles[1].id
        top = rendered(side.aligned).splitlines()[0]
        await pilot.press("j", "j")
        assert side.aligned.scroll_y == 2
        assert rendered(side.aligned).splitlines()[0] != top
        await pilot.press("pagedown")
        assert side.aligned.scroll_y > 20
        await pilot.press("G")
        last_left = side.pairing.left.paragraph(max(i for i, _ in side.pairing.rows if i is not None))
        last_right = side.pairing.right.paragraph(max(j for _, j in side.pairing.rows if j is not None))
        left_cells, right_cells = zip(*(line.split("│") for line in rendered(side.aligned).splitlines()))
        assert "".join(last_left.split())[-20:] in "".join("".join(left_cells).split())
        assert "".join(last_right.split())[-20:] in "".join("".join(right_cells).split())
        await pilot.press("g")
        assert side.aligned.scroll_y == 0
        await pilot.press("w")
        await settle(pilot)
        headers = rendered(side.query_one("#side-headers")).splitlines()
        assert headers[1].lstrip().startswith("FR · ") and f"EN · {EN_000}" in headers[1]
        assert rendered(side.aligned).splitlines()[0].startswith(" La Chine")
        await pilot.press("o")  # the left pane now holds the candidate
        await until(pilot, lambda: app.screen is screen and screen.open_id == candidate)
        await until(pilot, lambda: screen.article is not None and screen.article.id == candidate)
        await pilot.press("s")
        side = await side_by_side(pilot)
        assert side.anchor_id == candidate
        right = side.articles[1].id
        await pilot.press("O")
        await until(pilot, lambda: app.screen is screen and screen.open_id == right)


async def test_related_panel_lists_reasons_and_opens_a_rewrite_side_by_side_with_differences(demo_corpus):
    app = make_app(demo_corpus)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await type_query(pilot, "Politico")
        await pilot.press("enter")  # the list has the focus: the result under the cursor counts
        while screen.results.hit.id != FR_002:
            await pilot.press("j")
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, RelatedPanel) and app.screen.relations)
        panel = app.screen
        choices = panel.query_one("#related-list")
        prompts = [str(choices.get_option_at_index(i).prompt) for i in range(choices.option_count)]
        assert [r.lang for r in panel.relations] == ["fr", "en", "en", "en"]  # the same story first
        rewrite = prompts[0]
        assert "FR" in rewrite and "same story" in rewrite and "shared names" in rewrite
        assert all("same story" not in p for p in prompts[1:])
        await pilot.press("s")
        side = await side_by_side(pilot)
        assert side.anchor_id == FR_002 and side.articles[1].id == FR_004
        await until(pilot, lambda: side.pairing.left.differences is not None)
        await settle(pilot)
        assert "compare" in side.status.facts
        assert styled(side.aligned, "diff")  # same language: the words that differ are marked
        assert "Politico" in styled(side.aligned, "entity")
        await pilot.press("c")  # compare off
        assert "compare" not in side.status.facts and not styled(side.aligned, "diff")
        await pilot.press("escape")
        assert app.screen is screen
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, RelatedPanel) and app.screen.relations)
        await pilot.press("j", "enter")  # open the second related article in the main view
        await until(pilot, lambda: app.screen is screen and screen.open_id == EN_000)
        await until(pilot, lambda: screen.article is not None and screen.article.id == EN_000)


async def test_eighty_columns_stay_readable_and_narrow_shows_the_active_pane(demo_corpus):
    app = make_app(demo_corpus)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await open_article(pilot, "Politico", FR_002)
        await pilot.press("s")
        side = await side_by_side(pilot)
        assert side.candidate.id == FR_004 and side.candidate.same_story  # the best by evidence opens
        lines = rendered(side.aligned).splitlines()
        assert all(len(line) == 79 and line[39] == "│" for line in lines)  # 39 + 1 + 39, scrollbar aside
        words = set(side.pairing.left.text.split()) | set(side.pairing.right.text.split())
        for line in lines:  # words are wrapped, never cut at the pane's edge
            for cell in (line[:39], line[40:]):
                assert all(word in words for word in cell.split() if word != GAP_TEXT.split()[0]
                           and word not in GAP_TEXT.split())
        await pilot.resize_terminal(50, 24)
        await settle(pilot)
        left_text = rendered(side.aligned)
        assert "│" not in left_text and "La Chine envoie" in left_text  # only the active (left) pane
        await pilot.press("tab")
        await settle(pilot)
        right_header = rendered(side.query_one("#side-headers"))
        assert "FR · 004_4921" in right_header and "002_fbf2" not in right_header  # the same story opened
        assert "La Chine envoie" not in rendered(side.aligned)


async def test_article_text_is_shown_literally(tmp_path):
    root = tmp_path / "hostile"
    body = ("Drones [bold]for[/] Russia\n\nThe [red]ministry[/] said 3,000 drones \x1b[31mwere\x1b[0m sent "
            "to Russia by Shenzhen Dronetech in 2024.\n\nA second paragraph about Shenzhen Dronetech and "
            "the 3,000 drones that reached Russia.\n")
    write(root, "a.txt", body)
    write(root, "b.txt", body.replace("said", "stated").replace("second", "further"))
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await ready(pilot)
        await pilot.press("tab")
        await pilot.press("s")
        side = await side_by_side(pilot)
        await until(pilot, lambda: side.pairing.left.differences is not None)
        await settle(pilot)
        shown = rendered(side.aligned)
        assert shown.count("[bold]for[/]") == 2 and "[red]ministry[/]" in shown
        assert "\x1b" not in shown and "␛[31mwere␛[0m" in shown
        assert {"said", "stated"} <= styled(side.aligned, "diff")
        assert "3,000" in styled(side.aligned, "number")
        assert screen.status.severity != "error"


async def test_no_related_articles_and_a_vanished_candidate_are_one_line_errors(tmp_path):
    root = tmp_path / "lonely"
    write(root, "only.txt", "A lonely article\n\nNothing else in this corpus tells this story.\n")
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("tab", "s")
        await until(pilot, lambda: isinstance(app.screen, SideBySideScreen) and app.screen.candidates == [])
        side = app.screen
        assert side.status.severity == "error" and side.status.message == "No related articles for only.txt."
        assert "No related articles." in rendered(side.aligned)
        await pilot.press("right_square_bracket")
        assert side.status.message == "No related articles to step through."


async def test_a_candidate_deleted_meanwhile_is_reported_in_the_status_line(demo_corpus):
    app = make_app(demo_corpus)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await open_article(pilot, "Macron", EN_000)
        (demo_corpus / EN_001).unlink()  # the best candidate
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, SideBySideScreen) and app.screen.status.severity == "error")
        side = app.screen
        assert EN_001 in side.status.message and "\n" not in side.status.message
        assert side.pairing is None and "Nothing to show." in rendered(side.aligned)
        await pilot.press("right_square_bracket")  # the next candidate still works
        await until(pilot, lambda: side.pairing is not None)
        assert side.articles[1].id != EN_001


async def test_the_emacs_keymap_drives_the_side_by_side_view(demo_corpus):
    app = make_app(demo_corpus, "emacs")
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await ready(pilot)
        await pilot.press("tab", "s")
        side = await side_by_side(pilot)
        await pilot.press("alt+n")
        await until(pilot, lambda: side.index == 1 and side.pairing is not None and side.articles[1].id == side.candidate.id)
        await pilot.press("ctrl+n")
        assert side.aligned.scroll_y == 1
        await pilot.press("alt+p")
        await until(pilot, lambda: side.index == 0)
        await pilot.press("ctrl+g")
        assert app.screen is screen
