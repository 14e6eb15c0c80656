"""The virtual widgets on their own: huge articles paint fast, 10,000 hits scroll, wrapping is exact."""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult

from reader.core.corpus.articles import Article
from reader.core.engine import Hit
from reader.ui.document import Flow, build_document, matches_in, wrap_offsets
from reader.ui.widgets.article import ArticleView
from reader.ui.widgets.results import ResultList
from reader.ui.widgets.status import StatusLine
from tests.ui.conftest import rendered


class ViewApp(App):
    CSS_PATH = "../../reader/ui/reader.tcss"

    def compose(self) -> ComposeResult:
        yield ArticleView(id="article")


class ListApp(App):
    def compose(self) -> ComposeResult:
        yield ResultList(id="results")


def article(body: str, title: str = "Title") -> Article:
    return Article(id="big.txt", path=None, title=title, body=body, lang="en")


async def test_a_5_mb_single_line_article_paints_and_scrolls():  # its speed: benchmarks/big_articles.py
    body = "Huge line marker " + "word " * (5 * 1024 * 1024 // 5)
    document = build_document(article(body))
    document.matches = [(document.body_start + 10, document.body_start + 16)]
    app = ViewApp()
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(ArticleView)
        view.show(document)
        await pilot.pause()
        text = rendered(view)
        assert "Huge line marker word word" in text
        view.action_last()
        await pilot.pause()
        assert "word" in rendered(view)
        view.action_page_up()
        await pilot.pause()
        assert view.step_match(True) and view.scroll_y < 5


async def test_a_50000_line_article_keeps_its_place_on_resize():
    body = "".join(f"Line {i} of a long article with marker words.\n" for i in range(50_000))
    document = build_document(article(body))
    app = ViewApp()
    async with app.run_test(size=(120, 30)) as pilot:
        view = app.query_one(ArticleView)
        view.show(document)
        await pilot.pause()
        view.scroll_to(y=30_000, animate=False, immediate=True)
        await pilot.pause()
        top = rendered(view).split("\n")[0].strip()
        assert top.startswith("Line ")
        await pilot.resize_terminal(30, 20)  # every line now wraps
        await pilot.pause()
        assert rendered(view).split("\n")[0].strip() == top.split(" of")[0] + " of a long" or \
            rendered(view).split("\n")[0].strip().startswith(top[:8])
        await pilot.resize_terminal(120, 30)
        await pilot.pause()
        assert rendered(view).split("\n")[0].strip() == top


async def test_ten_thousand_hits_scroll_with_only_visible_rows_rendered():
    hits = [Hit(id=f"{i:05d}.txt", path=Path(f"{i:05d}.txt"), title=f"Article number {i}", lang="en",
                date="2024-01-01", tags=["t"] if i % 7 == 0 else [], score=1.0, snippet=[]) for i in range(10_000)]
    app = ListApp()
    async with app.run_test(size=(80, 24)) as pilot:
        results = app.query_one(ResultList)
        results.focus()
        results.set_hits(hits, frozenset())
        await pilot.pause()
        for _ in range(20):
            await pilot.press("pagedown")
        await pilot.press("end")
        await pilot.pause()
        assert results.cursor == 9_999
        assert "Article number 9999" in rendered(results)
        assert len(results._asked) < 300  # snippets were asked for the ~22 pages shown, not 10,000 rows
        await pilot.press("home", "j", "j")
        assert results.cursor == 2
        assert "Article number 0" in rendered(results)


def test_wrap_offsets_cover_the_text_and_respect_the_width():
    text = "alpha beta gamma delta " * 20 + "x" * 45
    lines = wrap_offsets(text, 0, len(text), 20)
    assert lines[0][0] == 0 and lines[-1][1] == len(text)
    assert all(b[0] == a[1] for a, b in zip(lines, lines[1:]))
    assert all(len(text[s:e].rstrip()) <= 20 for s, e in lines)
    wide = "漢字" * 30
    assert all(len(wide[s:e]) * 2 <= 10 for s, e in wrap_offsets(wide, 0, len(wide), 10))


def test_flow_estimates_become_exact_when_looked_at():
    document = build_document(article("\n".join("word " * n for n in range(1, 200))))
    flow = Flow(document, 40)
    exact = Flow(document, 40)
    for index in range(len(document.blocks)):
        exact.lines(index)
    for y in range(exact.total):  # scrolling line by line
        block, line = flow.locate(y)
        assert (block, line) == exact.locate(y)
    assert flow.total == exact.total


def test_matches_in_a_range():
    spans = [(0, 3), (10, 15), (20, 25)]
    assert matches_in(spans, 12, 21) == [(10, 15), (20, 25)]
    assert matches_in(spans, 4, 9) == []


async def test_the_status_line_shows_markup_and_control_characters_literally():
    class StatusApp(App):
        def compose(self) -> ComposeResult:
            yield StatusLine(id="status")

    app = StatusApp()
    async with app.run_test(size=(80, 3)) as pilot:
        status = app.query_one(StatusLine)
        status.say("Adding “[bold]Chogou\x1b[2J” to the gazetteer…", "busy")
        await pilot.pause()
        shown = status.render().plain
        assert "[bold]Chogou␛[2J" in shown and "\x1b" not in shown
