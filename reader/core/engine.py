"""The engine: keeps the index in step with the corpus folder and answers searches.

Front ends (CLI, TUI) talk to this module only; it owns the index folder, its lock and manifest.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import struct
import threading
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, TypeVar

from reader.core.corpus import folder_digests
from reader.core.corpus.articles import (
    GAZETTEER_FILE,
    Article,
    ArticleSkipped,
    CorpusError,
    FileEntry,
    ParsedFile,
    Scope,
    file_fingerprint,
    is_article_name,
    is_container_name,
    load_article,
    parse_file,
    scan_corpus,
    split_member,
    within,
)
from reader.core.errors import ReaderError
from reader.core.indexing import manifest as manifest_store
from reader.core.indexing.apart import run_apart
from reader.core.indexing.lock import IndexBusy, IndexLock
from reader.core.query import QueryError
from reader.core.related.store import FORMAT_VERSION as RELATED_FORMAT
from reader.core.related.store import RelatedIndex, Relation
from reader.core.results.snippets import Fragment, make_snippet
from reader.core.search.index import (
    MEANING_FIELD,
    SCHEMA_VERSION,
    IndexDamaged,
    IndexDoc,
    SearchIndex,
    StoredHit,
    match_spans,
    translated_matches,
)
from reader.core.semantic import VECTORS_FILE
from reader.core.translation import learning_queue
from reader.core.translation.expansion import Expander, Matched
from reader.core.userdata import data_overlay
from reader.core.userdata.batch import FIRST_SEEN_FILE, note_first_seen, now_utc, update_first_seen
from reader.core.userdata.files import (
    INDEX_RECORD_BYTES,
    LockHeld,
    cache_folder,
    corpus_digest,
    file_lock,
    read_json_object,
    write_atomic,
)

if TYPE_CHECKING:  # the search path does not load the entity, loader and merge modules
    from reader.core.entities.gazetteer import Gazetteer
    from reader.core.entities.spans import Span
    from reader.core.indexing.loading import Loaded
    from reader.core.indexing.segment_merge import MaintenanceReport
    from reader.core.indexing.segment_policy import MergeEstimate, SegmentInfo

META_FILE = "reader-meta.json"
SKIPPED_FILE = "reader-skipped.json"  # the files the last update could not read, with the reasons
PARALLEL_THRESHOLD = 400  # below this many files to load, a process pool costs more than it saves
JSON_SUFFIXES = (".json", ".jsonl", ".ndjson")  # dumps whose fields FIELDS_FILE names
SNIPPET_SCAN_CHARS = 20_000  # snippets come from the beginning of very long articles
SPELLINGS_KEPT = 256  # articles whose own spelling of names the engine keeps (related-article reasons)
STORY_HITS = 100  # `with_stories` adds the stories of this many hits at most
VECTORS_LOCK = "semantic-vectors"  # held by the one process making them
DATA_DIGEST = "data:"  # before a corpus folder's name: the digest of its folder in the data folder
QUICK_FOLDERS_SHARE = 0.25  # a quick update walks the changed folders alone when they are at most this share
LEARN_AT_ONCE = 50  # an update leaving at most this many articles to learn from learns at once (about 1 s)

Progress = Callable[[int, int], None]
_Read = TypeVar("_Read")


# What reading damaged segment files raises inside Whoosh (a cut file, garbage where a type code was)
_DAMAGE = (OSError, EOFError, ValueError, KeyError, IndexError, OverflowError, struct.error, zlib.error,
           pickle.UnpicklingError)
_DECODING = (OSError, EOFError, struct.error, zlib.error, pickle.UnpicklingError)  # only files raise these
# the code that reads the index's files: Whoosh, and reader's own readers of the files it adds
_FILE_READERS = ("reader.core.search.codec", "reader.core.search.posting_arrays", "reader.core.search.language_codes")


def _from_files(error: BaseException) -> bool:
    """Whether a `_DAMAGE` error came from reading the index's files rather than from a fault of reader's
    own code (an IndexError of its ranking), which rebuilding the index would not mend."""
    if isinstance(error, _DECODING):
        return True
    frame = error.__traceback__
    while frame is not None:
        module = frame.tb_frame.f_globals.get("__name__", "")
        if module.partition(".")[0] == "whoosh" or module in _FILE_READERS:
            return True
        frame = frame.tb_next
    return False


class _Cancelled(Exception):
    """The user cancelled an update while its articles were being loaded."""



class ArticleNotFound(ReaderError, LookupError):
    """No article, or more than one, has the given id prefix; str() says which."""


class Skipped(str):
    """A file (or member of one) the update could not index: str() is `name: reason`."""

    name: str
    reason: str

    def __new__(cls, name: str, reason: str) -> "Skipped":
        line = super().__new__(cls, f"{name}: {reason}")
        line.name, line.reason = name, reason
        return line


@dataclass
class UpdateReport:
    """What one index update did."""

    added: int = 0
    changed: int = 0
    removed: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    rebuilt: str = ""  # why the index was rebuilt from scratch, '' if it was not
    total: int = 0
    cancelled: bool = False
    moved: list[tuple[str, str]] = field(default_factory=list)  # sidecars that followed their article
    orphans: list[str] = field(default_factory=list)  # ids of gone articles whose sidecar is still there
    ambiguous: list[str] = field(default_factory=list)  # renames not guessed, one line each


@dataclass
class LearningReport:
    """What one run of learning translations did."""

    articles: int = 0  # changed or removed articles taken in
    seconds: float = 0.0
    busy: bool = False  # another process was learning: nothing done here


@dataclass
class VectorsReport:
    """What one run of making semantic vectors did."""

    articles: int = 0  # articles embedded
    seconds: float = 0.0
    busy: bool = False  # another process was making them: nothing done here
    finished: bool = True  # every article wanted has its vector (not stopped half-way)


@dataclass
class Hit:
    """A search hit with its snippet."""

    id: str
    path: Path
    title: str
    lang: str
    date: str
    tags: list[str]
    score: float
    snippet: list[Fragment]
    story_of: str = ""  # added by `with_stories`: the hit whose story this article tells too
    story_kind: str = ""  # translation (another language) or rewrite (the same language)
    controls: tuple[dict, ...] = ()  # the query's controlled terms (`TermControls.record`)
    matched: list[Matched] = field(default_factory=list)  # words found through a translation


@dataclass
class SearchResults:
    total: int | None  # None: not counted yet (see Engine.search)
    hits: list[Hit]
    terms: frozenset = frozenset()
    controls: tuple[dict, ...] = ()  # what the query's exact controls did, one record a term
    via: dict = field(default_factory=dict)  # translated (field, term) -> (query word, source)


def default_index_dir(corpus: Path) -> Path:
    """`<corpus>/.reader/index`, or a folder in the user's cache when the corpus is not writable."""
    inside = Path(corpus) / ".reader" / "index"
    if os.access(corpus, os.W_OK) or (inside.exists() and os.access(inside, os.W_OK)):
        return inside
    return cache_folder() / "indexes" / corpus_digest(corpus)


def _version(path: Path) -> list[int]:
    """What tells a user file's versions apart: [mtime in ns, size], [0, 0] when there is none."""
    try:
        st = os.stat(path)
        return [st.st_mtime_ns, st.st_size]
    except OSError:
        return [0, 0]


def _read_json(path: Path) -> dict:
    return read_json_object(path, INDEX_RECORD_BYTES)


