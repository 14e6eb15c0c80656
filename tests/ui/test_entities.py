"""Pilot tests for entities in the reader: highlighting and legend, stepping, panel, search, gazetteer additions."""

from __future__ import annotations

import time
from itertools import pairwise

from textual.app import App, ComposeResult

from reader.core.corpus.articles import Article
from reader.core.entities.spans import Span
from reader.ui.document import EntityPlacer, build_document
from reader.ui.screens.entities import EntityPanel, GazetteerPrompt
from reader.ui.widgets.article import ArticleView
from tests.ui.conftest import make_app, ready, rendered, settle, type_query, until

FIRST = "000_2b620b70247fd231.txt"  # English; Macron, Bonne, China, Russia… from the gazetteer, "West" automatic


async def open_article(pilot, screen, article_id: str = FIRST):
    """Open a listed article (the result cursor on it: no preview of another) and wait for all its entities."""
    screen.results.move_to([hit.id for hit in screen.results.hits].index(article_id))
    screen.open_hit(article_id)
    await until(pilot, lambda: screen.view.document is not None and screen.view.document.article_id == article_id
                and screen.view.document.entities and not screen.view.entity_note)
    await settle(pilot)
    return screen


async def open_first(pilot):
    """Open the demo article FIRST and wait until its entities are shown; return the main screen."""
    return await open_article(pilot, await ready(pilot))


def record_status(screen) -> list[str]:
    """Every message the status line is told from now on (later ones replace earlier ones on screen)."""
    said: list[str] = []
    say = screen.status.say

    def recording(message: str, severity: str = "info") -> None:
        said.append(message)
        say(message, severity)

    screen.status.say = recording
    return said


def strip_at(view, needle: str):
    """The rendered line holding `needle`, as (text, segments)."""
    for y in range(view.scrollable_content_region.height):
        strip = view.render_line(y)
        if needle in strip.text:
            return strip.text, list(strip)
    raise AssertionError(f"{needle!r} is not on screen")


def style_of(view, needle: str):
    """The style of the first segment of the rendered text `needle` on screen."""
    text, segments = strip_at(view, needle)
    start = text.index(needle)
    position = 0
    for segment in segments:
        if position <= start < position + len(segment.text):
            return segment.style
        position += len(segment.text)
    raise AssertionError(needle)


async def test_entities_are_highlighted_by_type_with_a_legend_and_can_be_hidden(demo_corpus):
    app = make_app(demo_corpus)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_first(pilot)
        view = screen.view
        text = rendered(view)
        count = len(view.document.entities)
        assert f"Entities ({count})  person organisation place other  auto: place date" in text
        sources = {mark.entity.source for mark in view.document.entities}
        assert sources == {"gazetteer", "automatic"}
        macron = style_of(view, "Emmanuel Macron")
        plain = style_of(view, "diplomatic advisor")
        west = next(m for m in view.document.entities if m.entity.text == "West")
        assert view.document.text[west.start:west.end] == "West"  # offsets land on the document's text
        assert macron.bold and macron.bgcolor is not None and macron.bgcolor != plain.bgcolor
        china = style_of(view, "China is delivering")  # a gazetteer place: another style than a person
        assert china.bgcolor != macron.bgcolor
        await pilot.press("h")
        assert "Entities hidden" in rendered(view)
        assert style_of(view, "Emmanuel Macron") == style_of(view, "diplomatic advisor")
        assert "highlighting off" in screen.status.message
        await pilot.press("h")
        assert style_of(view, "Emmanuel Macron") == macron


async def test_automatic_finds_are_styled_apart_from_gazetteer_ones(demo_corpus):
    app = make_app(demo_corpus)
    async with app.run_test(size=(140, 60)) as pilot:
        screen = await open_first(pilot)
        view = screen.view
        gazetteer = view.get_visual_style("article--entity-place").rich_style
        automatic = view.get_visual_style("article--auto-place").rich_style
        assert automatic.underline and not gazetteer.underline and gazetteer.bgcolor != automatic.bgcolor


