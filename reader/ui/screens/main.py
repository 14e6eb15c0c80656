"""The main screen: query box, result list, article pane and status line; it coordinates the widgets.

Widgets announce what happened with messages; workers (EngineJobs, and the controllers' through the screen)
post results; only the handlers here change what is shown. Actions and handlers delegate to the controllers
(`reader.ui.controllers`), which see the screen only as a `ScreenPort`.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input

from reader.core.results.narrowing import toggle_clauses
from reader.ui import messages as msg
from reader.ui.actions import MAIN, bindings_for
from reader.ui.controllers.entities import EntitiesController
from reader.ui.controllers.orphans import OrphansController
from reader.ui.controllers.related import RelatedController
from reader.ui.controllers.tags import TagsController
from reader.ui.controllers.workflow import WorkflowController
from reader.ui.jobs import EngineJobs
from reader.ui.render import progress_bar
from reader.ui.widgets.article import ArticleView
from reader.ui.widgets.histogram import DateHistogramBar
from reader.ui.widgets.query import QueryInput
from reader.ui.widgets.results import ResultList
from reader.ui.widgets.status import StatusLine

if TYPE_CHECKING:
    from reader.core.engine import Engine

WIDE_MIN = 100  # columns from which the list and the article show side by side
SEARCH_DELAY = 0.05  # typing pause before searching again while a search is still running
PREVIEW_DELAY = 0.2
POLL_SECONDS = 2.0
QUERY_HINT = 'Search: words, "phrases", AND/OR/NOT, lang:fr, tag:x, title:…   (? keys)'


class MainScreen(EngineJobs, Screen, inherit_bindings=False):
    """Search as you type, read, tag; implements `reader.ui.controllers.port.ScreenPort`."""

    BINDINGS = bindings_for(MAIN)

    def __init__(self, corpus: Path, quick_tags: dict[int, str]) -> None:
        super().__init__()
        self.corpus = corpus
        self.tags = TagsController(self, quick_tags)
        self.workflow = WorkflowController(self, corpus)
        self.entities = EntitiesController(self)
        self.related = RelatedController(self)
        self.orphans = OrphansController(self)
        self.documents = 0
        self.usable = False  # the index can answer searches
        self.index_state = "opening…"
        self.generation = 0
        self.ran: str | None = None  # the query text of the shown results
        self.resolved_query = "*"  # the query the shown results ran (a saved search's query for `@name`)
        self.total: int | None = None  # how many articles the shown results' query matches (None: counting)
        self.keep_id: str | None = None
        self.current_terms: frozenset = frozenset()
        self.current_via: dict = {}  # translated terms of the shown results: (field, term) -> (word, source)
        self.hits_text = ""
        self.article = None
        self.open_id: str | None = None
        self.article_terms: frozenset = frozenset()
        self.article_request = 0
        self.focus_results_when_done = False
        self.skipped: list = []  # files the last index update could not read (engine.Skipped)
        self._search_timer: Timer | None = None
        self._first_page_due = False  # a search runs whose first page has not been shown yet
        self._match_text = ""
        self._preview_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield QueryInput(placeholder=QUERY_HINT, id="query")
        with Horizontal(id="panes"):
            with Vertical(id="list-pane"):
                yield DateHistogramBar(id="histogram")
                yield ResultList(id="results")
            yield ArticleView(id="article")
        yield StatusLine(id="status")

    # -- the engine (the App's) and the widgets --------------------------------------------------
    @property
    def engine(self) -> Engine | None:
        return self.app.engine

    @property
    def engine_lock(self) -> threading.Lock:
        return self.app.engine_lock

    @property
    def results(self) -> ResultList:
        return self.query_one(ResultList)

    @property
    def view(self) -> ArticleView:
        return self.query_one(ArticleView)

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    @property
    def query_box(self) -> QueryInput:
        return self.query_one(QueryInput)

    @property
    def narrow(self) -> bool:
        return self.has_class("-narrow")

    def on_mount(self) -> None:
        self._set_width_class(self.app.size.width)
        self.query_box.focus()
        self.show_facts()
        self.call_after_refresh(self.app.open_engine, self)
        self.workflow.load_history()

    def on_unmount(self) -> None:
        self.stop_jobs()

    def on_resize(self, event) -> None:
        self._set_width_class(event.size.width)

    def _set_width_class(self, width: int) -> None:
        self.set_class(width < WIDE_MIN, "-narrow")

    def on_descendant_focus(self) -> None:
        # Narrow screens show the list or the article: the one that has the focus.
        if self.focused is self.view:
            self.add_class("-reading")
        elif self.focused is self.results:
            self.remove_class("-reading")

    def show_facts(self) -> None:
        """The status line's facts: hits, marks, search options, the index."""
        parts = [self.hits_text] if self.hits_text else []
        if self.results.marked:
            parts.append(f"{len(self.results.marked)} marked")
        if self.workflow.sort == "date":
            parts.append("newest first")
        if self.engine is not None and self.engine.as_typed:
            parts.append("as typed")
        if self.workflow.history_off:
            parts.append("history off")
        parts += [f"{self.documents:,} articles", self.index_state]
        if self.skipped:
            parts.append(f"{len(self.skipped):,} not indexed")
        if self.engine is not None and self.engine.data is not None:  # where tags go is not the usual place
            parts.append(self.engine.tags_location)
        self.status.facts = " · ".join(parts)

    # -- engine and index ------------------------------------------------------------------------
    def on_engine_opened(self, message: msg.EngineOpened) -> None:
        self.documents, self.skipped = message.documents, message.skipped
        self.usable = message.documents > 0 or not message.stale
        if message.stale:
            self.index_state = "indexing…"
            self.update_index()
        else:
            self.index_state = "index up to date"
            self._seen_generation = message.generation  # what the first search shows: a later commit is shown
        self.show_facts()
        if self.usable:
            self.search()
            self.load_tag_counts()
        else:
            self.status.say("Building the index; results appear when it is ready.", "busy")
        self.set_interval(POLL_SECONDS, self._poll)
        self.entities.check_gazetteer()

    def on_engine_failed(self, message: msg.EngineFailed) -> None:
        self.index_state = "no index"
        self.status.say(message.problem, "error")
        self.show_facts()

    def on_index_progress(self, message: msg.IndexProgress) -> None:
        self.index_state = f"indexing {message.done:,}/{message.total:,} {progress_bar(message.done, message.total)}"
        self.show_facts()

    def on_index_updated(self, message: msg.IndexUpdated) -> None:
        first = not self.usable
        self.usable, self.documents = True, message.documents
        self.index_state = "index up to date"
        notices = list(message.notices)
        if message.skipped is not None:
            self.skipped = message.skipped
            if self.skipped:
                notices.append(f"{len(self.skipped):,} files not indexed ({self.keys_text('skipped_panel')} lists "
                               "them)")
        if notices:
            self.status.say(" ".join(notices), "info")
        elif first:
            self.status.say("")
        self.show_facts()
        if first or message.changes:
            self.search(keep=True)
            self.load_tag_counts()
            if message.changes and self.open_id:
                self.load(self.open_id, keep_position=True)

    def on_translations_learned(self, message: msg.TranslationsLearned) -> None:
        self.status.say(f"Learned translations from {message.articles:,} changed articles.", "info")
        if self.query_text.strip():
            self.search(keep=True)

    def on_vectors_made(self, message: msg.VectorsMade) -> None:
        if not message.made:
            self.status.say(f"Computing the meaning vectors of {message.wanted:,} articles in the background; "
                            "searches use those made so far.", "info")
            return
        self.status.say(f"Computed the meaning vectors of {message.made:,} articles.", "info")
        if self.query_text.strip():
            self.search(keep=True)

    def on_index_failed(self, message: msg.IndexFailed) -> None:
        if message.busy:
            self.index_state = "waiting for another process to finish indexing"
        else:
            self.status.say(message.problem, "error")
        self.show_facts()

    def _poll(self) -> None:
        if self.engine is not None and self.usable:
            self.poll_changes()
            self.maintain_index()

    # -- searching -------------------------------------------------------------------------------
    @property
    def query_text(self) -> str:
        return self.query_box.value

    def search(self, keep: bool = False) -> None:
        """Run the query box's query (`keep`: stay on the result under the cursor)."""
        self.generation += 1
        self.keep_id = self.results.hit.id if keep and self.results.hit else None
        if not self.usable:
            return
        self._first_page_due = True
        self.start_search(self.generation, self.query_text, self.workflow.sort, self.workflow.with_stories)

    @on(Input.Changed, "#query")
    def _query_changed(self) -> None:
        """Search at once; while a search is running, when typing pauses (a burst of keys runs one).
        A message about earlier work (not one about work still running) leaves with the old query."""
        if self.status.message and self.status.severity != "busy":
            self.status.say("")
        if self._search_timer is not None:
            self._search_timer.stop()
        if self._first_page_due:
            self._search_timer = self.set_timer(SEARCH_DELAY, self._search_if_changed)
        else:
            self._search_if_changed()

    def _search_if_changed(self) -> None:
        if self.ran != self.query_text:
            self.search()

    def run_query(self, text: str, remember: bool = True) -> None:
        """Put `text` in the query box, run it and go to the results (`remember`: record it in the history)."""
        self.query_box.value = text
        if remember:
            self.workflow.remember(text)
        self.focus_results_when_done = True
        self.search()

    def narrow_query(self, typed: str, clauses: list[str] | None) -> None:
        """Run `typed` with the clauses a panel answered toggled (nothing when it was closed without any)."""
        if clauses:
            self.run_query(toggle_clauses(typed, clauses))

    def expanded_query(self) -> str:
        """The query box's text, a saved search `@name` replaced by its query (so clauses can be added)."""
        text = self.query_text.strip()
        return self.resolved_query if text.startswith("@") and self.ran == self.query_text else text

    def index_ready(self) -> bool:
        """True when searches can run; else says so."""
        if self.engine is None or not self.usable:
            self.status.say("The index is not ready yet.", "error")
            return False
        return True

    @on(Input.Submitted, "#query")
    def _query_submitted(self) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self.workflow.remember(self.query_text)
        if self.ran == self.query_text and self.results.hits:
            self.results.move_to(0, force=True)
            self.results.focus()
            return
        self.focus_results_when_done = True
        self.search()

    def on_search_done(self, message: msg.SearchDone) -> None:
        if message.generation == self.generation:
            self._show_results(message)
        self.entities.search_done()  # after the results: they clear an error in the status line

    def _show_results(self, message: msg.SearchDone) -> None:
        self._first_page_due = False
        results = message.results
        if self.ran == message.query and self.results.hit is not None:
            self.keep_id = self.results.hit.id  # every hit after the first page: stay where the reader is
        self.ran = message.query
        self.resolved_query = message.resolved
        self.current_terms, self.current_via = results.terms, results.via
        self.query_one(DateHistogramBar).show(message.histogram)
        self.results.placeholder = "No articles match." if message.query.strip() else "The corpus is empty."
        self.results.set_hits(results.hits, results.terms, self.keep_id)
        self._show_count(results.total)
        if self.status.severity == "error":
            self.status.say("")
        self.show_facts()
        if self.focus_results_when_done:
            self.focus_results_when_done = False
            self.results.focus()

    def on_search_counted(self, message: msg.SearchCounted) -> None:
        if message.generation == self.generation and self.ran == message.query:
            self._show_count(message.total)
            self.show_facts()

    def _show_count(self, total: int | None) -> None:
        """The hit count in the status line: `None` while the first page's total is still being counted."""
        added = sum(1 for hit in self.results.hits if hit.story_of)
        self.total, shown = total, len(self.results.hits) - added
        if total is None:
            self.hits_text = f"{shown:,}+ hits (counting…)"
        elif total > shown:
            self.hits_text = f"{total:,} hits (first {shown:,} listed)"
        else:
            self.hits_text = f"{total:,} hit{'s' if total != 1 else ''}"
        if self.workflow.with_stories:
            self.hits_text += f" + {added:,} of their stories"

    def on_search_failed(self, message: msg.SearchFailed) -> None:
        if message.generation == self.generation:
            self._first_page_due = False
            self.focus_results_when_done = False
            self.status.say(message.problem, "error")

    @on(ResultList.SnippetsWanted)
    def _snippets_wanted(self, message: ResultList.SnippetsWanted) -> None:
        if self.engine is not None:
            self.load_snippets(message.terms, message.wanted)

    def on_snippets_ready(self, message: msg.SnippetsReady) -> None:
        self.results.set_snippets(message.terms, message.snippets, message.leads)

    # -- articles --------------------------------------------------------------------------------
    @on(ResultList.Highlighted)
    def _highlighted(self, message: ResultList.Highlighted) -> None:
        self.show_facts()
        if self._preview_timer is not None:
            self._preview_timer.stop()
        if message.hit is not None and not self.narrow and not self._showing(message.hit.id):
            hit_id = message.hit.id
            self._preview_timer = self.set_timer(PREVIEW_DELAY, lambda: self._preview(hit_id))

    def _preview(self, hit_id: str) -> None:
        hit = self.results.hit
        if hit is not None and hit.id == hit_id and not self._showing(hit_id) and not self.narrow:
            self.load(hit_id)

    @on(ResultList.Selected)
    def _selected(self, message: ResultList.Selected) -> None:
        if self.ran is not None:
            self.workflow.remember(self.ran)
        self.open_hit(message.hit.id)

    def open_hit(self, article_id: str) -> None:
        """Open an article in the pane and move there (alone on a narrow screen)."""
        self.add_class("-reading")
        self.view.focus()
        if not self._showing(article_id):
            self.load(article_id)

    def reading(self) -> bool:
        """True when the reader is on the article pane (or reads full screen, or alone on a narrow one)."""
        return self.focused is self.view or self.has_class("-fullscreen") or self.has_class("-reading")

    def targets(self) -> list[str]:
        """What tags apply to: the marked results, else the article being read, else the result under the cursor."""
        if self.results.marked:
            return list(self.results.marked)
        if self.reading() and self.open_id:
            return [self.open_id]
        hit = self.results.hit
        return [hit.id] if hit is not None else []

    def target(self) -> str | None:
        """The article being read, else the result under the cursor, else the one open."""
        if self.reading() and self.open_id:
            return self.open_id
        hit = self.results.hit
        return hit.id if hit is not None else self.open_id

    def _showing(self, article_id: str) -> bool:
        """True when the pane shows (or loads) this article with the current query's matches."""
        return article_id == self.open_id and self.article_terms == self.current_terms

    def load(self, article_id: str, keep_position: bool = False) -> None:
        """Load an article into the pane (`keep_position`: a reload that stays where the reader is)."""
        if self.engine is None:
            return
        self.article_request += 1
        if article_id != self.open_id:
            self.view.clear("Loading…")
        self.open_id, self.article_terms = article_id, self.current_terms
        self.load_article(self.article_request, article_id, self.current_terms, keep_position)

    def on_article_ready(self, message: msg.ArticleReady) -> None:
        if message.request != self.article_request:
            return
        self.article = message.article
        self.view.show(message.document, message.keep_position)
        if not message.keep_position:
            self._say_matches()
        # after the article is painted: it shows first
        self.call_after_refresh(self.entities.find, message.request, message.article, message.document)

    def on_article_matches(self, message: msg.ArticleMatches) -> None:
        if message.request == self.article_request:
            self.view.set_matches(message.matches)
            self._say_matches()

    def on_article_failed(self, message: msg.ArticleFailed) -> None:
        if message.request == self.article_request:
            self.view.clear(message.problem)
            self.status.say(message.problem, "error")

    def _say_matches(self, asked: bool = False) -> None:
        """Say how many matches the article has; an error stays on screen unless the reader asked."""
        if self.status.severity == "error" and not asked:
            return
        current, count = self.view.match_position
        if count:
            where = f"match {current} of {count:,}" if current else \
                f"{count:,} match{'es' if count != 1 else ''}"
            self._match_text = f"{where} · {self.keys_text('next_match')}/{self.keys_text('prev_match')} to step"
            self.status.say(self._match_text)
        elif self.status.message == self._match_text:
            self.status.say("")

    def say(self, text: str, severity: str = "info") -> None:
        """A line in the status line (`severity`: info, busy or error)."""
        self.status.say(text, severity)

    def push_screen(self, screen: Screen, callback: Callable[[Any], None] | None = None) -> None:
        self.app.push_screen(screen, callback)

    def keys_text(self, action_id: str) -> str:
        from reader.ui.render import key_display

        keys = getattr(self.app, "keymap_keys", {}).get(action_id, "")
        return key_display(keys.split(",")[0]) if keys else action_id

    # -- actions ---------------------------------------------------------------------------------
    def action_focus_query(self) -> None:
        if self.has_class("-fullscreen"):
            self.action_fullscreen()
        self.query_box.focus()

    def action_back(self) -> None:
        if self.has_class("-fullscreen"):
            self.action_fullscreen()
        elif self.focused is self.view:
            self.results.focus()
        elif self.focused is self.results:
            self.query_box.focus()
        elif isinstance(self.focused, QueryInput):  # leave the box, query kept: `?` and `q` are keys again
            self.results.focus()

    def action_focus_next(self) -> None:
        self.focus_next()

    def action_focus_previous(self) -> None:
        self.focus_previous()

    def action_next_match(self) -> None:
        self._step_match(True)

    def action_prev_match(self) -> None:
        self._step_match(False)

    def _step_match(self, forward: bool) -> None:
        if self.view.document is None:
            self.status.say("Open an article first (enter on a result).")
        elif not self.view.step_match(forward):
            self.status.say("No query matches in this article.")
        else:
            self._say_matches(asked=True)

    def action_next_article(self) -> None:
        self._step_article(1)

    def action_prev_article(self) -> None:
        self._step_article(-1)

    def _step_article(self, step: int) -> None:
        """Open the next (or previous) result without going back to the list."""
        results = self.results
        if not results.hits:
            return
        on_open = results.hit is not None and results.hit.id == self.open_id
        target = results.cursor + step if on_open or self.open_id is None else results.cursor
        if not 0 <= target < len(results.hits):
            self.status.say("This is the last result." if step > 0 else "This is the first result.")
            return
        results.move_to(target)
        if self.focused is self.view or self.has_class("-fullscreen"):
            self.open_hit(results.hit.id)

    def action_fullscreen(self) -> None:
        if self.has_class("-fullscreen"):
            self.remove_class("-fullscreen")
            self.view.set_centred(False)
            return
        if self.open_id is None and self.results.hit is not None:
            self.load(self.results.hit.id)
        self.add_class("-fullscreen")
        self.view.set_centred(True)
        self.view.focus()

    def action_clear_marks(self) -> None:
        self.results.clear_marks()
        self.show_facts()

    # -- tags, entities, related, workflow: the controllers' ---------------------------------------
    def action_tag_add(self) -> None:
        self.tags.add()

    def action_tag_remove(self) -> None:
        self.tags.remove()

    def action_undo(self) -> None:
        self.tags.undo()

    def action_edit_notes(self) -> None:
        self.tags.edit_notes()

    def action_tag_panel(self) -> None:
        self.tags.panel()

    def action_toggle_entities(self) -> None:
        self.entities.toggle()

    def action_next_entity(self) -> None:
        self.entities.step(True)

    def action_prev_entity(self) -> None:
        self.entities.step(False)

    def action_entity_panel(self) -> None:
        self.entities.panel()

    def action_entity_search(self) -> None:
        self.entities.search()

    def action_gazetteer_add(self) -> None:
        self.entities.gazetteer_add()

    def action_related_panel(self) -> None:
        self.related.panel()

    def action_side_by_side(self) -> None:
        self.related.side_by_side()

    def action_sort_order(self) -> None:
        self.workflow.toggle_sort()

    def action_lexicon_add(self) -> None:
        self.workflow.add_translation()

    def action_as_typed(self) -> None:
        self.workflow.toggle_as_typed()

    def action_with_stories(self) -> None:
        self.workflow.toggle_stories()

    def action_facet_panel(self) -> None:
        self.workflow.facet_panel()

    def action_save_search(self) -> None:
        self.workflow.save_search()

    def action_saved_searches(self) -> None:
        self.workflow.saved_searches()

    def action_export(self) -> None:
        self.workflow.export()

    def action_timeline(self) -> None:
        self.workflow.timeline()

    def action_skipped_panel(self) -> None:
        self.workflow.skipped_panel()

    def action_orphans(self) -> None:
        self.orphans.panel()

    def on_tags_saved(self, message: msg.TagsSaved) -> None:
        self.results.set_tags(message.tags)
        for hit in self.results.marked.values():
            if hit.id in message.tags:
                hit.tags = list(message.tags[hit.id])
        if self.open_id in message.tags:
            self.load(self.open_id, keep_position=True)
        self.tags.saved(message)
        self.show_facts()

    def on_tag_counts(self, message: msg.TagCounts) -> None:
        self.tags.counts = message.counts

    def on_history_loaded(self, message: msg.HistoryLoaded) -> None:
        self.workflow.history_loaded(message)

    def on_workflow_done(self, message: msg.WorkflowDone) -> None:
        if message.problem:
            self.status.say(message.problem, "error")
        else:
            self.status.say(message.summary)

    def on_gazetteer_checked(self, message: msg.GazetteerChecked) -> None:
        self.entities.report_gazetteer(message.problem)

    def on_entities_found(self, message: msg.EntitiesFound) -> None:
        self.entities.found(message)

    def on_gazetteer_added(self, message: msg.GazetteerAdded) -> None:
        self.entities.gazetteer_added(message)

    def on_gazetteer_failed(self, message: msg.GazetteerFailed) -> None:
        self.status.say(message.problem, "error")


def _quick_action(slot: int) -> Callable[[MainScreen], None]:
    def action(self: MainScreen) -> None:
        self.tags.quick(slot)

    action.__name__ = f"action_quick_tag_{slot}"
    action.__doc__ = f"Toggle quick tag {slot} on the marked results or the current article."
    return action


for _slot in range(1, 10):
    setattr(MainScreen, f"action_quick_tag_{_slot}", _quick_action(_slot))
