"""Workflow of the main screen: search options (sort, as typed, stories), facets, the query history, saved
searches, export, the story timeline, the files not indexed."""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from pathlib import Path

from reader.core.errors import ReaderError
from reader.core.text import one_line, safe_text
from reader.core.userdata.files import write_atomic
from reader.core.userdata.history import history_path, load_history, record_query
from reader.core.userdata.saved import save_search, saved_searches_path
from reader.exports import export_format, render_export
from reader.ui import messages as msg
from reader.ui.controllers.port import ScreenPort, in_thread
from reader.ui.jobs import problem_line
from reader.ui.screens.facets import FacetPanel
from reader.ui.screens.panels import TextPrompt
from reader.ui.screens.saved import SavedSearchPanel, name_problem
from reader.ui.screens.skipped import SkippedPanel
from reader.ui.screens.timeline import TimelinePanel

SORT_ORDERS = ("relevance", "date")
DEFAULT_EXPORT = "reader-export.csv"


class WorkflowController:
    """The search options and the workflow actions; file work runs in thread workers that post
    `msg.WorkflowDone` (or `msg.HistoryLoaded`)."""

    def __init__(self, screen: ScreenPort, corpus: Path) -> None:
        self.screen, self.corpus = screen, corpus
        self.sort = SORT_ORDERS[0]
        self.with_stories = False  # each hit followed by its translations and rewrites
        self.history_off = False  # the history file could not be read: queries are not recorded this session

    # -- history ---------------------------------------------------------------------------------
    def load_history(self) -> None:
        """Read this corpus's query history (in a worker) for recall in the query box."""
        in_thread(self.screen, self._load_history, group="history")

    def _load_history(self) -> None:
        try:
            self.screen.post_message(msg.HistoryLoaded(load_history(history_path(self.corpus))))
        except ReaderError as exc:
            self.screen.post_message(msg.HistoryLoaded([], f"query history not read, nor recorded: {exc}"))

    def history_loaded(self, message: msg.HistoryLoaded) -> None:
        self.screen.query_box.history[:0] = message.entries  # before any query recorded meanwhile
        if message.problem:
            self.history_off = True
            self.screen.say(message.problem, "error")
            self.screen.show_facts()

    def remember(self, query: str) -> None:
        """Keep a query that ran: in the recall list now, in the history file by a worker."""
        query = query.strip()
        box = self.screen.query_box
        if query and (not box.history or box.history[-1] != query):
            box.remember(query)
            if not self.history_off:
                in_thread(self.screen, self._record_history, query, group="history-write")

    def _record_history(self, query: str) -> None:
        try:
            record_query(history_path(self.corpus), query)
        except ReaderError as exc:
            self.screen.post_message(msg.WorkflowDone("", f"query history not kept: {exc}"))

    # -- search options and facets ---------------------------------------------------------------
    def toggle_sort(self) -> None:
        self.sort = SORT_ORDERS[(SORT_ORDERS.index(self.sort) + 1) % len(SORT_ORDERS)]
        self.screen.say("Sorted by date, newest first (undated last)." if self.sort == "date"
                        else "Sorted by relevance.")
        self.screen.show_facts()
        self.screen.search()

    def toggle_as_typed(self) -> None:
        """Search the words only as typed, or (again) also as their translations into other languages."""
        engine = self.screen.engine
        if engine is None:
            return
        engine.as_typed = not engine.as_typed
        self.screen.say("Searching the words as typed only." if engine.as_typed
                        else "Searching the words and their translations into the corpus's languages.")
        self.screen.show_facts()
        self.screen.search()

    def toggle_stories(self) -> None:
        self.with_stories = not self.with_stories
        self.screen.say("Each hit is followed by its translations and rewrites (↳)." if self.with_stories
                        else "Only the hits are listed.")
        self.screen.search(keep=True)

    def facet_panel(self) -> None:
        if not self.screen.index_ready():
            return
        typed = self.screen.expanded_query()
        self.screen.push_screen(FacetPanel(self.screen.engine, self.screen.resolved_query, typed),
                                partial(self.screen.narrow_query, typed))

    # -- lexicon ---------------------------------------------------------------------------------
    def add_translation(self) -> None:
        """Add the word at the article's cursor to lexicon.yaml as a translation of a query word the
        reader types (so that word finds it in every later search)."""
        article, word = self.screen.article, one_line(self.screen.view.cursor_word).strip()
        if article is None or not word:
            keys = self.screen.keys_text
            self.screen.say(f"Open an article and step to a word first: {keys('next_match')} (a match of the "
                            f"query) or {keys('next_entity')} (an entity).", "error")
            return

        def done(query_word: str | None) -> None:
            if query_word:
                in_thread(self.screen, self._add_translation, query_word, article.lang, word, group="lexicon")

        title = f"Which query word should also find “{safe_text(word)}” ({article.lang})? (into lexicon.yaml)"
        self.screen.push_screen(TextPrompt(title, placeholder="a word as you would type it"), done)

    def _add_translation(self, query_word: str, lang: str, word: str) -> None:
        try:
            path = self.screen.engine.add_translation(query_word, lang, word)
        except (ReaderError, OSError) as exc:
            self.screen.post_message(msg.WorkflowDone("", one_line(str(exc))))
            return
        self.screen.post_message(msg.WorkflowDone(
            f"Added “{safe_text(word)}” ({lang}) as a translation of “{safe_text(query_word)}” in {path}."))

    # -- saved searches --------------------------------------------------------------------------
    def save_search(self) -> None:
        query = self.screen.expanded_query()
        if not query:
            self.screen.say("Type a query first; then it can be saved under a name.", "error")
            return

        def done(name: str | None) -> None:
            if name:
                in_thread(self.screen, self._save_search, name.lstrip("@"), query, group="saved")

        title = f"Save the query under a name (then @name runs it): {query}"
        self.screen.push_screen(TextPrompt(title, placeholder="name", check=name_problem), done)

    def _save_search(self, name: str, query: str) -> None:
        try:
            save_search(name, query, saved_searches_path(self.corpus))
        except ReaderError as exc:
            self.screen.post_message(msg.WorkflowDone("", str(exc)))
            return
        self.screen.post_message(msg.WorkflowDone(f"Saved as @{name} in {saved_searches_path(self.corpus)}"))

    def saved_searches(self) -> None:
        def done(query: str | None) -> None:
            if query is not None:
                self.screen.run_query(query)

        self.screen.push_screen(SavedSearchPanel(saved_searches_path(self.corpus)), done)

    # -- export ----------------------------------------------------------------------------------
    def export(self) -> None:
        if not self.screen.index_ready():
            return
        marked = list(self.screen.results.marked.values())
        what = f"the {len(marked):,} marked results" if marked else "every result"
        confirmed: list[Path] = []

        def check(text: str) -> str:
            path = Path(text).expanduser()
            if export_format(path) is None:
                return "The file name must end in .csv, .jsonl or .md."
            if path.is_dir():
                return f"{path} is a folder."
            if path.exists() and path not in confirmed:
                confirmed.append(path)
                return f"{path} exists: enter again replaces it."
            return ""

        def done(text: str | None) -> None:
            if text:
                self.screen.say("Exporting…", "busy")
                in_thread(self.screen, self._export, Path(text).expanduser(), marked or None,
                          self.screen.resolved_query, self.sort, self.screen.current_terms, group="export")

        title = f"Export {what} to a file (.csv, .jsonl or .md)"
        self.screen.push_screen(TextPrompt(title, DEFAULT_EXPORT, "file", check), done)

    def _export(self, path: Path, hits: list | None, query: str, sort: str, terms: frozenset) -> None:
        """Write the marked hits (or every hit of the query) with notes and snippets, atomically."""
        engine = self.screen.engine
        try:
            if hits is None:
                hits = engine.search(query, limit=None, sort=sort, snippets=True).hits
            else:
                hits = [replace(hit, snippet=hit.snippet or engine.snippet(hit.id, hit.lang, terms))
                        for hit in hits]
            rows = [(hit, engine.notes(hit.id)) for hit in hits]
            write_atomic(path, render_export(rows, export_format(path)))
        except Exception as exc:  # noqa: BLE001 - one line in the status line
            self.screen.post_message(msg.WorkflowDone("", f"Export failed: {problem_line(exc)}"))
            return
        self.screen.post_message(msg.WorkflowDone(
            f"Exported {len(rows):,} row{'s' if len(rows) != 1 else ''} to {path.resolve()}"))

    # -- story timeline and the files not indexed ------------------------------------------------
    def timeline(self) -> None:
        hit = self.screen.results.hit
        article_id = self.screen.open_id or (hit.id if hit else None)
        if self.screen.engine is None or article_id is None:
            self.screen.say("Open an article first; its story timeline shows then.", "error")
            return

        def done(chosen: str | None) -> None:
            if chosen:
                self.screen.open_hit(chosen)

        self.screen.push_screen(TimelinePanel(self.screen.engine, article_id), done)

    def skipped_panel(self) -> None:
        if not self.screen.skipped:
            self.screen.say("Every file of the corpus was indexed.")
            return
        self.screen.push_screen(SkippedPanel(self.screen.skipped))
