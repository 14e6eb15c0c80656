"""The engine: keeps the index in step with the corpus folder and answers searches.

Front ends (CLI, TUI) talk to this module only; it owns the index folder, its lock and manifest.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import pickle
import struct
import threading
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, TypeVar

from reader.core.batch import FIRST_SEEN_FILE, now_utc, update_first_seen
from reader.core import data_overlay
from reader.core.corpus import (GAZETTEER_FILE, Article, ArticleSkipped, CorpusError, FileEntry, is_article_name,
                                load_article, parse_file, scan_corpus, within)
from reader.core.errors import ReaderError
from reader.core.index import IndexDamaged, IndexDoc, SCHEMA_VERSION, SearchIndex, StoredHit, match_spans
from reader.core.query import QueryError
from reader.core.related import FORMAT_VERSION as RELATED_FORMAT
from reader.core.related import Relation, RelatedIndex
from reader.core.snippets import Fragment, make_snippet
from reader.core.userfiles import INDEX_RECORD_BYTES, cache_folder, corpus_digest, read_json_object, write_atomic

if TYPE_CHECKING:  # the search path does not load the entity and loader modules
    from reader.core.entities import Span
    from reader.core.gazetteer import Gazetteer
    from reader.core.loading import Loaded

META_FILE = "reader-meta.json"
MANIFEST_FILE = "reader-manifest.json"
LOCK_FILE = "reader.lock"
PARALLEL_THRESHOLD = 400  # below this many files to load, a process pool costs more than it saves
SNIPPET_SCAN_CHARS = 20_000  # snippets come from the beginning of very long articles

Progress = Callable[[int, int], None]
_Read = TypeVar("_Read")


# What reading damaged segment files raises inside Whoosh (a cut file, garbage where a type code was)
_DAMAGE = (OSError, EOFError, ValueError, KeyError, IndexError, struct.error, zlib.error, pickle.UnpicklingError)


class IndexBusy(ReaderError):
    """Another process is updating the index."""


class ArticleNotFound(ReaderError, LookupError):
    """No article, or more than one, has the given id prefix; str() says which."""


@dataclass
class UpdateReport:
    """What one index update did."""

    added: int = 0
    changed: int = 0
    removed: int = 0
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    rebuilt: str = ""  # why the index was rebuilt from scratch, '' if it was not
    total: int = 0
    cancelled: bool = False


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


@dataclass
class SearchResults:
    total: int | None  # None: not counted yet (see Engine.search)
    hits: list[Hit]
    terms: frozenset = frozenset()


def default_index_dir(corpus: Path) -> Path:
    """`<corpus>/.reader/index`, or a folder in the user's cache when the corpus is not writable."""
    inside = Path(corpus) / ".reader" / "index"
    if os.access(corpus, os.W_OK) or (inside.exists() and os.access(inside, os.W_OK)):
        return inside
    return cache_folder() / "indexes" / corpus_digest(corpus)