def _within_folders(folder: str, folders: Iterable[str]) -> bool:
    """Whether a relative folder is one of `folders` (not the corpus itself) or inside one of them."""
    return any(folder == parent or folder.startswith(f"{parent}/") for parent in folders)


def _outside(by_folder: dict[str, int], gone: tuple[str, ...]) -> dict[str, int]:
    """The entries of folders neither gone nor inside a gone folder."""
    return {rel: value for rel, value in by_folder.items() if not _within_folders(rel, gone)}


def _scope(known: dict[str, int], changed: list[str], gone: list[str]) -> tuple[Scope | None, tuple[str, ...]]:
    """The part of the corpus an update walks again (the `changed` folders), and the folders `gone`;
    (None, ()) when too many of the `known` ones changed to gain from it."""
    if len(changed) + len(gone) > QUICK_FOLDERS_SHARE * len(known):
        return None, ()
    return Scope(tuple(changed), frozenset(known)), tuple(gone)


def _mtime_or_zero(path: Path) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return 0


def _write_json(path: Path, data: dict) -> None:
    write_atomic(path, json.dumps(data, separators=(",", ":")))  # dumps: the C encoder, not dump's Python one


class Engine:
    """A corpus folder and its search index."""

    def __init__(self, corpus: Path, index_dir: Path | None = None, data: Path | None = None) -> None:
        """`data`: the folder for the analyst's files of the corpus (default: see data_overlay)."""
        self.corpus = Path(corpus)
        if not self.corpus.is_dir():
            raise CorpusError(f"corpus folder not found: {self.corpus}")
        self.data = data_overlay.choose_data_folder(self.corpus, data)
        if self.data is not None and self.data.exists() and not self.data.is_dir():
            raise CorpusError(f"the data folder is not a folder: {self.data}")
        data_overlay.register(self.corpus, self.data)
        self.index_dir = Path(index_dir) if index_dir else default_index_dir(self.corpus)
        if self.index_dir.exists() and not self.index_dir.is_dir():
            raise CorpusError(f"the index folder is not a folder: {self.index_dir}")
        self._index: SearchIndex | None = None
        self._related: RelatedIndex | None = None
        self._lock = threading.RLock()
        self.messages: list[str] = []  # things the user should be told (index rebuilt, …)
        self._spelled: dict[tuple, dict[str, str]] = {}  # see _spellings
        self._translations: tuple[object, dict] = (None, {})  # a lexicon and what it gave (see _translated)
        self.as_typed = False  # the default of searches: words only as typed, not also their translations
        self._meaning_search = None  # semantic.nearest.MeaningSearch, when the semantic extra is installed
        notice = self.data and data_overlay.first_notice(self.corpus, self.data)
        if notice:
            self.messages.append(notice)

    @property
    def tags_location(self) -> str:
        """Where tags and notes are written, for the status line and help."""
        return data_overlay.where_tags_live(self.corpus)

    @property
    def gazetteer_path(self) -> Path:
        """Where the corpus gazetteer is written (in the data folder when the corpus has one)."""
        return self.analyst_file(GAZETTEER_FILE)

    def analyst_file(self, name: str) -> Path:
        """Where the corpus's file `name` (lexicon.yaml …) is written: in the data folder when it has one."""
        return data_overlay.corpus_file(self.corpus, name)

    @property
    def _gazetteer_source(self) -> Path:
        """The gazetteer read: the data folder's once it has one, else the corpus's."""
        return data_overlay.readable_file(self.corpus, GAZETTEER_FILE)

    def add_gazetteer_name(self, name: str, kind: str, owner: str | None = None) -> str:
        """Add a name to the corpus gazetteer (see gazetteer.add_name), as another name of `owner` when
        given; the entity id it belongs to."""
        from reader.core.entities.gazetteer import add_name

        return add_name(self.gazetteer_path, name, kind, owner, base=self.corpus / GAZETTEER_FILE)

    def _gazetteer_version(self) -> list[int]:
        return _version(self._gazetteer_source)

    def _fields_version(self) -> list[int]:
        from reader.core.corpus.containers import FIELDS_FILE

        return _version(self.corpus / FIELDS_FILE)

    def gazetteer(self) -> Gazetteer | None:
        """The corpus gazetteer, or None when there is none or it does not parse (see gazetteer_error)."""
        from reader.core.entities.gazetteer import load_gazetteer

        return load_gazetteer(self._gazetteer_source)[0]

    def gazetteer_error(self) -> str:
        from reader.core.entities.gazetteer import load_gazetteer

        return load_gazetteer(self._gazetteer_source)[1]

    def entities(self, article: Article) -> list[Span]:
        """Entities in the article's text (title, blank line, body), gazetteer and automatic."""
        from reader.core.entities.recognise import recognise

        return recognise(article.text, article.lang, self.gazetteer())

    def _resolve_entity(self, name: str) -> list[str]:
        """Index terms an `entity:` query value stands for: the gazetteer id, the normalised name and a
        country's one id (`entity:US` finds `America` and `États-Unis`)."""
        from reader.core.entities.gazetteer import load_gazetteer
        from reader.core.entities.spans import normalise_name
        from reader.core.entities.world_names import place_key

        values = [normalise_name(name), place_key(name) or ""]
        gazetteer, problem = load_gazetteer(self._gazetteer_source)
        told = f"{problem}: entity: queries match the names as written"
        if problem and told not in self.messages:
            self.messages.append(told)
        entity_id = gazetteer.resolve(name) if gazetteer else None
        if entity_id:
            values.insert(0, entity_id.lower())
        return [v for v in dict.fromkeys(values) if v]

    # -- index state -------------------------------------------------------------------------
    def _meta(self) -> dict:
        return _read_json(self.index_dir / META_FILE)

    def _index_or_none(self) -> SearchIndex | None:
        """The open index, or None when there is none usable (missing, old schema, damaged)."""
        with self._lock:
            if self._index is None and SearchIndex.exists(self.index_dir):
                if self._meta().get("schema") == SCHEMA_VERSION:
                    try:
                        self._index = SearchIndex.open(self.index_dir)
                    except IndexDamaged:
                        self._index = None
            return self._index

    def is_stale(self) -> bool:
        """Quick check: True when the index is missing or a corpus folder changed since the last update.

        Files added, removed or replaced (editors, git, rsync and sidecar writes all replace) change
        their folder's mtime; `update()` also catches files edited in place.
        """
        meta = self._meta()
        if meta.get("schema") != SCHEMA_VERSION or not SearchIndex.exists(self.index_dir) \
                or not self._read_alike(meta):
            return True
        return any(self._folder_changes(meta))

    def _read_alike(self, meta: dict) -> bool:
        """Whether articles would be read as the last update read them: the same gazetteer, JSON fields,
        relatedness format and data folder."""
        return meta.get("gazetteer", [0, 0]) == self._gazetteer_version() and meta.get("related") == RELATED_FORMAT \
            and meta.get("fields", [0, 0]) == self._fields_version() \
            and meta.get("data") == (str(self.data) if self.data else None)

    def _folder_changes(self, meta: dict) -> tuple[list[str], list[str]]:
        """The folders the last update recorded whose listing, or whose copy in the data folder, changed
        since; and those gone."""
        changed, gone = [], []
        folders = meta.get("folders") or {}
        try:  # looked up from the corpus folder: a million articles' 9,000 folders are stat-ed per search
            root = os.open(self.corpus, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            return changed, list(folders)
        try:
            for rel, mtime in folders.items():
                try:
                    if os.stat(rel, dir_fd=root).st_mtime_ns != mtime:
                        changed.append(rel)
                except OSError:
                    gone.append(rel)
        finally:
            os.close(root)
        changed += [rel for rel, mtime in self._data_folders(meta).items() if rel not in changed
                    and rel not in gone and _mtime_or_zero(self.data / rel) != mtime]
        return changed, gone

    def _data_folders(self, meta: dict) -> dict[str, int]:
        """The data folder's mtimes the last update recorded (corpus folder -> mtime, 0: not there)."""
        return (meta.get("data_folders") or {}) if self.data else {}

    def index_generation(self) -> int:
        """A number that changes whenever any process commits to the index (-1: no usable index)."""
        with self._lock:
            index = self._index_or_none()
            return index.generation() if index is not None else -1

    def _why_rebuild(self, rebuild: bool) -> str:
        if rebuild:
            return "rebuild requested"
        if not SearchIndex.exists(self.index_dir):
            if SearchIndex.has_segment_files(self.index_dir):
                return "the index is damaged (its table of contents is missing)"
            return ""
        schema = self._meta().get("schema")
        if schema is None:
            return "the index is incomplete (its last build did not finish)"
        if schema != SCHEMA_VERSION:
            return f"the index is from another version of reader (schema {schema}, now {SCHEMA_VERSION})"
        try:
            SearchIndex.open(self.index_dir).close()
        except IndexDamaged as exc:
            return f"the index is damaged ({exc})"
        return ""

    # -- updating ------------------------------------------------------------------------------
    def update(self, *, rebuild: bool = False, wait: bool = True, progress: Progress | None = None,
               cancel: threading.Event | None = None, quick: bool = False) -> UpdateReport:
        """Bring the index up to date with the corpus: only new, changed and deleted files are processed.

        `quick` walks only the folders whose listing changed since the last update (files added, removed
        or replaced, as git, rsync, sidecar writes and most editors do), when they are few; a file
        edited in place then waits for an update that walks the whole corpus.
        Raises IndexBusy when another process holds the index and `wait` is False.
        """
        started = time.perf_counter()
        lock = IndexLock(self.index_dir)
        lock.acquire(wait)
        try:
            report = self._update_locked(rebuild, progress, cancel, quick)
        finally:
            lock.release()
        if (report.added or report.changed or report.removed or report.rebuilt) and not report.cancelled:
            self._take_in_names()
        report.seconds = time.perf_counter() - started
        return report

    def _take_in_names(self) -> None:
        """Take the index's new segments into the store of name skeletons (names across scripts), so that
        the first search after an update does not wait for it."""
        from reader.core.translation.name_variants import update_store

        index = self._index_or_none()
        if index is not None:
            update_store(self.index_dir, lambda store: store.refresh(index.generation(), index.segment_vocabularies))

    def _update_locked(self, rebuild: bool, progress: Progress | None,
                       cancel: threading.Event | None, quick: bool) -> UpdateReport:
        report = UpdateReport()
        report.rebuilt = self._why_rebuild(rebuild)
        with self._lock:
            if self._index is not None:
                self._index.close()
                self._index = None
        fresh = bool(report.rebuilt) or not SearchIndex.exists(self.index_dir)
        if report.rebuilt:
            self.messages.append(f"Rebuilding the index: {report.rebuilt}.")
        digests = None  # of every folder's listing, kept for the next update that walks the whole corpus
        if quick and not fresh:
            scope, gone_folders = self._changed_part()
        elif fresh:
            scope, gone_folders, digests = None, (), self._digests(False)
        else:
            scope, gone_folders, digests = self._digest_scope()
        try:
            stored = manifest_store.load(self.index_dir) if scope is None else \
                manifest_store.load_within(self.index_dir, scope.walked, gone_folders)
        except manifest_store.Damaged:  # the whole corpus is read again
            scope, gone_folders, stored = None, (), manifest_store.load(self.index_dir)
        manifest = {} if fresh else stored.files
        members = {} if fresh else stored.members  # container -> key -> digest
        prints = dict(stored.prints)  # kept through a rebuild: renames still follow
        from reader.core.entities.gazetteer import load_gazetteer

        _, problem = load_gazetteer(self._gazetteer_source)
        if problem:
            report.warnings.append(problem)
        if not fresh and self._meta().get("gazetteer") != self._gazetteer_version():
            manifest = {i: manifest_store.UNREAD for i in manifest}  # entities may differ in every article
            members = {}
            self.messages.append(f"{GAZETTEER_FILE} changed: re-reading every article for its entities.")
        if not fresh and self._meta().get("fields") != self._fields_version():  # JSON records read anew
            manifest = {i: manifest_store.UNREAD if i.lower().endswith(JSON_SUFFIXES) else v
                        for i, v in manifest.items()}
        folders: dict[str, int] = {}
        unknown: list[str] = []
        data_folders: dict[str, int] = {}
        entries = {e.id: e for e in scan_corpus(self.corpus, report.warnings, folders, unknown,
                                                     report.orphans, data_folders, scope)}
        report.skipped += [Skipped(name, f"unknown type ({Path(name).suffix or 'no extension'}), not read")
                           for name in unknown]
        self._follow_renames(report, entries, stored.files, prints, folders)
        related = self._related_index()
        if fresh:
            related.clear()
        elif scope is None and related.count() != len(known := self._ids_of(manifest, members)):
            # the relatedness store was emptied (new format) while the index was kept, or fell behind it
            missing = {split_member(Path(i))[0].as_posix() for i in set(known) - related.article_ids()}
            manifest = {i: manifest_store.UNREAD if i in missing else v for i, v in manifest.items()}
            members = {i: {} if i in missing else v for i, v in members.items()}
        todo = [e for e in entries.values() if manifest.get(e.id) != e.stamp]
        deleted_files = [i for i in manifest if i not in entries]
        deleted = self._ids_of({i: None for i in deleted_files}, members)
        index = self._index_to_write(fresh)
        new_manifest = {i: v for i, v in manifest.items() if i in entries}
        new_members = {i: v for i, v in members.items() if i in entries}
        reread: dict[str, dict[str, str]] = {}  # containers read in this update: their members now
        done = 0

        def record(loaded: Loaded) -> IndexDoc | None:
            """Note what loading one article gave; its document when it is to be indexed."""
            rel, key = loaded.id.rsplit("#", 1) if loaded.digest else (loaded.id, "")  # a member has a digest
            entry = entries[rel]
            if key:
                reread.setdefault(rel, {})
            if loaded.unchanged:
                reread[rel][key] = loaded.digest
                new_manifest[rel] = entry.stamp
                return None
            if loaded.doc is None:
                report.skipped.append(Skipped(loaded.id, loaded.note))
                if not key:  # the file (or the whole container) could not be read
                    new_manifest.pop(rel, None)
                    new_members.pop(rel, None)
                    reread.pop(rel, None)
                    related.remove(rel)
                return None
            related.add_record(loaded.id, loaded.doc.lang, loaded.doc.title, loaded.features)
            if loaded.note:
                report.warnings.append(f"{loaded.id}: {loaded.note}")
            new_manifest[rel] = entry.stamp
            if key:
                reread[rel][key] = loaded.digest
            else:
                prints[rel] = loaded.fingerprint
            if (key in members.get(rel, {})) if key else (rel in manifest):
                report.changed += 1
            else:
                report.added += 1
            return loaded.doc

        def tick() -> bool:
            nonlocal done
            done += 1
            if progress is not None:
                progress(min(done, len(todo)), len(todo))  # members of a container count as its file
            return not (cancel is not None and cancel.is_set())

        def finish() -> None:
            """Members gone from the containers read (and containers now unreadable) leave the index."""
            for rel in {e.id for e in todo if is_container_name(e.id)}:
                gone = set(members.get(rel, {})) - set(reread.get(rel, {}))
                deleted.extend(f"{rel}#{key}" for key in gone)
                for key in gone:
                    related.remove(f"{rel}#{key}")
                if rel in reread:
                    new_members[rel] = reread[rel]

        replaced = [e.id for e in todo if e.id in manifest and not is_container_name(e.id)]  # the old copy goes
        if not fresh:
            deleted += replaced
        try:  # nothing to do: no commit, so readers do not see a new generation
            committed = not (fresh or todo or deleted) or \
                self._write(index, todo, record, tick, finish, deleted if not fresh else [], fresh, members)
        except BaseException:
            related.rollback()
            raise
        finally:
            index.close()
        if not committed:
            related.rollback()
            report.cancelled = True
            return report
        for article_id in self._ids_of({i: None for i in deleted_files}, members):
            related.remove(article_id)
        related.commit()
        ids = self._ids_of(new_manifest, new_members)
        # ids can only go with a file that went or a container whose members changed
        left = {rel: None for rel in manifest if rel not in new_manifest or members.get(rel) != new_members.get(rel)}
        now = set(self._ids_of({rel: None for rel in left if rel in new_manifest}, new_members))
        gone = [i for i in self._ids_of(left, members) if i not in now]
        report.removed = len(gone)
        self._note_learning([i for i in new_manifest if new_manifest[i] != manifest.get(i)
                             and not is_container_name(i)], gone)
        kept_prints = self._kept_fingerprints(prints, entries, new_manifest, report.orphans)
        now_stored = manifest_store.Manifest(new_manifest, new_members, kept_prints)
        if now_stored != stored or fresh:
            manifest_store.save(self.index_dir, now_stored, None if fresh else stored)
        if scope is None:
            report.total = len(ids) + len(report.skipped)
            if fresh or report.added or report.removed or not (self.index_dir / FIRST_SEEN_FILE).exists():
                update_first_seen(self.index_dir, ids, now_utc())
        else:  # the rest of the corpus keeps what the last update found there
            meta = self._meta()
            report.skipped += [row for row in self.last_skipped()
                               if (folder := split_member(Path(row.name))[0].parent.as_posix()) not in folders
                               and not _within_folders(folder, gone_folders)]
            folders = {**_outside(meta.get("folders") or {}, gone_folders), **folders}
            data_folders = {**_outside(self._data_folders(meta), gone_folders), **data_folders}
            if report.added or report.removed:
                note_first_seen(self.index_dir, set(ids) - set(self._ids_of(manifest, members)), gone, now_utc())
            report.total = self.doc_count() + len(report.skipped)
        _write_json(self.index_dir / SKIPPED_FILE, {"skipped": [[item.name, item.reason] for item in report.skipped]})
        if digests is not None:
            folder_digests.save(self.index_dir, digests)
        _write_json(self.index_dir / META_FILE, {"schema": SCHEMA_VERSION, "folders": folders,
                                                 "gazetteer": self._gazetteer_version(),
                                                 "fields": self._fields_version(), "related": RELATED_FORMAT,
                                                 "data_folders": data_folders,
                                                 "data": str(self.data) if self.data else None})
        return report

    def _changed_part(self) -> tuple[Scope | None, tuple[str, ...]]:
        """For a quick update: the folders whose listing changed since the last update (walked again)
        and the folders gone since; (None, ()) when the whole corpus is to be walked (no record of its
        folders, a change in how articles are read, or too many changed folders to gain from it)."""
        meta = self._meta()
        known = meta.get("folders") or {}
        if not self._partly_updatable(meta):
            return None, ()
        return _scope(known, *self._folder_changes(meta))

    def _digest_scope(self) -> tuple[Scope | None, tuple[str, ...], dict[str, str]]:
        """For an update that walks the whole corpus: the digest of every folder's listing (kept for the
        next one) and, as for a quick update, the folders whose digest changed since the last such
        update and those gone ((None, ()) when the whole corpus is to be read: no digests kept, a change
        in how articles are read, or too many changed folders to gain from it)."""
        before = folder_digests.load(self.index_dir)
        digests = self._digests(len(before) >= folder_digests.PARALLEL_FOLDERS)
        meta = self._meta()
        known = meta.get("folders") or {}
        if not before or not self._partly_updatable(meta) \
                or self._related_index().count() != self._indexed_count():
            return None, (), digests  # the last: the relatedness store fell behind the index (a crash)
        changed = list(dict.fromkeys(rel.removeprefix(DATA_DIGEST) for rel, digest in digests.items()
                                     if before.get(rel) != digest))  # a data folder's: its corpus folder
        changed = [rel for rel in changed if rel in digests]
        # a folder the last update walked and the digests do not name: gone, or reached through a link
        # the digests met by another path first (walked again)
        undigested = [rel for rel in known if rel not in digests]
        changed += [rel for rel in undigested if os.path.isdir(os.path.join(self.corpus, rel))]
        gone = [rel for rel in undigested if rel not in changed]
        return *_scope(known, changed, gone), digests

    def _partly_updatable(self, meta: dict) -> bool:
        """Whether an update may read only the folders that changed: the last one recorded the corpus's
        folders and manifest, and articles would be read as it read them."""
        return bool(meta.get("folders")) and (self.index_dir / manifest_store.FILE).exists() \
            and self._read_alike(meta)

    def _digests(self, parallel: bool) -> dict[str, str]:
        """The digest of every corpus folder's listing and, with a data folder, of each of its folders
        (their sidecars), named DATA_DIGEST + the corpus folder."""
        digests = folder_digests.digest_folders(self.corpus, parallel)
        if self.data is not None and self.data.is_dir():
            overlay = folder_digests.digest_folders(self.data)
            digests.update((DATA_DIGEST + rel, digest) for rel, digest in overlay.items())
        return digests

    def _indexed_count(self) -> int:
        """How many articles the index holds, read from an index opened for it alone (in an update)."""
        index = SearchIndex.open(self.index_dir)
        try:
            return index.doc_count()
        finally:
            index.close()

    def _note_learning(self, changed: list[str], removed: list[str]) -> None:
        """Note the update's articles for learning translations (learnt at once when they are few) and,
        once there are semantic vectors, for embedding again."""
        if (changed or removed) and learning_queue.note(self.index_dir, changed, removed) <= LEARN_AT_ONCE:
            self.learn_translations()
        if changed and (self.index_dir / VECTORS_FILE).exists():
            learning_queue.note(self.index_dir, changed, [], file=learning_queue.EMBED_FILE)

    def vectors_wanted(self) -> int:
        """How many indexed articles have no semantic vector, or changed since theirs (0 without the
        semantic extra)."""
        from reader.core.semantic import model

        if not model.available() or not self.index_dir.is_dir():
            return 0
        from reader.core.semantic import vectors

        made = vectors.load(self.index_dir)
        have = set(made.ids) if made is not None and made.model == model.model_name() else set()
        have -= set(learning_queue.pending(self.index_dir, file=learning_queue.EMBED_FILE).changed)
        return sum(article_id not in have for article_id in self.all_ids())

    def make_vectors(self, progress: Progress | None = None, cancel: threading.Event | None = None) -> VectorsReport:
        """Embed the articles without semantic vectors or changed since theirs (see semantic.embedding);
        `busy` when another process is making them. Searches use what is made meanwhile."""
        from reader.core.semantic.embedding import make_vectors

        started = time.perf_counter()
        try:
            with file_lock(self.index_dir / VECTORS_LOCK, timeout=0.0):
                taken = learning_queue.pending(self.index_dir, file=learning_queue.EMBED_FILE)

                def read(article_id: str) -> tuple[str, str] | None:
                    stored, body = self.stored(article_id), self._body(article_id)
                    return None if stored is None or body is None else (stored.title, body)

                made, finished = make_vectors(self.index_dir, self.all_ids(), set(taken.changed), read,
                                              progress, cancel)
                if finished:
                    learning_queue.done(self.index_dir, taken, file=learning_queue.EMBED_FILE)
        except LockHeld:
            return VectorsReport(busy=True)
        return VectorsReport(made, time.perf_counter() - started, finished=finished)

    def vectors_apart(self, cancel: threading.Event) -> bool:
        """`make_vectors` in a low-priority process of its own, stopped when `cancel` is set (an app when
        idle; what it made is saved every half minute)."""
        return self._apart("make_vectors", cancel)

    def _meaning(self, as_typed: bool | None):
        """A search by meaning of the semantic vectors (`index.Meaning`), or None: searched as typed, the
        extra not installed, or no vectors made yet."""
        if self.as_typed if as_typed is None else as_typed:
            return None
        from reader.core.semantic import model

        if not model.available():
            return None
        if self._meaning_search is None:
            if not (self.index_dir / VECTORS_FILE).exists():  # none made yet: NumPy is not worth importing
                return None
            from reader.core.semantic.nearest import MeaningSearch

            self._meaning_search = MeaningSearch(self.index_dir)
        return self._meaning_search.searcher()

    def learning_pending(self) -> int:
        """How many changed or removed articles the learned lexicon has not taken in yet."""
        return len(learning_queue.pending(self.index_dir)) if self.index_dir.is_dir() else 0

    def learn_translations(self) -> LearningReport:
        """Learn word translations from the same-story pairs of the articles updates noted (see lexicon);
        `busy` when another process is learning them. Searches go on meanwhile; a learner killed half-way
        leaves the lexicon as it was and the articles still noted."""
        from reader.core.translation.lexicon import mutual_best, update_learned

        started = time.perf_counter()
        try:
            with file_lock(self.index_dir / learning_queue.LEARNING_LOCK, timeout=0.0):
                taken = learning_queue.pending(self.index_dir)
                if not taken:
                    return LearningReport()
                related = self._related_index()

                def read(article_id: str) -> tuple[str, str, str] | None:
                    try:
                        article = load_article(self.corpus, self.corpus / article_id)
                    except (ArticleSkipped, OSError):
                        return None
                    return article.lang, article.title, article.body

                def best(article_id: str, lang: str) -> str | None:
                    return next((r.id for r in related.related(article_id, limit=1, lang=lang)), None)

                def counterparts(article_id: str) -> list[str]:  # direct same-story links: a story costs 5x more
                    return [r.id for r in related.related(article_id, limit=10) if r.same_story]

                langs = related.languages()  # once: a scan of every article
                update_learned(self.index_dir, read, counterparts, taken.changed, taken.removed,
                               lambda i, lang: mutual_best(best, i, lang, langs)).save(self.index_dir)
                learning_queue.done(self.index_dir, taken)
        except LockHeld:
            return LearningReport(busy=True)
        return LearningReport(len(taken), time.perf_counter() - started)

    def learn_apart(self, cancel: threading.Event) -> bool:
        """`learn_translations` in a low-priority process of its own, stopped when `cancel` is set (an app
        when idle: learning is pure Python and would hold the interpreter against the app's searches)."""
        return self._apart("learn_translations", cancel)

    def _apart(self, method: str, cancel: threading.Event) -> bool:
        """Run this engine's `method` in a low-priority process of its own (`indexing.apart.run_apart`)."""
        return run_apart(_engine_child, (method, str(self.corpus), str(self.index_dir), str(self.data or "")),
                         cancel, f"reader-{method}")

    @staticmethod
    def _ids_of(files: dict, members: dict[str, dict[str, str]]) -> list[str]:
        """Article ids of files: a container's are its members' (`dump.jsonl#key`)."""
        ids: list[str] = []
        for rel in files:
            if is_container_name(rel):
                ids += [f"{rel}#{key}" for key in members.get(rel, {})]
            else:
                ids.append(rel)
        return ids

    def last_skipped(self) -> list[Skipped]:
        """The files the last update could not read, with the reasons."""
        rows = _read_json(self.index_dir / SKIPPED_FILE).get("skipped")
        return [Skipped(str(row[0]), str(row[1])) for row in rows if isinstance(row, list) and len(row) == 2] \
            if isinstance(rows, list) else []

    def _follow_renames(self, report: UpdateReport, entries: dict[str, FileEntry],
                        known: dict[str, manifest_store.Stamp], prints: dict[str, str],
                        folders: dict[str, int]) -> None:
        """Move the sidecar of each gone article to the one new article with the same text (see
        renames.py); report what was too ambiguous to guess. `report.orphans` keeps what stays behind."""
        from reader.core.corpus.renames import match_renames, move_sidecar
        from reader.core.userdata.sidecars import sidecar_mtime_ns

        gone = {i: prints[i] for i in report.orphans if prints.get(i)}
        if not gone:
            return
        arrived = {i: file_fingerprint(e.path) for i, e in entries.items()
                   if i not in known and not e.sidecar_mtime_ns and not is_container_name(i)}
        matching = match_renames(gone, arrived)
        report.ambiguous.extend(matching.ambiguous)
        for old_id, new_id in matching.moves:
            try:
                move_sidecar(self.corpus, old_id, new_id)
            except ReaderError as exc:
                report.warnings.append(str(exc))
                continue
            report.moved.append((old_id, new_id))
            report.orphans.remove(old_id)
            entry = entries[new_id]
            entry.sidecar_mtime_ns = sidecar_mtime_ns(Path(entry.path))
            for article_id in (old_id, new_id):  # the move changed both folders: not a change to re-scan
                folder = Path(article_id).parent.as_posix()
                with contextlib.suppress(OSError):
                    folders[folder] = os.stat(self.corpus / folder).st_mtime_ns

    def _kept_fingerprints(self, prints: dict[str, str], entries: dict[str, FileEntry],
                           manifest: dict[str, manifest_store.Stamp], orphans: list[str]) -> dict[str, str]:
        """The fingerprints to keep: every indexed article's (those with a sidecar read now when an older
        index did not record them) and each orphan's, so it can still be followed in a later update."""
        kept = {i: prints[i] for i in manifest if i in prints}  # '' (unreadable) too: not read again
        for article_id in manifest:
            if article_id not in kept and entries[article_id].sidecar_mtime_ns \
                    and not is_container_name(article_id):
                kept[article_id] = file_fingerprint(entries[article_id].path)
        kept.update((i, prints[i]) for i in orphans if prints.get(i))
        return kept

    def _index_to_write(self, fresh: bool) -> SearchIndex:
        """The index an update writes to. A rebuild of a readable index writes into it and drops its old
        segments in the same commit: until then searches see the old index, and a build that is
        killed leaves it. Otherwise a new, empty index, without the records that would let a build
        killed before its commit pass for a finished one."""
        if not fresh:
            return SearchIndex.open(self.index_dir)
        if SearchIndex.exists(self.index_dir) and self._meta().get("schema") == SCHEMA_VERSION:
            try:
                return SearchIndex.open(self.index_dir)
            except IndexDamaged:
                pass
        (self.index_dir / META_FILE).unlink(missing_ok=True)
        manifest_store.remove(self.index_dir)
        return SearchIndex.create(self.index_dir)

    def _write(self, index: SearchIndex, todo: list[FileEntry], record: Callable[[Loaded], IndexDoc | None],
               tick: Callable[[], bool], finish: Callable[[], None], deleted: list[str], fresh: bool,
               members: dict[str, dict[str, str]]) -> bool:
        """Load `todo` and commit it to the index (True), or stop when `tick` says so (False). `finish`
        runs when everything is loaded (it may add to `deleted`, which the commit reads last).

        Large batches are loaded by one process per core, each writing its own segments; small ones here.
        """
        from reader.core.indexing import loading

        jobs = [(str(self.corpus), e.path, members.get(e.id, {})) if is_container_name(e.id)
                else (str(self.corpus), e.path) for e in todo]
        if len(jobs) < PARALLEL_THRESHOLD:
            def docs() -> Iterator[IndexDoc]:
                for job in jobs:
                    for loaded in loading.load_for_index(job):
                        doc = record(loaded)
                        if doc is not None:
                            yield doc
                    if not tick():
                        raise _Cancelled
                finish()

            try:
                return index.write(docs(), deleted, fresh=fresh)
            except _Cancelled:
                return False
        from reader.core.indexing.shards import load_in_parallel

        def on_loaded(loaded: Loaded) -> bool:
            record(loaded)
            return tick()

        segments = load_in_parallel(self.index_dir, jobs, on_loaded, os.cpu_count() or 1)
        if segments is None:
            return False
        finish()
        return index.write((), deleted, fresh=fresh, segments=segments)

    def maintain(self, *, optimize: bool = False, progress: Progress | None = None,
                 cancel: threading.Event | None = None,
                 on_merge: Callable[[list[SegmentInfo]], None] | None = None,
                 quick: bool = False, budget: float | None = None) -> MaintenanceReport:
        """Merge index segments in steps until their layout is within the tiered policy (`optimize`: all
        into one; `quick`: one merge of a few small segments at most, as after a tag; `budget`: only merges
        short enough for a command to wait for, see `segment_merge.maintain`). Writers go on meanwhile: the
        index lock is held only to swap each merge in."""
        from reader.core.indexing.segment_merge import maintain

        if not SearchIndex.exists(self.index_dir):
            from reader.core.indexing.segment_merge import MaintenanceReport

            return MaintenanceReport()
        return maintain(self.index_dir, optimize=optimize, progress=progress, cancel=cancel, on_merge=on_merge,
                        quick=quick, budget=budget)

    def maintain_apart(self, cancel: threading.Event) -> bool:
        """`maintain` in a low-priority process of its own, stopped when `cancel` is set (an app when idle)."""
        from reader.core.indexing.segment_merge import maintain_apart

        return SearchIndex.exists(self.index_dir) and maintain_apart(self.index_dir, cancel)

    def segments(self) -> list[SegmentInfo]:
        """The index's segments (documents, deleted, bytes), as the merge policy sees them."""
        from reader.core.indexing.segment_policy import layout

        return layout(self.index_dir) if SearchIndex.exists(self.index_dir) else []

    def merge_wanted(self) -> bool:
        """True when the merge policy wants segments merged now (cheap: the table and the file sizes)."""
        from reader.core.indexing.segment_policy import plan

        return bool(plan(self.segments()))

    def optimize_estimate(self) -> MergeEstimate:
        """What `maintain(optimize=True)` would merge, and about how long it would take."""
        from reader.core.indexing.segment_policy import estimate

        return estimate(self.segments())

    def ensure_fresh(self) -> UpdateReport | None:
        """Update the index when it looks stale (walking only the folders that changed); when another process
        is updating it, use it as it is. A first build also learns translations, as `reader index` would;
        later ones leave a large batch to it."""
        if not self.is_stale():
            return None
        first = not SearchIndex.exists(self.index_dir)
        try:
            report = self.update(wait=first, quick=True)
        except IndexBusy:
            return None
        if first:
            self.learn_translations()
        return report

    # -- reading -------------------------------------------------------------------------------
    def _require_index(self) -> SearchIndex:
        index = self._index_or_none()
        if index is None:
            self.update()
            index = self._index_or_none()
        if index is None:
            raise IndexDamaged("the index cannot be opened after a rebuild")
        return index

    def search(self, query: str, *, limit: int | None = 20, lang: str | None = None,
               tag: str | None = None, snippets: bool = True, sort: str = "relevance",
               count: bool = True, as_typed: bool | None = None) -> SearchResults:
        """Run a query (`sort`: relevance, or date for newest first). Raises QueryError for a malformed query.

        Each word is also searched as its translations into the corpus's languages unless `as_typed`
        (None: the engine's `as_typed`).
        `count=False` leaves the total out (None) when more articles match than are listed: a first
        page comes sooner, and `count()` follows.
        """
        found = self._reading(lambda index: index.search(
            query, limit=limit, lang=lang, tag=tag, sort=sort, count=count, resolve_entity=self._resolve_entity,
            read_body=self._body, expander=self._expander(index, as_typed), meaning=self._meaning(as_typed)))
        for note in found.controls.notes:
            if note not in self.messages:
                self.messages.append(note)
        controls = tuple(term.record() for term in found.controls.terms)
        hits = [self._hit(stored, found.terms if snippets else None, controls, found.via) for stored in found.hits]
        return SearchResults(found.total, hits, found.terms, controls, found.via)

    def count(self, query: str, *, lang: str | None = None, tag: str | None = None,
              as_typed: bool | None = None) -> int:
        """How many articles a query matches."""
        return self._reading(lambda index: index.count(
            query, lang=lang, tag=tag, resolve_entity=self._resolve_entity, read_body=self._body,
            expander=self._expander(index, as_typed), meaning=self._meaning(as_typed)))

    def lexicon(self, word: str, lang: str | None = None) -> list[dict]:
        """The translations of a word into the corpus's languages (or `lang`), with their evidence."""
        from reader.core.translation.expanders import describe

        with self._lock:
            return describe(self, self._require_index(), word, lang)

    @staticmethod
    def read_dictionaries() -> int:
        """Compile the installed bilingual dictionaries that are new or changed, for every corpus's
        cross-language search; how many are installed."""
        from reader.core.translation.dictionaries import compile_installed

        return compile_installed()

    @staticmethod
    def dictionaries_not_read() -> list[str]:
        """The names of the installed dictionaries not compiled yet (or changed since)."""
        from reader.core.translation.dictionaries import not_read

        return [path.stem for path in not_read()]

    def add_translation(self, word: str, lang: str, translation: str, forbid: bool = False) -> Path:
        """Add (or forbid) a translation of a query word into `lang` in the analyst's lexicon.yaml (see
        lexicon.edit_lexicon); the file written. Later searches use it."""
        from reader.core.translation.lexicon import LEXICON_FILE, edit_lexicon

        path = self.analyst_file(LEXICON_FILE)
        edit_lexicon(path, word, lang, translation, forbid=forbid, base=self.corpus / LEXICON_FILE)
        return path

    def _expander(self, index: SearchIndex, as_typed: bool | None,
                  keep: frozenset[str] = frozenset()) -> Expander | None:
        """Translations of query words into the index's languages (None: searched as typed; `as_typed`
        None: the engine's default). `keep`: words not to translate (a per-word "as typed"); one
        expander serves while the index and the files it reads are unchanged."""
        if self.as_typed if as_typed is None else as_typed:
            return None
        from reader.core.translation.expanders import expander_for

        return expander_for(self, index, keep)

    def _reading(self, read: Callable[[SearchIndex], _Read]) -> _Read:
        """Run a read of the index. A read that fails as damaged files would is run again on the index
        opened anew (a merge in another process may have replaced segments under it); failing again in
        the code that reads the files, the index is rebuilt (with a message) and the read run once more."""
        with self._lock:
            for opened_anew in (False, True):
                try:
                    return read(self._require_index())
                except QueryError:
                    raise
                except _DAMAGE as exc:  # damaged segment files, or ones removed since they were opened
                    if self._index is not None:
                        with contextlib.suppress(Exception):  # closing a damaged index may fail too
                            self._index.close()
                        self._index = None
                    if opened_anew:
                        if not _from_files(exc):
                            raise  # a fault of reader's, not of the files: reported, nothing rebuilt
                        self.messages.append(f"The index could not be read ({exc}); rebuilding it.")
                        self.update(rebuild=True)
            return read(self._require_index())

    def facets(self, query: str, lang: str | None = None, tag: str | None = None,
               as_typed: bool | None = None) -> dict[str, dict[str, int]]:
        """Counts of languages, sources, tags and top entities over every article the query matches."""
        from reader.core.results.facets import count_facets

        with self._lock:
            index = self._require_index()
            return count_facets(index.matching_fields(query, lang=lang, tag=tag, resolve_entity=self._resolve_entity,
                                                      read_body=self._body, expander=self._expander(index, as_typed),
                                                      meaning=self._meaning(as_typed)))

    def _hit(self, stored: StoredHit, terms: frozenset | None, controls: tuple[dict, ...] = (),
             via: dict | None = None) -> Hit:
        snippet, matched = self.excerpt(stored.id, stored.lang, terms, stored.title, via or {}) \
            if terms is not None else ([], [])
        return Hit(stored.id, self.corpus / stored.id, stored.title, stored.lang, stored.date,
                   stored.tags, stored.score, snippet, controls=controls, matched=matched)

    def _body(self, article_id: str) -> str | None:
        """The body of an article's file (None when it cannot be read)."""
        try:
            return parse_file(self.corpus / article_id, self.corpus).body
        except (ArticleSkipped, OSError):
            return None

    def snippet(self, article_id: str, lang: str, terms: frozenset) -> list[Fragment]:
        """A snippet of the article's body (the title is shown beside it already) around the query's
        matched terms; the body's beginning when only the title matched."""
        return self.excerpt(article_id, lang, terms, "", {})[0]

    def excerpt(self, article_id: str, lang: str, terms: frozenset, title: str,
                via: dict) -> tuple[list[Fragment], list[Matched]]:
        """The snippet, and the words of the title and body matched through a translation (`via`, from
        the search's results)."""
        body = self._body(article_id)
        if body is None:
            return [], []
        text = body[:SNIPPET_SCAN_CHARS]
        matched = translated_matches(via, f"{title}\n\n{text}", lang)
        if (MEANING_FIELD, article_id) in via:  # found by meaning only
            matched.append(Matched("", via[(MEANING_FIELD, article_id)][0], "semantic"))
        return make_snippet(text, match_spans(terms, text, lang)), matched

    def reindex(self, article_ids: list[str]) -> None:
        """Re-read a few articles (after their sidecar changed) so searches see the change at once."""
        from reader.core.indexing import loading
        from reader.core.userdata.sidecars import sidecar_mtime_ns

        lock = IndexLock(self.index_dir)
        lock.acquire(wait=True)
        try:
            with self._lock:
                files: dict[str, manifest_store.Stamp] = {}
                members: dict[str, dict[str, str]] = {}
                prints: dict[str, str] = {}
                docs, gone = [], []
                for rel in dict.fromkeys(split_member(Path(i))[0].as_posix() for i in article_ids):
                    path = self.corpus / rel
                    container = is_container_name(rel)
                    had = manifest_store.members_of(self.index_dir, rel) if container else {}
                    loaded = loading.load_for_index((str(self.corpus), str(path), had)
                                                    if container else (str(self.corpus), str(path)))
                    docs += [item.doc for item in loaded if item.doc is not None]
                    if any(item.doc is None and not item.unchanged for item in loaded):
                        continue  # the next update reads it again and reports the problem
                    if container:
                        now = {split_member(Path(item.id))[1]: item.digest for item in loaded}
                        gone += [f"{rel}#{key}" for key in had if key not in now]
                        members[rel] = now
                    else:
                        prints[rel] = loaded[0].fingerprint
                    st = os.stat(path)
                    files[rel] = (st.st_mtime_ns, st.st_size, sidecar_mtime_ns(path))
                index = self._require_index()
                index.write(docs, gone)
                manifest_store.record(self.index_dir, files, members, prints)
                meta = self._meta()
                folders, data_folders = meta.get("folders") or {}, self._data_folders(meta)
                for article_id in article_ids:  # our own sidecar write must not mark the corpus stale
                    rel = Path(article_id).parent.as_posix()
                    if rel in folders:
                        folders[rel] = os.stat(self.corpus / rel).st_mtime_ns
                    for parent in [rel, *(p.as_posix() for p in Path(rel).parents)] if self.data else []:
                        if parent in data_folders:  # the write may have made the folders that hold it
                            data_folders[parent] = _mtime_or_zero(self.data / parent)
                _write_json(self.index_dir / META_FILE, {**meta, "folders": folders, "data_folders": data_folders})
        finally:
            lock.release()

    def orphans(self) -> list[dict]:
        """Every sidecar whose article is gone: its path, the gone article's id, tags and first note line."""
        from reader.core.corpus.renames import orphan_record

        found: list[str] = []
        for _ in scan_corpus(self.corpus, orphans=found):
            pass
        return [orphan_record(self.corpus, article_id) for article_id in sorted(found)]

    def attach_orphan(self, orphan: str, article: str) -> str:
        """Give an orphaned sidecar (its path or its gone article's id) to an article; return that id."""
        from reader.core.corpus.renames import move_sidecar, orphan_id

        article_id = self.resolve_id(article)
        move_sidecar(self.corpus, orphan_id(orphan), article_id)
        self.reindex([article_id])
        return article_id

    def archive_orphan(self, orphan: str) -> Path:
        """Move an orphaned sidecar into the corpus's `.reader/orphans/` folder; return where it went."""
        from reader.core.corpus.renames import archive_sidecar, orphan_id

        return archive_sidecar(self.corpus, orphan_id(orphan))

    def notes(self, article_id: str) -> str:
        """The analyst's notes on an article from its sidecar ('' when none or the sidecar is malformed)."""
        from reader.core.userdata.sidecars import SidecarError, read_sidecar

        try:
            notes = read_sidecar(self.corpus / article_id).get("notes")
        except SidecarError:
            return ""
        return "" if notes is None else str(notes)

    def tag_counts(self) -> dict[str, int]:
        """Every tag in the corpus with the number of articles that carry it."""
        with self._lock:
            return self._require_index().term_counts("tag")

    def resolve_id(self, prefix: str) -> str:
        """The full id of the one article whose id starts with `prefix`."""
        parts = Path(prefix).parts
        if parts and not Path(prefix).is_absolute() and not any(part.startswith(".") for part in parts) \
                and is_article_name(parts[-1]) and not is_container_name(parts[-1]) \
                and (self.corpus / prefix).is_file() \
                and within(os.path.realpath(self.corpus), str(self.corpus / prefix)):  # as the scan finds it
            return Path(prefix).as_posix()
        with self._lock:
            matches = self._require_index().ids_with_prefix(prefix)
        named = [match for match in matches if match == prefix or os.path.splitext(match)[0] == prefix]
        if len(named) == 1:  # `en-1` names `en-1.txt`, though `en-10.txt` starts with it too
            return named[0]
        if not matches:
            raise ArticleNotFound(f"no article id starts with '{prefix}'")
        if len(matches) > 1:
            shown = ", ".join(matches[:5]) + (", …" if len(matches) > 5 else "")
            raise ArticleNotFound(f"'{prefix}' matches {len(matches)} articles: {shown}")
        return matches[0]

    def article(self, id_or_prefix: str) -> Article:
        """Load an article by id or unique id prefix."""
        article_id = self.resolve_id(id_or_prefix)
        return load_article(self.corpus, self.corpus / article_id)

    def all_ids(self) -> list[str]:
        """Every indexed article id, sorted."""
        with self._lock:
            return sorted(self._require_index().ids_with_prefix(""))

    def stored(self, article_id: str) -> StoredHit | None:
        """What the index holds of one article (title, lang, date, tags), without reading the file."""
        with self._lock:
            return self._require_index().stored(article_id)

    def _related_index(self) -> RelatedIndex:
        with self._lock:
            if self._related is None:
                self._related = RelatedIndex(self.index_dir)
                if self._related.damage:  # started empty: the next update reads every article into it
                    self.messages.append(f"The relatedness store could not be read ({self._related.damage});"
                                         " it is rebuilt from the articles.")
            return self._related

    def _filled_related_index(self) -> RelatedIndex:
        """The relatedness store, filled again first if it was found damaged."""
        self._require_index()
        related = self._related_index()
        if related.damage:
            related.damage = ""
            self.update()
        return related

    def related(self, article_id: str, limit: int = 10, lang: str | None = None) -> list[Relation]:
        """Articles related to one article, ordered by evidence (same story first), with scores and reasons."""
        return self._filled_related_index().related(article_id, limit=limit, lang=lang, spellings=self._spellings,
                                                    translated=self._translated)

    def _from_file(self, cache: dict, article_id: str, make: Callable[[ParsedFile], _Read], empty: _Read,
                   version: object = None) -> _Read:
        """`make` of an article's parsed file, or `empty` when it cannot be read. The last SPELLINGS_KEPT
        are kept in `cache` while the file (and `version`) stay the same."""
        path = self.corpus / article_id
        try:
            key = (article_id, os.stat(split_member(path)[0]).st_mtime_ns, version)
            if key not in cache:
                parsed = parse_file(path, self.corpus)
                if len(cache) >= SPELLINGS_KEPT:
                    cache.pop(next(iter(cache)))
                cache[key] = make(parsed)
        except (ArticleSkipped, OSError):
            return empty
        return cache[key]

    def _spellings(self, article_id: str) -> dict[str, str]:
        """How an article writes its names (for related-article reasons)."""
        from reader.core.related.features import name_spellings

        return self._from_file(self._spelled, article_id, lambda parsed: name_spellings(parsed.title, parsed.body), {})

    def _translated(self, article_id: str) -> tuple[dict[str, float], dict[str, str]]:
        """The stem features of the translations of an article's words into the corpus's other languages,
        through the lexicon (learned and lexicon.yaml): evidence of a shared story across scripts."""
        from reader.core.related.translated import translated_features
        from reader.core.translation.expanders import expander_for
        from reader.core.translation.lexicon import LexiconSource

        index = self._require_index()
        stored = index.stored(article_id)
        lexicon = next(source for source in expander_for(self, index).sources if isinstance(source, LexiconSource))
        if stored is None or not (lexicon.learned.tables or lexicon.analyst.entries):
            return {}, {}
        if self._translations[0] is not lexicon:  # learned again, or lexicon.yaml changed
            self._translations = (lexicon, {})
        langs = [lang for lang in index.langs() if lang != stored.lang]

        def translate(word: str) -> Iterator[tuple[str, float]]:
            return lexicon.written(word, stored.lang, langs)

        return self._from_file(self._translations[1], article_id,
                               lambda parsed: translated_features(parsed.title, parsed.body, translate),
                               ({}, {}), tuple(langs))

    def story(self, article_id: str) -> list[str]:
        """Ids of the articles told as the same story (translations, rewrites, near-duplicates)."""
        return self._filled_related_index().story(article_id, translated=self._translated)

    def story_members(self, article_id: str) -> list[str]:
        """Every other article of the article's story: its story links and same-story related articles."""
        related = self._filled_related_index().related(article_id, limit=50, translated=self._translated)
        members = [*self.story(article_id), *(r.id for r in related if r.same_story)]
        return [member for member in dict.fromkeys(members) if member != article_id]

    def story_timeline(self, article_id: str) -> list[dict]:
        """The article and its same-story articles, oldest first, undated last: date, lang, source, id, title."""
        from reader.core.corpus.dates import normalise_date

        rows = []
        for member in [article_id, *self.story_members(article_id)]:
            stored = self.stored(member)
            if stored is None:
                continue
            rows.append({"date": normalise_date(stored.date), "lang": stored.lang, "source": stored.source,
                         "id": member, "title": stored.title})
        return sorted(rows, key=lambda row: (not row["date"], row["date"], row["id"]))

    def with_stories(self, hits: list[Hit], first: int = STORY_HITS, terms: frozenset | None = None) -> list[Hit]:
        """The hits, each of the `first` ones followed by the articles of its story that are not hits
        already (translations and rewrites), marked with `story_of` and `story_kind`; with `terms`,
        their snippets too."""
        seen = {hit.id for hit in hits}
        out: list[Hit] = []
        for position, hit in enumerate(hits):
            out.append(hit)
            if position >= first:
                continue
            for member in self.story_members(hit.id):
                stored = self.stored(member) if member not in seen else None
                if stored is None:
                    continue
                seen.add(member)
                kind = "rewrite" if stored.lang == hit.lang else "translation"
                snippet = self.snippet(member, stored.lang, terms) if terms is not None else []
                out.append(Hit(member, self.corpus / member, stored.title, stored.lang, stored.date,
                               stored.tags, 0.0, snippet, story_of=hit.id, story_kind=kind))
        return out

    def doc_count(self) -> int:
        index = self._index_or_none()
        return index.doc_count() if index else 0

    def close(self) -> None:
        with self._lock:
            if self._index is not None:
                self._index.close()
                self._index = None
            if self._related is not None:
                self._related.close()
                self._related = None


def _engine_child(method: str, corpus: str, index_dir: str, data: str) -> None:
    """Process of `Engine._apart`: an engine of its own runs `method`."""
    getattr(Engine(Path(corpus), Path(index_dir), Path(data) if data else None), method)()