async def test_step_through_entities_then_search_the_corpus_for_one(demo_corpus):
    app = make_app(demo_corpus)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_first(pilot)
        screen.view.focus()
        await pilot.press("full_stop")
        first = screen.view.document.entities[0]
        assert screen.view.entity_current == 0 and first.entity.text == "China"
        assert "“China” · place · gazetteer china · 1 of" in screen.status.message
        await pilot.press("full_stop", "full_stop", "comma")
        assert screen.view.entity_current == 1
        assert screen.view.entity.entity.text == "Russia"
        current, other = style_of(screen.view, "Russia"), style_of(screen.view, "France")
        assert current.bgcolor != other.bgcolor and current.color != other.color
        await pilot.press("asterisk")
        await until(pilot, lambda: screen.ran is not None and screen.ran.startswith("entity:"))
        await settle(pilot)
        assert screen.query_one("#query").value == "entity:russia"
        assert screen.results.hits and screen.focused is screen.results
        assert FIRST in {hit.id for hit in screen.results.hits}


async def test_entity_panel_lists_entities_by_type_with_counts_and_searches(demo_corpus):
    app = make_app(demo_corpus)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_first(pilot)
        await pilot.press("E")
        await until(pilot, lambda: isinstance(app.screen, EntityPanel))
        panel = app.screen
        count = len(screen.view.document.entities)
        assert panel.title_text == f"Entities in this article: {count} mentions, {len(panel.rows)} distinct"
        options = panel.query_one("#entity-list")
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert labels[0].startswith("People (")
        assert any(label.strip().startswith("Russia  ×11  gazetteer: russia") for label in labels)
        assert any("West  ×4  automatic" in label for label in labels)
        headings = [label.split(" (")[0] for label in labels if not label.startswith("  ")]
        assert headings == ["People", "Organisations", "Places", "Other", "Dates"]
        first_row = options.get_option_at_index(options.highlighted)
        assert not first_row.disabled
        chosen = panel.rows[int(first_row.id)]
        await pilot.press("enter")
        await until(pilot, lambda: screen.ran is not None and screen.ran.startswith("entity:"))
        assert app.screen is screen
        assert screen.query_one("#query").value == f"entity:{chosen['id']}"


async def test_add_an_automatic_find_to_the_gazetteer_keeps_comments_and_makes_it_searchable(demo_corpus):
    gazetteer = demo_corpus / "entities.yaml"
    before = gazetteer.read_text(encoding="utf-8")
    app = make_app(demo_corpus)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_first(pilot)
        screen.view.focus()
        marks = screen.view.document.entities
        west = next(i for i, m in enumerate(marks) if m.entity.text == "West")
        for _ in range(west + 1):
            await pilot.press("full_stop")
        assert screen.view.entity.entity.text == "West"
        said = record_status(screen)
        await pilot.press("A")
        await until(pilot, lambda: isinstance(app.screen, GazetteerPrompt))
        prompt = app.screen
        assert prompt.query_one("#gazetteer-name").value == "West"
        assert prompt.query_one("#gazetteer-type").highlighted_option.id == "place"
        await pilot.press("end", "space", "W", "o", "r", "l", "d", "tab", "end")  # edit the span, pick a type
        await pilot.press("enter")
        await until(pilot, lambda: "West World" in gazetteer.read_text(encoding="utf-8"))
        after = gazetteer.read_text(encoding="utf-8")
        assert after.startswith(before.split("entities:")[0])  # the header comments survive
        assert "# --- people ---" in after and after.count("- id:") == before.count("- id:") + 1
        assert "id: west_world" in after and "type: other" in after
        assert not list(demo_corpus.glob(".entities.yaml.*.tmp"))
        await until(pilot, lambda: any(m.startswith("Added “West World” to entities.yaml as other (west_world);")
                                       for m in said))
        await until(pilot, lambda: screen.index_state == "index up to date" and not screen.engine.is_stale(),
                    timeout=30)
        await settle(pilot)
        assert [hit.id for hit in screen.engine.search("entity:west_world").hits] == []  # not in the text
        await pilot.press("A")
        await until(pilot, lambda: isinstance(app.screen, GazetteerPrompt))
        await pilot.press("ctrl+u", *"Kirby", "enter")  # a name already there is not added twice
        await until(pilot, lambda: "already in entities.yaml as john_kirby" in screen.status.message)
        assert gazetteer.read_text(encoding="utf-8") == after


