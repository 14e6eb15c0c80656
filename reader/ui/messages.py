"""Messages that workers post to the main screen; only the screen's handlers change widgets."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from textual.message import Message

from reader.ui.document import Document, Mark, Span


@dataclass
class EngineOpened(Message):
    """The app opened its engine; `stale` says the index needs an update, `documents` how many it holds,
    `generation` which state of the index the screen shows first."""

    stale: bool
    documents: int
    skipped: list = field(default_factory=list)  # files the last index update could not read
    generation: int | None = None


@dataclass
class EngineFailed(Message):
    """The corpus or its index cannot be used; `problem` is one line for the status line."""

    problem: str


@dataclass
class IndexProgress(Message):
    """A background index update has processed `done` of `total` changed files."""

    done: int
    total: int


@dataclass
class IndexUpdated(Message):
    """A background index update finished; `changes` counts added, changed and removed articles."""

    changes: int
    documents: int
    notices: list[str] = field(default_factory=list)
    skipped: list | None = None  # files the update could not read (engine.Skipped); None: not told


@dataclass
class TranslationsLearned(Message):
    """Idle learning took in the translations of `articles` changed articles: searches may find more."""

    articles: int


@dataclass
class VectorsMade(Message):
    """Idle embedding made the meaning vectors of `made` of `wanted` articles (0: it is starting)."""

    made: int
    wanted: int


@dataclass
class IndexFailed(Message):
    """A background index update could not run; `problem` is one line."""

    problem: str
    busy: bool = False


@dataclass
class SearchDone(Message):
    """Results of search number `generation` (a first page, or every hit); their total is None until counted.

    `resolved` is the query that ran (a saved search's query for `@name`); `histogram` the
    DateHistogram of the listed hits, None when none is dated.
    """

    generation: int
    query: str
    results: Any
    resolved: str = ""
    histogram: Any = None


@dataclass
class SearchCounted(Message):
    """The number of articles search number `generation` matches (its first page came without it)."""

    generation: int
    query: str
    total: int


@dataclass
class SearchFailed(Message):
    """Search number `generation` failed; `problem` is the one-line explanation."""

    generation: int
    problem: str


@dataclass
class SnippetsReady(Message):
    """Snippets for some results of the search with `terms`: article id -> fragments, and the words
    each matched through a translation (`leads`: article id -> `Chogou ← Shoigu`)."""

    terms: frozenset
    snippets: dict[str, list]
    leads: dict[str, str]


@dataclass
class ArticleReady(Message):
    """An article, prepared for the article pane; `matches_complete` is False until every match is found."""

    request: int
    article: Any
    document: Document
    matches_complete: bool
    keep_position: bool = False


@dataclass
class ArticleMatches(Message):
    """Every query match of the article loaded by request `request`."""

    request: int
    matches: list[Span]


@dataclass
class ArticleFailed(Message):
    """The article of request `request` could not be loaded."""

    request: int
    problem: str


@dataclass
class TagsSaved(Message):
    """Sidecars were written: article id -> its tags now, with a summary line for the user."""

    tags: dict[str, list[str]]
    summary: str
    notes: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    undo: list = field(default_factory=list)


@dataclass
class TagCounts(Message):
    """Every tag in the index with its article count."""

    counts: dict[str, int]


@dataclass
class HistoryLoaded(Message):
    """The corpus's query history, oldest first; `problem` says why it is not kept ('' when it is)."""

    entries: list[str]
    problem: str = ""


@dataclass
class WorkflowDone(Message):
    """A workflow job (saving a search, an export, a history write) finished: one line for the status."""

    summary: str
    problem: str = ""


@dataclass
class PanelData(Message):
    """Data a dialog's worker loaded for it (facet counts, saved searches, a timeline), or its problem."""

    data: Any
    problem: str = ""


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
