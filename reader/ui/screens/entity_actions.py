"""Entity actions of the main screen (SPEC §5): highlighting, stepping, the panel, gazetteer additions."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from textual import work
from textual.message import Message
from textual.worker import get_current_worker

from reader.core.entities.actions import entity_query, gazetteer_type
from reader.core.entities.chunks import recognise_in_chunks
from reader.core.entities.recognise import summarise
from reader.core.text import one_line, safe_text
from reader.ui import messages as msg
from reader.ui.document import Document, EntityPlacer, Mark
from reader.ui.screens.entities import EntityPanel, GazetteerPrompt
from reader.ui.widgets.query import QueryInput

MAX_ENTITY_CHARS = 6_000_000  # recognition reads at most this much of an article
POST_EVERY = 1.0  # seconds between partial results of a long article


@dataclass
class EntitiesFound(Message):
    """Entity marks for the document of request `request`; `note` says when they are not all there."""

    request: int
    document: Document
    marks: list[Mark]
    note: str
    gazetteer_error: str


@dataclass
class GazetteerChecked(Message):
    """The corpus gazetteer was read; `problem` is its one-line error, or empty."""

    problem: str


@dataclass
class GazetteerAdded(Message):
    """`name` was added to the gazetteer as entity `entity_id` (or was already a name of it: `existed`)."""

    name: str
    kind: str
    entity_id: str
    existed: bool


@dataclass
class GazetteerFailed(Message):
    """A gazetteer addition failed; `problem` is one line."""

    problem: str


class EntityActions:
    """Mixed into MainScreen; recognition and gazetteer writes run in thread workers."""

    _gazetteer_problem = ""  # the gazetteer's error, once a worker read it
    _gazetteer_said = ""  # the error last shown after a search (a finished search clears errors)

    # -- recognition ---------------------------------------------------------------------------------
    def on_engine_opened(self, message: msg.EngineOpened) -> None:
        self.check_gazetteer()

    @work(thread=True, exclusive=True, group="gazetteer-check", exit_on_error=False)
    def check_gazetteer(self) -> None:
        """Read the gazetteer once at start so a broken one is reported before any article is open."""
        try:
            self.post_message(GazetteerChecked(self.engine.gazetteer_error()))
        except Exception as exc:  # noqa: BLE001 - reported like a parse error
            self.post_message(GazetteerChecked(str(exc)))

    def on_gazetteer_checked(self, message: GazetteerChecked) -> None:
        self._report_gazetteer(message.problem)

    def on_search_done(self, message: msg.SearchDone) -> None:
        if self._gazetteer_problem and self._gazetteer_said != self._gazetteer_problem:
            self._gazetteer_said = self._gazetteer_problem
            self.status.say(self._gazetteer_problem, "error")

    def _report_gazetteer(self, problem: str) -> None:
        if problem and problem != self._gazetteer_problem:
            self.status.say(problem, "error")
        self._gazetteer_problem = problem

    def on_article_ready(self, message: msg.ArticleReady) -> None:
        if message.request == self.article_request:  # after the article is painted: it shows first
            self.call_after_refresh(self._find_if_current, message.request, message.article, message.document)

    def _find_if_current(self, request: int, article: Any, document: Document) -> None:
        if request == self.article_request:
            self.find_entities(request, article, document)

    @work(thread=True, exclusive=True, group="entities", exit_on_error=False)
    def find_entities(self, request: int, article: Any, document: Document) -> None:
        """Recognise the article's entities piece by piece: the first piece at once, then more every second.

        Short pieces keep the interface responsive while a 5 MB article is read (about 1 s per MB).
        """
        worker = get_current_worker()
        marks: list[Mark] = []
        try:
            engine = self.engine
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
                    self.post_message(EntitiesFound(request, document, list(marks),
                                                    f"finding… {end / len(scope):.0%}", error))
            note = "" if len(scope) == len(text) else f"in the first {len(scope):,} characters"
            self.post_message(EntitiesFound(request, document, marks, note, error))
        except Exception as exc:  # noqa: BLE001 - the article stays readable without entities
            self.post_message(EntitiesFound(request, document, [], f"not available: {one_line(str(exc))}", ""))

    def on_entities_found(self, message: EntitiesFound) -> None:
        self._report_gazetteer(message.gazetteer_error)
        if message.request == self.article_request and self.view.document is message.document:
            self.view.set_entities(message.marks, message.note)

    # -- actions -------------------------------------------------------------------------------------
    def action_toggle_entities(self) -> None:
        shown = self.view.toggle_entities()
        self.status.say(f"Entity highlighting {'on' if shown else 'off'}.")

    def action_next_entity(self) -> None:
        self._step_entity(True)

    def action_prev_entity(self) -> None:
        self._step_entity(False)

    def _step_entity(self, forward: bool) -> None:
        if self.view.document is None:
            self.status.say("Open an article first (enter on a result).")
        elif not self.view.step_entity(forward):
            self.status.say("No entities found in this article" +
                            (" yet." if self.view.entity_note.startswith("finding") else "."))
        else:
            current, count = self.view.entity_position
            self.status.say(f"{_describe(self.view.entity)} · {current:,} of {count:,} · "
                            f"{self.keys_text('entity_search')} searches, {self.keys_text('gazetteer_add')} "
                            f"adds to the gazetteer")

    def action_entity_panel(self) -> None:
        document = self.view.document
        if document is None:
            self.status.say("Open an article first (enter on a result).")
            return
        gazetteer = self.engine.gazetteer() if self.engine else None
        rows = summarise([mark.entity for mark in document.entities], gazetteer)

        def done(answer: tuple[str, dict] | None) -> None:
            if answer is None:
                return
            what, row = answer
            if what == "search":
                self._search_entity(row["text"], row["type"], row["id"])
            else:
                self._ask_gazetteer(row["text"], row["type"])

        count = len(document.entities)
        title = f"Entities in this article: {count:,} mention{'s' if count != 1 else ''}, {len(rows):,} distinct"
        self.app.push_screen(EntityPanel(rows, title), done)

    def action_entity_search(self) -> None:
        mark = self._target()
        if mark is not None:
            self._search_entity(mark.entity.text, mark.entity.type, mark.entity.entity_id)

    def action_gazetteer_add(self) -> None:
        if self.engine is None:
            return
        mark = self.view.entity
        self._ask_gazetteer(mark.entity.text if mark else "", mark.entity.type if mark else "other")

    def _target(self) -> Mark | None:
        """The entity at the cursor (else the first on screen), or None after telling the user."""
        if self.view.document is None:
            self.status.say("Open an article first (enter on a result).")
            return None
        mark = self.view.entity
        if mark is None:
            self.status.say("No entity here: step to one "
                            f"({self.keys_text('next_entity')}) or open the panel ({self.keys_text('entity_panel')}).")
        return mark

    def _search_entity(self, text: str, kind: str, entity_id: str | None) -> None:
        query = entity_query(safe_text(one_line(text)), kind, entity_id)
        self.query_one(QueryInput).value = query
        self.focus_results_when_done = True
        self._search()
        self.status.say(f"Searching every article for {query}")

    def _ask_gazetteer(self, name: str, kind: str) -> None:
        def done(answer: tuple[str, str, str | None] | None) -> None:
            if answer is not None:
                self.status.say(f"Adding “{answer[0]}” to the gazetteer…", "busy")
                self.add_to_gazetteer(*answer)

        where = self.engine.gazetteer_path.name if self.engine is not None else "entities.yaml"
        lang = self.article.lang if self.article is not None else "und"
        self.app.push_screen(GazetteerPrompt(name, gazetteer_type(kind), where, self.engine.gazetteer(), lang),
                             done)

    # -- gazetteer -----------------------------------------------------------------------------------
    @work(thread=True, group="gazetteer", exit_on_error=False)
    def add_to_gazetteer(self, name: str, kind: str, owner: str | None = None) -> None:
        """Add `name` to entities.yaml (atomic, comments kept): as another name of `owner`, else as a new
        entity or the one it already names."""
        path = self.engine.gazetteer_path
        try:
            gazetteer = self.engine.gazetteer()
            known = gazetteer.resolve(name) if gazetteer is not None else None
            entity_id = self.engine.add_gazetteer_name(name, kind, owner)
        except OSError as exc:
            self.post_message(GazetteerFailed(f"Cannot write {path}: {exc.strerror or exc}"))
        except Exception as exc:  # noqa: BLE001 - GazetteerError (file does not parse), ValueError (name)
            self.post_message(GazetteerFailed(one_line(str(exc))))
        else:
            self.post_message(GazetteerAdded(name, kind, entity_id, known == entity_id))

    def on_gazetteer_added(self, message: GazetteerAdded) -> None:
        name, where = safe_text(message.name), self.engine.gazetteer_path.name
        if message.existed:
            self.status.say(f"“{name}” is already in {where} as {safe_text(message.entity_id)}.")
            return
        self.status.say(f"Added “{name}” to {where} as {message.kind} ({safe_text(message.entity_id)}); "
                        f"re-indexing so entity:{safe_text(message.entity_id)} finds it.")
        self.update_index()
        if self.article is not None and self.view.document is not None:
            self.find_entities(self.article_request, self.article, self.view.document)

    def on_gazetteer_failed(self, message: GazetteerFailed) -> None:
        self.status.say(message.problem, "error")


def _describe(mark: Mark) -> str:
    entity = mark.entity
    source = f"gazetteer {entity.entity_id}" if entity.entity_id else entity.source
    return f"“{safe_text(one_line(entity.text))}” · {entity.type} · {safe_text(source)}"