async def test_a_name_added_from_the_panel_is_found_by_entity_search(demo_corpus):
    gazetteer = demo_corpus / "entities.yaml"
    app = make_app(demo_corpus)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_first(pilot)
        await pilot.press("E")
        await until(pilot, lambda: isinstance(app.screen, EntityPanel))
        options = app.screen.query_one("#entity-list")
        target = next(i for i in range(options.option_count)
                      if "West  ×4" in str(options.get_option_at_index(i).prompt))
        options.highlighted = target
        await pilot.press("A")
        await until(pilot, lambda: isinstance(app.screen, GazetteerPrompt))
        await pilot.press("enter")
        await until(pilot, lambda: "id: west" in gazetteer.read_text(encoding="utf-8"))
        await until(pilot, lambda: screen.index_state == "index up to date" and not screen.engine.is_stale(),
                    timeout=30)
        await settle(pilot)
        assert FIRST in {hit.id for hit in screen.engine.search("entity:west").hits}
        await until(pilot, lambda: any(m.entity.text == "West" and m.entity.source == "gazetteer"
                                       for m in screen.view.document.entities))


async def test_a_broken_gazetteer_is_one_line_in_the_status_and_the_app_still_works(demo_corpus):
    gazetteer = demo_corpus / "entities.yaml"
    gazetteer.write_text("entities:\n  - id: x\n    names: [unclosed\n", encoding="utf-8")
    app = make_app(demo_corpus)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await ready(pilot)
        await until(pilot, lambda: "entities.yaml" in screen.status.message)
        assert screen.status.severity == "error" and "\n" not in screen.status.message
        assert screen.results.hits
        await open_article(pilot, screen)
        assert {m.entity.source for m in screen.view.document.entities} == {"automatic"}
        await pilot.press("A")
        await until(pilot, lambda: isinstance(app.screen, GazetteerPrompt))
        await pilot.press("ctrl+u", *"Bonne", "enter")
        await until(pilot, lambda: screen.status.severity == "error" and "entities.yaml" in screen.status.message
                    and "Adding" not in screen.status.message)
        assert "names: [unclosed" in gazetteer.read_text(encoding="utf-8")


async def test_a_gazetteer_that_cannot_be_written_gives_a_one_line_error(demo_corpus, monkeypatch):
    import errno
    import os

    from reader.core.entities import gazetteer as gazetteer_module

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    before = (demo_corpus / "entities.yaml").read_text(encoding="utf-8")
    app = make_app(demo_corpus)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_first(pilot)
        monkeypatch.setattr(gazetteer_module, "replace_file", disk_full)  # (root ignores permissions)
        await pilot.press("A")
        await until(pilot, lambda: isinstance(app.screen, GazetteerPrompt))
        await pilot.press("ctrl+u", *"Aspen", "enter")
        await until(pilot, lambda: screen.status.severity == "error" and "Cannot write" in screen.status.message)
        assert (demo_corpus / "entities.yaml").read_text(encoding="utf-8") == before


def test_entity_offsets_map_onto_the_shown_title_and_body():
    title = "  The\t\tWest \u200bsays"
    body = "Zero\u200b width\u200b before Paris and Berlin."
    article = Article(id="a.txt", path=None, title=title, body=body, lang="en")
    document = build_document(article)
    text = article.text
    spans = [Span(text.index(word), text.index(word) + len(word), word, "place", None, "automatic")
             for word in ("West", "\u200bsays", "Paris", "Berlin")]
    marks = EntityPlacer(document, article).marks(spans)
    assert [document.text[m.start:m.end] for m in marks] == ["West", "says", "Paris", "Berlin"]
    assert [m.style for m in marks] == ["auto-place"] * 4


class ViewApp(App):
    CSS_PATH = "../../reader/ui/reader.tcss"

    def compose(self) -> ComposeResult:
        yield ArticleView(id="article")


