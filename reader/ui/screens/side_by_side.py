"""The side-by-side screen (SPEC §6): an article and a related one, paragraphs aligned row by row.

The article it was opened for stays put; the other pane steps through its related articles. Loading,
alignment and word differences run in a thread worker; only the message handlers change widgets.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.message import Message
from textual.screen import Screen

from reader.core.related.pairing import Cancelled, Pairing, entities_in_pieces, pair_texts, with_differences
from reader.core.related.store import Relation, translation_note
from reader.core.text import one_line, safe_text
from reader.ui.actions import SIDE, bindings_for
from reader.ui.jobs import problem_line
from reader.ui.widgets.aligned import LEFT, RIGHT, AlignedView, PaneHeaders
from reader.ui.widgets.status import StatusLine

CANDIDATES = 20  # related articles to step through


class LoadFailed(Exception):
    """An article of the pair could not be loaded; str() names it and says why."""


def _entities(engine, article, cancel: threading.Event) -> list:
    """The names in a (terminal-safe) article, found a few lines at a time."""
    return entities_in_pieces(article.text, lambda piece: engine.entities(replace(article, title=piece, body="")),
                              cancel)


def displayable(article):
    """A copy of the article whose title and body are terminal-safe, tabs as spaces (offsets kept)."""
    return replace(article, title=safe_text(one_line(article.title)) or "(untitled)",
                   body=safe_text(article.body).replace("\t", " "))


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


class SideBySideScreen(Screen, inherit_bindings=False):
    """Two articles side by side; dismissed with the id of the article to open alone, or None."""

    BINDINGS = bindings_for(SIDE)
    DEFAULT_CSS = """
    SideBySideScreen { layout: vertical; }
    SideBySideScreen #side-aligned { height: 1fr; }
    SideBySideScreen #side-status { height: 1; background: $panel; padding: 0 1; }
    """

    @dataclass
    class CandidatesFound(Message):
        """The related articles of the anchor article."""

        request: int
        candidates: list[Relation]

    @dataclass
    class Paired(Message):
        """Both articles are loaded and aligned (differences marked when asked)."""

        request: int
        pairing: Pairing
        anchor: Any
        other: Any

    @dataclass
    class Failed(Message):
        """Preparing the view failed; `problem` is one line."""

        request: int
        problem: str

    def __init__(self, engine, lock: threading.Lock, anchor_id: str, candidates: list[Relation] | None = None,
                 index: int = 0) -> None:
        super().__init__()
        self.engine, self.lock = engine, lock
        self.anchor_id = anchor_id
        self.candidates = candidates
        self.index = index
        self.swapped = False
        self.compare: bool | None = None  # None: on for two articles in the same language
        self.pairing: Pairing | None = None
        self.articles: tuple[Any, Any] | None = None  # (anchor, candidate)
        self.request = 0
        self._cancel = threading.Event()

    def compose(self) -> ComposeResult:
        yield PaneHeaders(id="side-headers")
        yield AlignedView(id="side-aligned")
        yield StatusLine(id="side-status")

    @property
    def aligned(self) -> AlignedView:
        return self.query_one(AlignedView)

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    def on_mount(self) -> None:
        self.aligned.focus()
        self._prepare()

    def on_unmount(self) -> None:
        self._cancel.set()

    # -- preparing -------------------------------------------------------------------------------
    @property
    def candidate(self) -> Relation | None:
        if self.candidates and 0 <= self.index < len(self.candidates):
            return self.candidates[self.index]
        return None

    @property
    def comparing(self) -> bool:
        if self.compare is not None:
            return self.compare
        return self.articles is not None and self.articles[0].lang == self.articles[1].lang

    def _new_request(self) -> tuple[int, threading.Event]:
        self._cancel.set()
        self._cancel = threading.Event()
        self.request += 1
        return self.request, self._cancel

    def _prepare(self) -> None:
        request, cancel = self._new_request()
        self.aligned.clear("Aligning…")
        self.status.say("Aligning…" if self.candidates is not None else "Finding related articles…", "busy")
        other = self.candidate.id if self.candidate else None
        self._prepare_in_thread(request, cancel, other, self.compare)

    @work(thread=True, exclusive=True, group="side-by-side", exit_on_error=False)
    def _prepare_in_thread(self, request: int, cancel: threading.Event, other_id: str | None,
                           compare: bool | None) -> None:
        """Find the candidates when needed, load both articles, align them, mark what they share."""
        try:
            if other_id is None:
                with self.lock:
                    candidates = self.engine.related(self.anchor_id, limit=CANDIDATES)
                self.post_message(self.CandidatesFound(request, candidates))
                if not candidates:
                    return
                other_id = candidates[0].id
            anchor, other = self._load(self.anchor_id), self._load(other_id)
            pairing = pair_texts(anchor.text, _entities(self.engine, anchor, cancel), other.text,
                                 _entities(self.engine, other, cancel), cancel)
            if compare or (compare is None and anchor.lang == other.lang):
                pairing = with_differences(pairing, cancel)
        except Cancelled:
            return
        except LoadFailed as exc:
            self.post_message(self.Failed(request, str(exc)))
            return
        except Exception as exc:  # noqa: BLE001 - shown in the status line
            self.post_message(self.Failed(request, problem_line(exc)))
            return
        self.post_message(self.Paired(request, pairing, anchor, other))

    def _load(self, article_id: str):
        """An article made displayable; a failure names the article (in a worker thread)."""
        try:
            with self.lock:
                return displayable(self.engine.article(article_id))
        except Exception as exc:  # noqa: BLE001 - reworded with the id and shown in the status line
            raise LoadFailed(f"{article_id}: {problem_line(exc)}") from exc

    @work(thread=True, exclusive=True, group="side-by-side", exit_on_error=False)
    def _differences_in_thread(self, request: int, cancel: threading.Event, pairing: Pairing,
                               anchor, other) -> None:
        """Mark the words that differ in a pairing that has none marked yet."""
        try:
            marked = with_differences(pairing, cancel)
        except Cancelled:
            return
        except Exception as exc:  # noqa: BLE001
            self.post_message(self.Failed(request, problem_line(exc)))
            return
        self.post_message(self.Paired(request, marked, anchor, other))

    def on_side_by_side_screen_candidates_found(self, message: CandidatesFound) -> None:
        if message.request != self.request:
            return
        self.candidates, self.index = message.candidates, 0
        if not message.candidates:
            self.aligned.clear("No related articles.")
            self.status.say(f"No related articles for {safe_text(self.anchor_id)}.", "error")
        else:
            self.status.say("Aligning…", "busy")

    def on_side_by_side_screen_paired(self, message: Paired) -> None:
        if message.request != self.request:
            return
        keep = self.articles is not None and self.articles[1].id == message.other.id
        self.pairing, self.articles = message.pairing, (message.anchor, message.other)
        self._show(keep_position=keep)

    def on_side_by_side_screen_failed(self, message: Failed) -> None:
        if message.request == self.request:
            self.aligned.clear("Nothing to show.")
            self.status.say(message.problem, "error")

    # -- showing ---------------------------------------------------------------------------------
    def _show(self, keep_position: bool) -> None:
        if self.pairing is None or self.articles is None:
            return
        pairing = self.pairing.swapped() if self.swapped else self.pairing
        left, right = reversed(self.articles) if self.swapped else self.articles
        self.aligned.set_differences(self.comparing)
        self.aligned.show(pairing, keep_position)
        self.query_one(PaneHeaders).set_articles(left, right, self.aligned.active, self.aligned.single)
        self._say()
        if self.comparing and self.pairing.left.differences is None:
            request, cancel = self._new_request()
            self.status.say("Marking the words that differ…", "busy")
            self._differences_in_thread(request, cancel, self.pairing, *self.articles)

    def _say(self) -> None:
        relation, pairing = self.candidate, self.pairing
        if relation is None or pairing is None:
            return
        parts = [f"{safe_text(relation.lang).upper()} {relation.score:.3f}"]
        if relation.same_story:
            parts.append("same story")
        parts += [safe_text(reason) for reason in relation.reasons[:1]]
        note = translation_note(self.candidates or [], self.articles[0].lang) if self.articles else ""
        if note:
            parts.insert(0, safe_text(one_line(note[0].upper() + note[1:])))
        self.status.say(" · ".join(parts))
        facts = [f"{self.index + 1}/{len(self.candidates)}",
                 f"shared {_count(pairing.shared_entities, 'name')}, {_count(pairing.shared_numbers, 'number')}",
                 _count(pairing.gaps, "gap")]
        if self.comparing:
            facts.append("compare")
        self.status.facts = " · ".join(facts)

    def on_resize(self) -> None:
        if self.articles is not None:
            self.call_after_refresh(self._refresh_headers)

    def _refresh_headers(self) -> None:
        if self.articles is not None:
            left, right = reversed(self.articles) if self.swapped else self.articles
            self.query_one(PaneHeaders).set_articles(left, right, self.aligned.active, self.aligned.single)

    # -- actions ---------------------------------------------------------------------------------
    def _step(self, step: int) -> None:
        if not self.candidates:
            self.status.say("No related articles to step through.")
            return
        target = self.index + step
        if not 0 <= target < len(self.candidates):
            self.status.say("This is the last candidate." if step > 0 else "This is the first candidate.")
            return
        self.index, self.compare = target, None
        self._prepare()

    def action_next_candidate(self) -> None:
        self._step(1)

    def action_prev_candidate(self) -> None:
        self._step(-1)

    def action_swap_panes(self) -> None:
        self.swapped = not self.swapped
        self._show(keep_position=True)

    def action_compare(self) -> None:
        if self.articles is None:
            return
        self.compare = not self.comparing
        self._show(keep_position=True)
        if self.compare and self.articles[0].lang != self.articles[1].lang:
            self.status.say("Comparing words across languages: expect most of them to differ.")

    def _side_id(self, side: str) -> str | None:
        if self.articles is None:
            return None
        left, right = reversed(self.articles) if self.swapped else self.articles
        return (left if side == LEFT else right).id

    def action_open_left(self) -> None:
        self.dismiss(self._side_id(LEFT) or self.anchor_id)

    def action_open_right(self) -> None:
        article_id = self._side_id(RIGHT)
        if article_id is None:
            self.status.say("Nothing in the right pane yet.")
            return
        self.dismiss(article_id)

    def action_back(self) -> None:
        self.dismiss(None)

    def action_focus_next(self) -> None:
        self.aligned.set_active(RIGHT if self.aligned.active == LEFT else LEFT)
        self._refresh_headers()

    def action_focus_previous(self) -> None:
        self.action_focus_next()

    def action_move_down(self) -> None:
        self.aligned.scroll_lines(1)

    def action_move_up(self) -> None:
        self.aligned.scroll_lines(-1)

    def action_page_down(self) -> None:
        self.aligned.scroll_pages(1)

    def action_page_up(self) -> None:
        self.aligned.scroll_pages(-1)

    def action_first(self) -> None:
        self.aligned.scroll_to(y=0, animate=False)

    def action_last(self) -> None:
        self.aligned.jump_to_end()
