"""Slow work for the main screen, in thread workers that call the core and post messages back.

Workers never touch widgets. The engine is the App's, shared; searches are serialised by its lock so a
burst of keystrokes runs only the newest query.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from textual import work
from textual.worker import get_current_worker

from reader.core.errors import ReaderError, environment_failure
from reader.core.translation.expansion import matched_line
from reader.ui import messages as msg
from reader.ui.document import build_document, find_matches
from reader.ui.tagging import TagEdit, apply_edits

FIRST_PAGE = 60  # hits listed at once: more than a screenful; the rest follow when typing pauses
MAX_HITS = 10_000
PARTIAL_MATCH_CHARS = 60_000  # matches found before the first screen of a long article
PROGRESS_EVERY = 0.1
FULL_LIST_DELAY = 1.0  # seconds without a newer search before every hit is fetched


def start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker with the real stderr before the engine's process pool needs it.

    Textual replaces sys.stderr with an object whose file number is -1; the tracker would pass that
    to its child process and fail ("bad value(s) in fds_to_keep").
    """
    import sys

    if sys.__stderr__ is None:
        return
    from multiprocessing import resource_tracker

    saved, sys.stderr = sys.stderr, sys.__stderr__
    try:
        resource_tracker.ensure_running()
    except Exception:  # noqa: BLE001 - the engine then reports its own error
        pass
    finally:
        sys.stderr = saved