async def test_a_5_mb_article_with_many_entities_paints_its_marks():
    body = "Paris and Berlin met " * (5 * 1024 * 1024 // 21)
    article = Article(id="big.txt", path=None, title="Big", body=body, lang="en")
    document = build_document(article)
    spans, base = [], len(article.title) + 2
    for start in range(0, len(body), 21):
        spans += [Span(base + start, base + start + 5, "Paris", "place", "paris", "gazetteer"),
                  Span(base + start + 10, base + start + 16, "Berlin", "place", None, "automatic")]
    marks = EntityPlacer(document, article).marks(spans)
    app = ViewApp()
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(ArticleView)
        view.show(document)
        view.set_entities(marks)
        await pilot.pause()
        text = rendered(view)
        view.scroll_to(y=view.max_scroll_y // 2, animate=False, immediate=True)
        text += rendered(view)
        assert "Paris" in text
        assert style_of(view, "Paris").bgcolor is not None and style_of(view, "Berlin").underline


async def test_a_long_article_shows_its_first_entities_at_once_and_stays_responsive(demo_corpus):
    paragraph = " ".join((demo_corpus / FIRST).read_text(encoding="utf-8").split("\n")[2:])
    body = (paragraph + " ") * (1_000_000 // len(paragraph))  # 1 MB on one line
    (demo_corpus / "long.txt").write_text("Long single line\n\n" + body, encoding="utf-8")
    app = make_app(demo_corpus)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await ready(pilot)
        screen.results.move_to([hit.id for hit in screen.results.hits].index("long.txt"))
        screen.open_hit("long.txt")
        await until(pilot, lambda: screen.view.document is not None and screen.view.document.article_id == "long.txt")
        await until(pilot, lambda: screen.view.document.entities)
        assert screen.view.entity_note.startswith("finding…") and "finding…" in rendered(screen.view)
        ticks = [time.monotonic()]
        timer = app.set_interval(0.02, lambda: ticks.append(time.monotonic()))  # the event loop's heartbeat
        await until(pilot, lambda: not screen.view.entity_note, timeout=30)
        timer.stop()
        marks = screen.view.document.entities
        assert marks[-1].start > len(screen.view.document.text) - 5000
        assert all(a.end <= b.start for a, b in pairwise(marks))
        assert len(ticks) > 3  # the event loop kept running while the entities were found (timings: benchmarks)


async def test_query_matches_stay_visible_over_entities(demo_corpus):
    app = make_app(demo_corpus)
    async with app.run_test(size=(140, 40)) as pilot:
        await ready(pilot)
        screen = await open_article(pilot, await type_query(pilot, "Macron"))
        assert screen.view.document.matches
        match = screen.view.get_visual_style("article--match").rich_style
        assert style_of(screen.view, "Macron's").bgcolor == match.bgcolor
        assert style_of(screen.view, "Emmanuel Macron").bgcolor != match.bgcolor  # the entity around it


async def test_a_name_like_a_known_entity_is_offered_as_its_other_name_and_the_type_follows(demo_corpus):
    gazetteer = demo_corpus / "entities.yaml"
    before = gazetteer.read_text(encoding="utf-8")
    app = make_app(demo_corpus)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_first(pilot)
        screen.view.focus()
        marks = screen.view.document.entities
        west = next(i for i, m in enumerate(marks) if m.entity.text == "West")
        for _ in range(west + 1):
            await pilot.press("full_stop")
        await pilot.press("A")
        await until(pilot, lambda: isinstance(app.screen, GazetteerPrompt))
        prompt = app.screen
        kinds, owners = prompt.query_one("#gazetteer-type"), prompt.query_one("#gazetteer-as")
        assert kinds.highlighted_option.id == "place" and owners.highlighted_option.id == ""
        await pilot.press("ctrl+u", *"Edward Snowden")  # retyped: the suggested type follows the name
        await until(pilot, lambda: kinds.highlighted_option.id == "person")
        await pilot.press("ctrl+u", *"E. Bonne")  # shares a word with a known person
        await until(pilot, lambda: owners.highlighted_option.id == "emmanuel_bonne")
        assert "another name of Emmanuel Bonne (person)" in str(owners.highlighted_option.prompt)
        await pilot.press("enter")
        await until(pilot, lambda: "E. Bonne" in gazetteer.read_text(encoding="utf-8"))
        after = gazetteer.read_text(encoding="utf-8")
        assert after.count("- id:") == before.count("- id:")  # no second entity
        assert screen.engine.gazetteer().resolve("E. Bonne") == "emmanuel_bonne"
