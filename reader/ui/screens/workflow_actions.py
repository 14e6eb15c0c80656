"""Workflow actions of the main screen: facets, sorting, history, saved searches, export, timeline, the files
not indexed."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from textual import work

from reader.core.errors import ReaderError
from reader.core.results.narrowing import toggle_clauses
from reader.core.userdata.files import write_atomic
from reader.core.userdata.history import history_path, load_history, record_query
from reader.core.userdata.saved import save_search, saved_searches_path
from reader.exports import export_format, render_export
from reader.ui import messages as msg
from reader.ui.jobs import problem_line
from reader.ui.screens.facets import FacetPanel
from reader.ui.screens.panels import TextPrompt
from reader.ui.screens.saved import SavedSearchPanel, name_problem
from reader.ui.screens.skipped import SkippedPanel
from reader.ui.screens.timeline import TimelinePanel
from reader.ui.widgets.query import QueryInput

SORT_ORDERS = ("relevance", "date")
DEFAULT_EXPORT = "reader-export.csv"


class WorkflowActions:
    """Mixed into MainScreen; the file work runs in thread workers that post `msg.WorkflowDone`."""

    sort = "relevance"
    resolved_query = "*"  # the query the shown results ran (a saved search's query for `@name`)
    history_off = False  # the history file could not be read: queries are not recorded this session

    @property
    def query_box(self) -> QueryInput:
        return self.query_one(QueryInput)

    def _ready_to_search(self) -> bool:
        if self.engine is None or not self.usable:
            self.status.say("The index is not ready yet.", "error")
            return False
        return True

    def run_query_text(self, text: str) -> None:
        """Put `text` in the query box, run it and go to the results (recorded in the history)."""
        self.query_box.value = text
        self.remember_query(text)
        self.focus_results_when_done = True
        self._search()

    # -- history ---------------------------------------------------------------------------------
    @work(thread=True, group="history", exit_on_error=False)
    def load_query_history(self) -> None:
        """Read this corpus's query history for recall in the query box."""
        try:
            self.post_message(msg.HistoryLoaded(load_history(history_path(self.corpus))))
        except ReaderError as exc:
            self.post_message(msg.HistoryLoaded([], f"query history not read, nor recorded: {exc}"))

    def on_history_loaded(self, message: msg.HistoryLoaded) -> None:
        box = self.query_box
        box.history[:0] = message.entries  # before any query recorded meanwhile
        if message.problem:
            self.history_off = True
            self.status.say(message.problem, "error")
            self._show_facts()

    def remember_query(self, query: str) -> None:
        """Keep a query that ran: in the recall list now, in the history file by a worker."""
        query = query.strip()
        box = self.query_box
        if query and (not box.history or box.history[-1] != query):
            box.remember(query)
            if not self.history_off:
                self._record_history(query)

    @work(thread=True, group="history-write", exit_on_error=False)
    def _record_history(self, query: str) -> None:
        try:
            record_query(history_path(self.corpus), query)
        except ReaderError as exc:
            self.post_message(msg.WorkflowDone("", f"query history not kept: {exc}"))

    def on_workflow_done(self, message: msg.WorkflowDone) -> None:
        if message.problem:
            self.status.say(message.problem, "error")
        else:
            self.status.say(message.summary)

    # -- sorting and facets ----------------------------------------------------------------------
    def action_sort_order(self) -> None:
        self.sort = SORT_ORDERS[(SORT_ORDERS.index(self.sort) + 1) % len(SORT_ORDERS)]
        self.status.say("Sorted by date, newest first (undated last)." if self.sort == "date"
                        else "Sorted by relevance.")
        self._show_facts()
        self._search()

    def action_as_typed(self) -> None:
        """Search the words only as typed, or (again) also as their translations into other languages."""
        if self.engine is None:
            return
        self.engine.as_typed = not self.engine.as_typed
        self.status.say("Searching the words as typed only." if self.engine.as_typed
                        else "Searching the words and their translations into the corpus's languages.")
        self._show_facts()
        self._search()

    def action_facet_panel(self) -> None:
        if not self._ready_to_search():
            return
        typed = self._expanded_query()

        def done(clauses: list[str] | None) -> None:
            if clauses:
                self.run_query_text(toggle_clauses(typed, clauses))

        self.app.push_screen(FacetPanel(self.engine, self.resolved_query, typed), done)

    def _expanded_query(self) -> str:
        """The query box's text, a saved search `@name` replaced by its query (so clauses can be added)."""
        text = self.query_text.strip()
        return self.resolved_query if text.startswith("@") and self.ran == self.query_text \
            else text

    def action_with_stories(self) -> None:
        self.with_stories = not self.with_stories
        self.status.say("Each hit is followed by its translations and rewrites (↳)." if self.with_stories
                        else "Only the hits are listed.")
        self._search(keep=True)

    # -- saved searches --------------------------------------------------------------------------
    def action_save_search(self) -> None:
        query = self._expanded_query()
        if not query:
            self.status.say("Type a query first; then it can be saved under a name.", "error")
            return

        def done(name: str | None) -> None:
            if name:
                self._save_search(name.lstrip("@"), query)

        title = f"Save the query under a name (then @name runs it): {query}"
        self.app.push_screen(TextPrompt(title, placeholder="name", check=name_problem), done)

    @work(thread=True, group="saved", exit_on_error=False)
    def _save_search(self, name: str, query: str) -> None:
        try:
            save_search(name, query, saved_searches_path(self.corpus))
        except ReaderError as exc:
            self.post_message(msg.WorkflowDone("", str(exc)))
            return
        self.post_message(msg.WorkflowDone(f"Saved as @{name} in {saved_searches_path(self.corpus)}"))

    def action_saved_searches(self) -> None:
        def done(query: str | None) -> None:
            if query is not None:
                self.run_query_text(query)

        self.app.push_screen(SavedSearchPanel(saved_searches_path(self.corpus)), done)

    # -- export ----------------------------------------------------------------------------------
    def action_export(self) -> None:
        if not self._ready_to_search():
            return
        marked = list(self.results.marked.values())
        if marked:
            what = f"the {len(marked):,} marked results"
        else:
            what = "every result"
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
                self.status.say("Exporting…", "busy")
                self._export(Path(text).expanduser(), marked or None, self.resolved_query, self.sort,
                             self.current_terms)

        title = f"Export {what} to a file (.csv, .jsonl or .md)"
        self.app.push_screen(TextPrompt(title, DEFAULT_EXPORT, "file", check), done)

    @work(thread=True, group="export", exit_on_error=False)
    def _export(self, path: Path, hits: list | None, query: str, sort: str, terms: frozenset) -> None:
        """Write the marked hits (or every hit of the query) with notes and snippets, atomically."""
        engine = self.engine
        try:
            if hits is None:
                hits = engine.search(query, limit=None, sort=sort, snippets=True).hits
            else:
                hits = [replace(hit, snippet=hit.snippet or engine.snippet(hit.id, hit.lang, terms))
                        for hit in hits]
            rows = [(hit, engine.notes(hit.id)) for hit in hits]
            write_atomic(path, render_export(rows, export_format(path)))
        except Exception as exc:  # noqa: BLE001 - one line in the status line
            self.post_message(msg.WorkflowDone("", f"Export failed: {problem_line(exc)}"))
            return
        self.post_message(msg.WorkflowDone(
            f"Exported {len(rows):,} row{'s' if len(rows) != 1 else ''} to {path.resolve()}"))

    # -- story timeline --------------------------------------------------------------------------
    def action_timeline(self) -> None:
        article_id = self.open_id or (self.results.hit.id if self.results.hit else None)
        if self.engine is None or article_id is None:
            self.status.say("Open an article first; its story timeline shows then.", "error")
            return

        def done(chosen: str | None) -> None:
            if chosen:
                self.open_hit(chosen)

        self.app.push_screen(TimelinePanel(self.engine, article_id), done)

    # -- files not indexed -----------------------------------------------------------------------
    def action_skipped_panel(self) -> None:
        if not self.skipped:
            self.status.say("Every file of the corpus was indexed.")
            return
        self.app.push_screen(SkippedPanel(self.skipped))