class IndexLock:
    """An exclusive lock on the index folder held while writing (flock: dies with the process)."""

    def __init__(self, directory: Path) -> None:
        self.path = Path(directory) / LOCK_FILE
        self._fd: int | None = None

    def acquire(self, wait: bool) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except OSError as exc:
            os.close(fd)
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                raise IndexBusy("the index is being updated by another process") from None
            raise
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _read_json(path: Path) -> dict:
    return read_json_object(path, INDEX_RECORD_BYTES)


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
        return data_overlay.corpus_file(self.corpus, GAZETTEER_FILE)

    @property
    def _gazetteer_source(self) -> Path:
        """The gazetteer read: the data folder's once it has one, else the corpus's."""
        return data_overlay.readable_file(self.corpus, GAZETTEER_FILE)

    def add_gazetteer_name(self, name: str, kind: str) -> str:
        """Add a name to the corpus gazetteer (see gazetteer.add_name); the entity id it belongs to."""
        from reader.core.gazetteer import add_name

        return add_name(self.gazetteer_path, name, kind, base=self.corpus / GAZETTEER_FILE)

    def _gazetteer_version(self) -> list[int]:
        try:
            st = os.stat(self._gazetteer_source)
            return [st.st_mtime_ns, st.st_size]
        except OSError:
            return [0, 0]

    def gazetteer(self) -> Gazetteer | None:
        """The corpus gazetteer, or None when there is none or it does not parse (see gazetteer_error)."""
        from reader.core.loading import load_gazetteer

        return load_gazetteer(self._gazetteer_source)[0]

    def gazetteer_error(self) -> str:
        from reader.core.loading import load_gazetteer

        return load_gazetteer(self._gazetteer_source)[1]

    def entities(self, article: Article) -> list[Span]:
        """Entities in the article's text (title, blank line, body), gazetteer and automatic."""
        from reader.core.entities import recognise

        return recognise(article.text, article.lang, self.gazetteer())

    def _resolve_entity(self, name: str) -> list[str]:
        """Index terms an `entity:` query value stands for: the gazetteer id and the normalised name."""
        from reader.core.entities import normalise_name

        from reader.core.loading import load_gazetteer

        values = [normalise_name(name)]
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
        if meta.get("schema") != SCHEMA_VERSION or not SearchIndex.exists(self.index_dir):
            return True
        if meta.get("gazetteer", [0, 0]) != self._gazetteer_version() or meta.get("related") != RELATED_FORMAT:
            return True
        if meta.get("data") != (str(self.data) if self.data else None):
            return True
        for rel, mtime in (meta.get("folders") or {}).items():
            try:
                if os.stat(self.corpus / rel).st_mtime_ns != mtime:
                    return True
            except OSError:
                return True
        return any(_mtime_or_zero(self.data / rel) != mtime for rel, mtime in self._data_folders(meta).items())

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
               cancel: threading.Event | None = None) -> UpdateReport:
        """Bring the index up to date with the corpus: only new, changed and deleted files are processed.

        Raises IndexBusy when another process holds the index and `wait` is False.
        """
        started = time.perf_counter()
        lock = IndexLock(self.index_dir)
        lock.acquire(wait)
        try:
            report = self._update_locked(rebuild, progress, cancel)
        finally:
            lock.release()
        report.seconds = time.perf_counter() - started
        return report

    def _update_locked(self, rebuild: bool, progress: Progress | None,
                       cancel: threading.Event | None) -> UpdateReport:
        report = UpdateReport()
        report.rebuilt = self._why_rebuild(rebuild)
        with self._lock:
            if self._index is not None:
                self._index.close()
                self._index = None
        fresh = bool(report.rebuilt) or not SearchIndex.exists(self.index_dir)
        if report.rebuilt:
            self.messages.append(f"Rebuilding the index: {report.rebuilt}.")
        manifest = {} if fresh else _read_json(self.index_dir / MANIFEST_FILE).get("files", {})
        from reader.core.loading import load_gazetteer

        _, problem = load_gazetteer(self._gazetteer_source)
        if problem:
            report.warnings.append(problem)
        if not fresh and self._meta().get("gazetteer") != self._gazetteer_version():
            manifest = {i: [0, 0, 0] for i in manifest}  # entities may differ in every article
            self.messages.append(f"{GAZETTEER_FILE} changed: re-reading every article for its entities.")
        folders: dict[str, int] = {}
        data_folders: dict[str, int] = {}
        entries = {e.id: e for e in scan_corpus(self.corpus, report.warnings, folders, data_folders)}
        report.total = len(entries)
        related = self._related_index()
        if fresh:
            related.clear()
        else:  # the relatedness store may have been emptied (new format) while the index was kept
            missing = set(manifest) - related.article_ids()
            manifest = {i: [0, 0, 0] if i in missing else v for i, v in manifest.items()}
        todo = [e for e in entries.values() if manifest.get(e.id) != [e.mtime_ns, e.size, e.sidecar_mtime_ns]]
        deleted = [i for i in manifest if i not in entries]
        index = self._index_to_write(fresh)
        new_manifest = {i: v for i, v in manifest.items() if i in entries}
        done = 0

        def record(loaded: Loaded) -> IndexDoc | None:
            """Note what loading one file gave; its document when it is to be indexed."""
            path, doc, features, note = loaded
            rel = Path(path).relative_to(self.corpus).as_posix()
            if doc is None:
                report.skipped.append(f"{rel}: {note}")
                new_manifest.pop(rel, None)
                related.remove(rel)
                return None
            related.add_record(rel, doc.lang, doc.title, features)
            if note:
                report.warnings.append(f"{rel}: {note}")
            entry = entries[rel]
            new_manifest[rel] = [entry.mtime_ns, entry.size, entry.sidecar_mtime_ns]
            if rel in manifest:
                report.changed += 1
            else:
                report.added += 1
            return doc

        def tick() -> bool:
            nonlocal done
            done += 1
            if progress is not None:
                progress(done, len(todo))
            return not (cancel is not None and cancel.is_set())

        replaced = [e.id for e in todo if e.id in manifest]  # changed, or now skipped: the old copy goes
        try:  # nothing to do: no commit, so readers do not see a new generation
            committed = not (fresh or todo or deleted) or \
                self._write(index, todo, record, tick, [*deleted, *replaced] if not fresh else [], fresh)
        except BaseException:
            related.rollback()
            raise
        finally:
            index.close()
        if not committed:
            related.rollback()
            report.cancelled = True
            return report
        for article_id in deleted:
            related.remove(article_id)
        related.commit()
        report.removed = len(deleted) + sum(1 for i in replaced if i not in new_manifest)
        if new_manifest != manifest or fresh:
            _write_json(self.index_dir / MANIFEST_FILE, {"files": new_manifest})
        if fresh or report.added or report.removed or not (self.index_dir / FIRST_SEEN_FILE).exists():
            update_first_seen(self.index_dir, new_manifest, now_utc())
        _write_json(self.index_dir / META_FILE, {"schema": SCHEMA_VERSION, "folders": folders,
                                                 "gazetteer": self._gazetteer_version(),
                                                 "related": RELATED_FORMAT, "data_folders": data_folders,
                                                 "data": str(self.data) if self.data else None})
        return report

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
        for name in (META_FILE, MANIFEST_FILE):
            (self.index_dir / name).unlink(missing_ok=True)
        return SearchIndex.create(self.index_dir)

    def _write(self, index: SearchIndex, todo: list[FileEntry], record: Callable[[Loaded], IndexDoc | None],
               tick: Callable[[], bool], deleted: list[str], fresh: bool) -> bool:
        """Load `todo` and commit it to the index (True), or stop when `tick` says so (False).

        Large batches are loaded by one process per core, each writing its own segments; small ones here.
        """
        from reader.core import loading

        jobs = [(str(self.corpus), e.path) for e in todo]
        if len(jobs) < PARALLEL_THRESHOLD:
            def docs() -> Iterator[IndexDoc]:
                for loaded in map(loading.load_for_index, jobs):
                    doc = record(loaded)
                    if doc is not None:
                        yield doc

            return index.write(docs(), deleted, fresh=fresh, on_doc=tick)
        from reader.core.shards import load_in_parallel

        def on_loaded(loaded: Loaded) -> bool:
            record(loaded)
            return tick()

        segments = load_in_parallel(self.index_dir, jobs, on_loaded, os.cpu_count() or 1)
        return segments is not None and index.write((), deleted, fresh=fresh, segments=segments)

    def ensure_fresh(self) -> UpdateReport | None:
        """Update the index when it looks stale; when another process is updating it, use it as it is."""
        if not self.is_stale():
            return None
        try:
            return self.update(wait=not SearchIndex.exists(self.index_dir))
        except IndexBusy:
            return None

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
               count: bool = True) -> SearchResults:
        """Run a query (`sort`: relevance, or date for newest first). Raises QueryError for a malformed query.

        `count=False` leaves the total out (None) when more articles match than are listed: a first
        page comes sooner, and `count()` follows.
        """
        found = self._reading(lambda index: index.search(query, limit=limit, lang=lang, tag=tag, sort=sort,
                                                         count=count, resolve_entity=self._resolve_entity))
        hits = [self._hit(stored, found.terms if snippets else None) for stored in found.hits]
        return SearchResults(found.total, hits, found.terms)

    def count(self, query: str, *, lang: str | None = None, tag: str | None = None) -> int:
        """How many articles a query matches."""
        return self._reading(lambda index: index.count(query, lang=lang, tag=tag,
                                                       resolve_entity=self._resolve_entity))

    def _reading(self, read: Callable[[SearchIndex], _Read]) -> _Read:
        """Run a read of the index; a damaged index is rebuilt (with a message) and the read run again."""
        with self._lock:
            try:
                return read(self._require_index())
            except QueryError:
                raise
            except _DAMAGE as exc:  # damaged segment files
                self.messages.append(f"The index could not be read ({exc}); rebuilding it.")
                self._index = None
                self.update(rebuild=True)
                return read(self._require_index())

    def facets(self, query: str, lang: str | None = None, tag: str | None = None) -> dict[str, dict[str, int]]:
        """Counts of languages, sources, tags and top entities over every article the query matches."""
        from reader.core.facets import count_facets

        with self._lock:
            index = self._require_index()
            return count_facets(index.matching_fields(query, lang=lang, tag=tag,
                                                      resolve_entity=self._resolve_entity))

    def _hit(self, stored: StoredHit, terms: frozenset | None) -> Hit:
        snippet = self.snippet(stored.id, stored.lang, terms, stored.title) if terms is not None else []
        return Hit(stored.id, self.corpus / stored.id, stored.title, stored.lang, stored.date,
                   stored.tags, stored.score, snippet)

    def snippet(self, article_id: str, lang: str, terms: frozenset, title: str) -> list[Fragment]:
        """A snippet of the article around the query's matched terms, cut from the file's body after the
        `title` the index holds (a front-matter or sidecar title, not the file's first line)."""
        try:
            parsed = parse_file(self.corpus / article_id)
        except (ArticleSkipped, OSError):
            return []
        text = f"{title}\n\n{parsed.body}"[:SNIPPET_SCAN_CHARS]
        return make_snippet(text, match_spans(terms, text, lang))

    def reindex(self, article_ids: list[str]) -> None:
        """Re-read a few articles (after their sidecar changed) so searches see the change at once."""
        from reader.core import loading
        from reader.core.sidecars import sidecar_mtime_ns

        lock = IndexLock(self.index_dir)
        lock.acquire(wait=True)
        try:
            with self._lock:
                manifest_path = self.index_dir / MANIFEST_FILE
                manifest = _read_json(manifest_path).get("files", {})
                docs = []
                for article_id in article_ids:
                    path, doc, _, _ = loading.load_for_index((str(self.corpus), str(self.corpus / article_id)))
                    if doc is None:
                        continue
                    st = os.stat(path)
                    manifest[article_id] = [st.st_mtime_ns, st.st_size, sidecar_mtime_ns(Path(path))]
                    docs.append(doc)
                index = self._require_index()
                index.write(docs)
                _write_json(manifest_path, {"files": manifest})
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

    def notes(self, article_id: str) -> str:
        """The analyst's notes on an article from its sidecar ('' when none or the sidecar is malformed)."""
        from reader.core.sidecars import SidecarError, read_sidecar

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
                and is_article_name(parts[-1]) and (self.corpus / prefix).is_file() \
                and within(os.path.realpath(self.corpus), str(self.corpus / prefix)):  # as the scan finds it
            return Path(prefix).as_posix()
        with self._lock:
            matches = self._require_index().ids_with_prefix(prefix)
        if prefix in matches:
            return prefix
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
        """Articles related to one article: other languages first, each with a score and reasons."""
        return self._filled_related_index().related(article_id, limit=limit, lang=lang)

    def story(self, article_id: str) -> list[str]:
        """Ids of the articles told as the same story (translations, rewrites, near-duplicates)."""
        return self._filled_related_index().story(article_id)

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
