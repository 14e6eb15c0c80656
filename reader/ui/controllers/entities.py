"""Entities of the open article (SPEC §5): recognition, highlighting, stepping, the panel, gazetteer additions."""

from __future__ import annotations

import time
from typing import Any

from textual.worker import get_current_worker

from reader.core.entities.actions import entity_query, gazetteer_type
from reader.core.entities.chunks import recognise_in_chunks
from reader.core.entities.recognise import summarise
from reader.core.text import one_line, safe_text
from reader.ui import messages as msg
from reader.ui.controllers.port import ScreenPort, in_thread
from reader.ui.document import Document, EntityPlacer, Mark
from reader.ui.screens.entities import EntityPanel, GazetteerPrompt

MAX_ENTITY_CHARS = 6_000_000  # recognition reads at most this much of an article
POST_EVERY = 1.0  # seconds between partial results of a long article


class EntitiesController:
    """Recognition and gazetteer writes run in thread workers that post `msg.EntitiesFound` and the
    `msg.Gazetteer*` messages; the gazetteer's error is said once, and again after a search clears it."""

    def __init__(self, screen: ScreenPort) -> None:
        self.screen = screen
        self._problem = ""  # the gazetteer's error, once a worker read it
        self._said = ""  # the error last shown after a search (a finished search clears errors)

    # -- recognition ---------------------------------------------------------------------------------
    def check_gazetteer(self) -> None:
        """Read the gazetteer once at start so a broken one is reported before any article is open."""
        in_thread(self.screen, self._check_gazetteer, group="gazetteer-check", exclusive=True)

    def _check_gazetteer(self) -> None:
        try:
            self.screen.post_message(msg.GazetteerChecked(self.screen.engine.gazetteer_error()))
        except Exception as exc:  # noqa: BLE001 - reported like a parse error
            self.screen.post_message(msg.GazetteerChecked(str(exc)))

    def report_gazetteer(self, problem: str) -> None:
        if problem and problem != self._problem:
            self.screen.say(problem, "error")
        self._problem = problem

    def search_done(self) -> None:
        """A finished search cleared the status line's error: say the gazetteer's again, once."""
        if self._problem and self._said != self._problem:
            self._said = self._problem
            self.screen.say(self._problem, "error")

    def find(self, request: int, article: Any, document: Document) -> None:
        """Find the entities of the article of `request` (in a worker) unless a newer one was asked for."""
        if request == self.screen.article_request:
            in_thread(self.screen, self._find, request, article, document, group="entities", exclusive=True)

    def _find(self, request: int, article: Any, document: Document) -> None:
        """Recognise the article's entities piece by piece: the first piece at once, then more every second.

        Short pieces keep the interface responsive while a 5 MB article is read (about 1 s per MB).
        """
        worker = get_current_worker()
        marks: list[Mark] = []
        try:
            engine = self.screen.engine
            gazetteer, error = engine.gazetteer(), engine.gazetteer_error()
            placer = EntityPlacer(document, article)
            text = article.text
            scope = text[:MAX_ENTITY_CHARS]
            posted = time.monotonic()
            for number, (end, piece) in enumerate(recognise_in_chunks(scope, article.lang, gazetteer)):
                if worker.is_cancelled:
                    return
                marks += placer.marks(piece)
                if end < len(scope) and (number == 0 or time.monotonic() - posted > POST_EVERY):
                    posted = time.monotonic()
                    self.screen.post_message(msg.EntitiesFound(request, document, list(marks),
                                                               f"finding… {end / len(scope):.0%}", error))
            note = "" if len(scope) == len(text) else f"in the first {len(scope):,} characters"
            self.screen.post_message(msg.EntitiesFound(request, document, marks, note, error))
        except Exception as exc:  # noqa: BLE001 - the article stays readable without entities
            self.screen.post_message(msg.EntitiesFound(request, document, [],
                                                       f"not available: {one_line(str(exc))}", ""))

    def found(self, message: msg.EntitiesFound) -> None:
        self.report_gazetteer(message.gazetteer_error)
        view = self.screen.view
        if message.request == self.screen.article_request and view.document is message.document:
            view.set_entities(message.marks, message.note)

    # -- actions -------------------------------------------------------------------------------------
    def toggle(self) -> None:
        shown = self.screen.view.toggle_entities()
        self.screen.say(f"Entity highlighting {'on' if shown else 'off'}.")

    def step(self, forward: bool) -> None:
        view, keys = self.screen.view, self.screen.keys_text
        if view.document is None:
            self.screen.say("Open an article first (enter on a result).")
        elif not view.step_entity(forward):
            self.screen.say("No entities found in this article" +
                            (" yet." if view.entity_note.startswith("finding") else "."))
        else:
            current, count = view.entity_position
            self.screen.say(f"{_describe(view.entity)} · {current:,} of {count:,} · "
                            f"{keys('entity_search')} searches, {keys('gazetteer_add')} adds to the gazetteer")

    def panel(self) -> None:
        document = self.screen.view.document
        if document is None:
            self.screen.say("Open an article first (enter on a result).")
            return
        engine = self.screen.engine
        rows = summarise([mark.entity for mark in document.entities], engine.gazetteer() if engine else None)

        def done(answer: tuple[str, dict] | None) -> None:
            if answer is None:
                return
            what, row = answer
            if what == "search":
                self._search(row["text"], row["type"], row["id"])
            else:
                self._ask_gazetteer(row["text"], row["type"])

        count = len(document.entities)
        title = f"Entities in this article: {count:,} mention{'s' if count != 1 else ''}, {len(rows):,} distinct"
        self.screen.push_screen(EntityPanel(rows, title), done)

    def search(self) -> None:
        """Search the corpus for the entity at the cursor."""
        mark = self._target()
        if mark is not None:
            self._search(mark.entity.text, mark.entity.type, mark.entity.entity_id)

    def gazetteer_add(self) -> None:
        if self.screen.engine is None:
            return
        mark = self.screen.view.entity
        self._ask_gazetteer(mark.entity.text if mark else "", mark.entity.type if mark else "other")

    def _target(self) -> Mark | None:
        """The entity at the cursor (else the first on screen), or None after telling the user."""
        view, keys = self.screen.view, self.screen.keys_text
        if view.document is None:
            self.screen.say("Open an article first (enter on a result).")
            return None
        mark = view.entity
        if mark is None:
            self.screen.say(f"No entity here: step to one ({keys('next_entity')}) or open the panel "
                            f"({keys('entity_panel')}).")
        return mark

    def _search(self, text: str, kind: str, entity_id: str | None) -> None:
        query = entity_query(safe_text(one_line(text)), kind, entity_id)
        self.screen.run_query(query, remember=False)
        self.screen.say(f"Searching every article for {query}")

    def _ask_gazetteer(self, name: str, kind: str) -> None:
        def done(answer: tuple[str, str, str | None] | None) -> None:
            if answer is not None:
                self.screen.say(f"Adding “{answer[0]}” to the gazetteer…", "busy")
                in_thread(self.screen, self._add_to_gazetteer, *answer, group="gazetteer")

        engine, article = self.screen.engine, self.screen.article
        where = engine.gazetteer_path.name if engine is not None else "entities.yaml"
        lang = article.lang if article is not None else "und"
        self.screen.push_screen(GazetteerPrompt(name, gazetteer_type(kind), where, engine.gazetteer(), lang), done)

    # -- gazetteer -----------------------------------------------------------------------------------
    def _add_to_gazetteer(self, name: str, kind: str, owner: str | None = None) -> None:
        """Add `name` to entities.yaml (atomic, comments kept): as another name of `owner`, else as a new
        entity or the one it already names."""
        engine = self.screen.engine
        path = engine.gazetteer_path
        try:
            gazetteer = engine.gazetteer()
            known = gazetteer.resolve(name) if gazetteer is not None else None
            entity_id = engine.add_gazetteer_name(name, kind, owner)
        except OSError as exc:
            self.screen.post_message(msg.GazetteerFailed(f"Cannot write {path}: {exc.strerror or exc}"))
        except Exception as exc:  # noqa: BLE001 - GazetteerError (file does not parse), ValueError (name)
            self.screen.post_message(msg.GazetteerFailed(one_line(str(exc))))
        else:
            self.screen.post_message(msg.GazetteerAdded(name, kind, entity_id, known == entity_id))

    def gazetteer_added(self, message: msg.GazetteerAdded) -> None:
        name, where = safe_text(message.name), self.screen.engine.gazetteer_path.name
        if message.existed:
            self.screen.say(f"“{name}” is already in {where} as {safe_text(message.entity_id)}.")
            return
        self.screen.say(f"Added “{name}” to {where} as {message.kind} ({safe_text(message.entity_id)}); "
                        f"re-indexing so entity:{safe_text(message.entity_id)} finds it.")
        self.screen.update_index()
        article, document = self.screen.article, self.screen.view.document
        if article is not None and document is not None:
            self.find(self.screen.article_request, article, document)


def _describe(mark: Mark) -> str:
    entity = mark.entity
    source = f"gazetteer {entity.entity_id}" if entity.entity_id else entity.source
    return f"“{safe_text(one_line(entity.text))}” · {entity.type} · {safe_text(source)}"
