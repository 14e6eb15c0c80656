"""Pilot tests of cross-language search: translated matches listed and highlighted, the as-typed toggle."""

from __future__ import annotations

from tests.conftest import write
from tests.ui.conftest import make_app, ready, rendered, settle, type_query, until

CHOGOU = "001_e13ff6d2d78ae1e3.txt"


async def test_translated_matches_are_listed_and_highlighted_and_the_toggle_turns_them_off(demo_corpus):
    app = make_app(demo_corpus)
    async with app.run_test(size=(140, 40)) as pilot:
        await ready(pilot)
        screen = await type_query(pilot, "Shoigu")
        assert CHOGOU in [hit.id for hit in screen.results.hits]
        await until(pilot, lambda: "Chogou ← Shoigu" in rendered(screen.results))
        await pilot.press("enter")
        screen.results.cursor = [hit.id for hit in screen.results.hits].index(CHOGOU)
        await pilot.press("enter")
        await until(pilot, lambda: screen.view.document is not None and screen.view.document.article_id == CHOGOU)
        await settle(pilot)
        document = screen.view.document
        assert "Chogou" in {document.text[m[0]:m[1]] for m in document.matches}
        await pilot.press("escape")
        await pilot.press("tab", "X")
        await until(pilot, lambda: "as typed" in screen.status.facts)
        await until(pilot, lambda: CHOGOU not in [hit.id for hit in screen.results.hits])
        await settle(pilot)
        assert screen.results.hits and "←" not in rendered(screen.results)
        await pilot.press("X")
        await until(pilot, lambda: "as typed" not in screen.status.facts)
        await until(pilot, lambda: CHOGOU in [hit.id for hit in screen.results.hits])


async def test_the_word_at_the_cursor_becomes_a_translation_in_the_lexicon(demo_corpus):
    app = make_app(demo_corpus)
    async with app.run_test(size=(140, 40)) as pilot:
        await ready(pilot)
        screen = await type_query(pilot, "Chogou")
        await pilot.press("enter", "enter")  # to the results, open the first
        await until(pilot, lambda: screen.view.document is not None and screen.view.document.article_id == CHOGOU)
        await settle(pilot)
        await pilot.press("n", "Y")  # the first match of the query, then add it
        lang = screen.article.lang
        await until(pilot, lambda: f"Which query word should also find “Chogou” ({lang})?" in rendered_prompt(pilot))
        await pilot.press(*"Schoigu", "enter")
        await until(pilot, lambda: f"Added “Chogou” ({lang}) as a translation of “Schoigu”" in screen.status.message)
        assert f"Schoigu:\n  {lang}: [Chogou]" in (demo_corpus / "lexicon.yaml").read_text(encoding="utf-8")
        found = await type_query(pilot, "Schoigu")
        assert CHOGOU in [hit.id for hit in found.results.hits]


def rendered_prompt(pilot) -> str:
    """The title of the prompt on top, or ''."""
    from textual.widgets import Static

    titles = pilot.app.screen.query(".dialog-title")
    return "".join(str(widget.render()) for widget in titles if isinstance(widget, Static))


async def test_a_word_in_no_article_is_left_out_and_the_status_line_says_so(tmp_path):
    corpus = tmp_path / "c"
    write(corpus, "en.txt", "Obama visits Berlin\n\nPresident Obama spoke about trade in Berlin today.\n")
    write(corpus, "ru.txt", "Визит в Берлин\n\nПрезидент Обама говорил о торговле в Берлине сегодня.\n")
    app = make_app(corpus)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await ready(pilot)
        said: list[str] = []  # every status line shown: background work (learning) may follow the note
        say = screen.status.say
        screen.status.say = lambda message, severity="info": (said.append(message), say(message, severity))
        screen = await type_query(pilot, "Обама экономикой")
        await until(pilot, lambda: {hit.id for hit in screen.results.hits} == {"en.txt", "ru.txt"}, timeout=20)
        await until(pilot, lambda: any("'экономикой' is in no article" in line for line in said), timeout=20)
        screen = await type_query(pilot, "Обама")
        await settle(pilot)
        assert "экономикой" not in screen.status.message  # the note went with its query