def problem_line(exc: BaseException) -> str:
    """One line for the status line about an exception (a ReaderError says it best itself)."""
    failure = environment_failure(exc)
    if failure is not None:
        return str(failure)
    if isinstance(exc, ReaderError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def resolved_query(query: str, corpus: Path) -> str:
    """The query to run for the text typed: `*` for nothing, a saved search's query for `@name`."""
    from reader.core.userdata.saved import resolve_saved, saved_searches_path

    saved = resolve_saved(query, saved_searches_path(corpus))
    return saved[1] if saved else query.strip() or "*"


def _histogram(results):
    from reader.core.results.date_histogram import date_histogram

    return date_histogram(hit.date for hit in results.hits)


class EngineJobs:
    """Worker methods of the main screen; each posts `reader.ui.messages` to it. They use the screen's public
    `engine`, `engine_lock` (the App's), `corpus` and `current_terms`/`current_via`; their locks are their own."""

    corpus: Path
    current_terms: frozenset
    current_via: dict

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._update_lock = threading.Lock()
        self._tag_lock = threading.Lock()
        self._maintain_lock = threading.Lock()
        self._cancel = threading.Event()  # set when the screen goes: index work stops
        self._seen_generation: int | None = None  # the index generation the screen last showed
        self._vectors_seen: int | None = None  # the index generation whose articles all have meaning vectors
        self._newer_search = threading.Event()  # set when a search newer than the running one starts

    def stop_jobs(self) -> None:
        """Stop index work, and a search waiting to list every hit (so quitting does not wait a second)."""
        self._cancel.set()
        self._newer_search.set()

    def _update(self, wait_if_busy: bool, quick: bool = False) -> int | None:
        """Update the index and tell the screen; the articles it added, changed or removed, None when it did
        not run (another update was under way)."""
        engine = self.engine
        if engine is None or not self._update_lock.acquire(blocking=False):
            return None
        last = [0.0]

        def progress(done: int, total: int) -> None:
            now = time.monotonic()
            if now - last[0] >= PROGRESS_EVERY or done == total:
                last[0] = now
                self.post_message(msg.IndexProgress(done, total))

        try:
            from reader.core.engine import IndexBusy
            from reader.ui.screens.orphans import renames_notices

            start_resource_tracker()
            try:
                report = engine.update(wait=False, progress=progress, cancel=self._cancel, quick=quick)
            except IndexBusy as exc:
                if not wait_if_busy:  # a poll: the next one tries again
                    return None
                self.post_message(msg.IndexFailed(str(exc), busy=True))
                report = engine.update(wait=True, progress=progress, cancel=self._cancel, quick=quick)
            notices = list(engine.messages)
            engine.messages.clear()
            notices += renames_notices(report, getattr(self.app, "keymap_keys", {}).get("orphans", ""))
            changes = report.added + report.changed + report.removed
            self.post_message(msg.IndexUpdated(changes, engine.doc_count(), notices, report.skipped))
            return changes
        except Exception as exc:  # noqa: BLE001
            self.post_message(msg.IndexFailed(problem_line(exc)))
            return 0
        finally:
            self._update_lock.release()

    @work(thread=True, exclusive=True, group="index", exit_on_error=False)
    def update_index(self) -> None:
        """Bring a stale index up to date in the background, posting progress."""
        self._update(wait_if_busy=True)
        if self._seen_generation is None and self.engine is not None:  # what the screen shows first: a later
            self._seen_generation = self.engine.index_generation()  # commit (another's tag) is shown again

    @work(thread=True, exclusive=True, group="poll", exit_on_error=False)
    def poll_changes(self) -> None:
        """Pick up files and sidecars changed by someone else (cheap check, then an update)."""
        engine = self.engine
        if engine is None or self._update_lock.locked() or self._tag_lock.locked():
            return
        try:
            generation = engine.index_generation()
            if self._seen_generation is None:  # the first poll: what the screen shows
                self._seen_generation = generation
            if engine.is_stale():  # the folders that changed: a pull or a file saved beside the others
                changes = self._update(wait_if_busy=False, quick=True)
                if changes is None:  # another process holds the index: the next poll looks again
                    return
                if changes:  # shown already
                    self._seen_generation = engine.index_generation()
                    return
                generation = engine.index_generation()
        except Exception:  # noqa: BLE001 - the next poll tries again
            return
        # Another process re-indexed (a tag, a note; or, just before this poll's update, what it found
        # changed): its articles are shown again however the poll found the folders.
        seen, self._seen_generation = self._seen_generation, generation
        if generation != seen:
            self.post_message(msg.IndexUpdated(1, engine.doc_count(), []))

    @work(thread=True, group="maintain", exit_on_error=False)
    def maintain_index(self) -> None:
        """When idle, merge index segments as the policy wants (docs/index-segments.md), learn translations
        from the articles updates brought, and (with the semantic extra) embed the articles without meaning
        vectors, each in a low-priority process (a merge holds the index lock only for a moment); stopped
        when the screen goes."""
        engine = self.engine
        if engine is None or self._update_lock.locked() or not self._maintain_lock.acquire(blocking=False):
            return
        try:
            if engine.merge_wanted():
                start_resource_tracker()
                if engine.maintain_apart(self._cancel):
                    self._seen_generation = engine.index_generation()  # our own merge: nothing to refresh
            pending = engine.learning_pending()
            if pending and not self._cancel.is_set():
                start_resource_tracker()
                if engine.learn_apart(self._cancel) and not engine.learning_pending():
                    self.post_message(msg.TranslationsLearned(pending))
            generation = engine.index_generation()
            if generation != self._vectors_seen and not self._cancel.is_set():
                self._vectors_seen = None if self._make_vectors(engine) else generation
        except Exception:  # noqa: BLE001 - the next idle moment tries again; searches are unaffected
            pass
        finally:
            self._maintain_lock.release()

    def _make_vectors(self, engine) -> int:
        """Embed the articles without meaning vectors apart, telling the screen when it starts and ends
        (searches use the vectors saved meanwhile); how many are still without."""
        wanted = engine.vectors_wanted()
        if not wanted:
            return 0
        self.post_message(msg.VectorsMade(0, wanted))
        start_resource_tracker()
        engine.vectors_apart(self._cancel)
        left = engine.vectors_wanted()
        self.post_message(msg.VectorsMade(wanted - left, wanted))
        return left

    def start_search(self, generation: int, query: str, sort: str = "relevance", stories: bool = False) -> None:
        """Search in a worker (`run_search`); the previous search stops waiting to list every hit, so its
        thread is free at once (waiting threads would hold up the workers that come after them)."""
        self._newer_search.set()
        self._newer_search = threading.Event()
        self.run_search(generation, query, sort, stories, self._newer_search)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def run_search(self, generation: int, query: str, sort: str, stories: bool, newer: threading.Event) -> None:
        """Search: a quick first page at once, then the count, then every hit (up to MAX_HITS) once typing pauses.

        `@name` runs the saved search of that name; `sort` is relevance or date (newest first); `newer`
        is set when a newer search starts (or the screen goes): the work left is then dropped.
        """
        try:
            text = resolved_query(query, self.corpus)
            with self.engine_lock:
                if newer.is_set() or self.engine is None:
                    return
                results = self.engine.search(text, limit=FIRST_PAGE, snippets=False, sort=sort,
                                             count=False)
                if stories:
                    results.hits = self.engine.with_stories(results.hits)
                told = self._tell_engine_messages()
            total = results.total
            self.post_message(msg.SearchDone(generation, query, results, text, _histogram(results)))
            if total is not None and total <= sum(not hit.story_of for hit in results.hits):
                return
            if total is None:
                with self.engine_lock:  # the count follows the first page
                    if newer.is_set():
                        return
                    total = self.engine.count(text)
                self.post_message(msg.SearchCounted(generation, query, total))
            if newer.wait(FULL_LIST_DELAY):  # a newer keystroke meanwhile
                return
            with self.engine_lock:
                if newer.is_set():
                    return
                results = self.engine.search(text, limit=MAX_HITS, snippets=False, sort=sort, count=False)
                if stories:
                    results.hits = self.engine.with_stories(results.hits)
                # the same query's notes were told with its first page: left for the next query, they would
                # be told with it
                self.engine.messages[:] = [note for note in self.engine.messages if note not in told]
            results.total = total  # counted already
            if not newer.is_set():
                self.post_message(msg.SearchDone(generation, query, results, text, _histogram(results)))
        except Exception as exc:  # noqa: BLE001 - QueryError and damaged indexes alike
            self.post_message(msg.SearchFailed(generation, problem_line(exc)))

    def _tell_engine_messages(self) -> list[str]:
        """Pass on what the engine noticed while searching (a damaged index it rebuilt, a query word left
        out) with the new size; what was told."""
        notices: list[str] = []
        if self.engine is not None and self.engine.messages:
            notices = list(self.engine.messages)
            self.engine.messages.clear()
            self.post_message(msg.IndexUpdated(0, self.engine.doc_count(), notices))
        return notices

    @work(thread=True, group="snippets", exit_on_error=False)
    def load_snippets(self, terms: frozenset, wanted: list) -> None:
        """Cut snippets for the rows (hits) on screen, led by the words matched through translations."""
        snippets, leads = {}, {}
        for hit in wanted:
            if self.engine is None or self.current_terms != terms:
                return
            try:
                snippets[hit.id], matched = self.engine.excerpt(hit.id, hit.lang, terms, hit.title, self.current_via)
                if matched:
                    leads[hit.id] = matched_line(matched)
            except Exception:  # noqa: BLE001 - a row without snippet is fine
                snippets[hit.id] = []
        self.post_message(msg.SnippetsReady(terms, snippets, leads))

    @work(thread=True, exclusive=True, group="article", exit_on_error=False)
    def load_article(self, request: int, article_id: str, terms: frozenset, keep_position: bool) -> None:
        """Load and prepare an article; matches of a long one follow the first screen."""
        worker = get_current_worker()
        self.app.engine_warm.wait(timeout=10)  # loading the model twice at once would only be slower
        try:
            article = self.engine.article(article_id)
            document = build_document(article)
            complete = len(document.text) - document.body_start <= PARTIAL_MATCH_CHARS
            document.matches = find_matches(document, terms, article.lang,
                                            None if complete else PARTIAL_MATCH_CHARS)
        except Exception as exc:  # noqa: BLE001
            self.post_message(msg.ArticleFailed(request, problem_line(exc)))
            return
        self.post_message(msg.ArticleReady(request, article, document, complete, keep_position))
        if not complete and not worker.is_cancelled:
            self.post_message(msg.ArticleMatches(request, find_matches(document, terms, article.lang)))

    @work(thread=True, group="tags", exit_on_error=False)
    def save_edits(self, edits: list[TagEdit], label: str) -> None:
        """Write tag and notes edits to the sidecars, then re-index those articles and recount tags."""
        with self._tag_lock:
            outcome = apply_edits(self.engine.corpus, edits)
            summary = label if outcome.tags else ""
            self.post_message(msg.TagsSaved(outcome.tags, summary, outcome.notes, outcome.problems,
                                            outcome.undo))
            if outcome.tags:
                try:
                    with self.engine_lock:
                        # Re-indexing through an index that has a searcher open leaves duplicates
                        # behind (engine issue); closing it first avoids that.
                        self.engine.close()
                        self.engine.reindex(list(outcome.tags))
                        counts = self.engine.tag_counts()
                    self.post_message(msg.TagCounts(counts))
                except Exception as exc:  # noqa: BLE001
                    self.post_message(msg.IndexFailed(problem_line(exc)))

    @work(thread=True, exclusive=True, group="tag-counts", exit_on_error=False)
    def load_tag_counts(self) -> None:
        """Count every tag (for completion and the tag panel)."""
        try:
            with self.engine_lock:
                counts = self.engine.tag_counts()
            self.post_message(msg.TagCounts(counts))
        except Exception:  # noqa: BLE001 - completion works without counts
            pass
