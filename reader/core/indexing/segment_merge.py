"""Background merging of index segments: merges that never hold the index lock long.

Writers (a tag, a changed article, a build) only ever add segments. Maintenance merges them
(docs/index-segments.md): it picks segments by the tiered policy (segment_policy.plan), writes their live documents
into one new segment in a folder of its own, without any lock but its own (writers go on meanwhile),
then takes the index lock for one short step: it carries over the deletions made meanwhile,
moves the new files in and writes a table of contents that names the new segment instead of the
merged ones. Killed at any point, the index is the old one or the new one; leftovers are removed
by the next maintenance (the merge folder) or the next commit (segment files no table names).
"""

from __future__ import annotations

import heapq
import os
import shutil
import threading
import time
from array import array
from dataclasses import dataclass, field
from itertools import groupby, repeat
from pathlib import Path
from typing import Callable, Iterator

from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.index import TOC, clean_files
from whoosh.util.numeric import byte_to_length

from reader.core.indexing import segment_policy as policy
from reader.core.indexing.segment_policy import MergeEstimate, SegmentInfo, plan, segment_infos
from reader.core.search import posting_arrays
from reader.core.search.index import _storage, _Writer
from reader.core.search.posting_arrays import EXTENSION as ARRAYS
from reader.core.search.posting_arrays import ArraysWriter, keeps_arrays
from reader.core.search.posting_pool import _FieldLengths, _TermWriter
from reader.core.search.scoring import in_order, matcher_blocks
from reader.core.userdata.files import flock_within

MERGE_FOLDER = "merging"  # not *.tmp*: a writer's clean-up would remove it from under the merge
MERGE_LOCK_FILE = "merge.lock"
Progress = Callable[[int, int], None]


@dataclass
class MaintenanceReport:
    """What maintenance did: merges made (segment counts merged into one each), before and after."""

    segments_before: int = 0
    segments_after: int = 0
    merges: list[int] = field(default_factory=list)
    documents_merged: int = 0
    seconds: float = 0.0
    locked_seconds: float = 0.0  # the longest hold of the index lock (one swap)
    cancelled: bool = False
    busy: bool = False  # another process was merging: nothing done
    left: MergeEstimate | None = None  # a merge too long for a command to wait for
    arrays_written: int = 0  # segments of an earlier version given their posting arrays


class MergeLock:
    """Only one merge at a time per index (flock: dies with the process); writers do not take it."""

    def __init__(self, index_dir: Path) -> None:
        self.path = Path(index_dir) / MERGE_LOCK_FILE
        self._fd: int | None = None

    def acquire(self) -> bool:
        """Take the lock; False when another process holds it."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
        try:
            taken = flock_within(fd, 0.0)
        except OSError:
            os.close(fd)
            raise
        if not taken:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class _MergeTarget:
    """What Whoosh's segment writer reads of an index, with the files written in the merge folder."""

    def __init__(self, ix, storage) -> None:
        self.storage, self.indexname, self._toc = storage, ix.indexname, ix._read_toc()

    def _read_toc(self):
        return self._toc


@dataclass
class _Merged:
    """A merged segment written in the merge folder, with what the swap needs to carry deletions over."""

    segment: object
    sources: list  # the merged segments as they were read (their deletions then)
    docmaps: list  # per source: old doc number -> new (dict), or None when it had no deletions (offset)
    bases: list[int]


class _Cancelled(Exception):
    """The merge was asked to stop."""


def _ticker(progress: Progress | None, cancel: threading.Event | None, total: int) -> Callable[[int], None]:
    """A function to call now and then with the work done: it reports progress, and raises _Cancelled
    once `cancel` is set."""
    def tick(done: int) -> None:
        if progress is not None:
            progress(done, total)
        if cancel is not None and cancel.is_set():
            raise _Cancelled

    return tick


def merge_segments(ix, sources: list, folder: Path, progress: Progress | None = None,
                   cancel: threading.Event | None = None) -> _Merged | None:
    """Write the live documents of `sources` (Whoosh segments of `ix`) into one new segment in `folder`.

    Memory stays small whatever the sizes: stored fields go document by document and postings term
    by term (a k-way merge of the sources' sorted terms). None when cancelled.
    """
    folder.mkdir(parents=True, exist_ok=True)
    writer = _Writer(_MergeTarget(ix, _storage(folder)), _lk=False, compound=False)
    readers = [ix._reader(ix.storage, ix.schema, [segment], 0) for segment in sources]
    docs = sum(r.doc_count() for r in readers)
    tick = _ticker(progress, cancel, 4 * docs)  # the postings take about three times the stored fields
    source_postings = sum(ix.storage.file_length(s.make_filename(".pst")) for s in sources) or 1
    lengths = None
    try:
        docmaps, bases = [], []
        for reader in readers:
            bases.append(writer.docnum)
            docmaps.append(_copy_documents(writer, reader, tick))
        writer.perdocwriter.close()
        lengths = writer.per_document_reader()
        fieldwriter = writer.fieldwriter
        with ArraysWriter(folder / writer.get_segment().make_filename(ARRAYS)) as arrays:
            for fieldname in sorted(set().union(*(r.indexed_field_names() for r in readers)) & set(ix.schema.names())):
                fieldwriter.start_field(fieldname, ix.schema[fieldname])
                terms = _TermWriter(fieldwriter, _FieldLengths({}, lengths, fieldname), arrays)
                for count, posting in enumerate(_merged_postings(readers, fieldname, docmaps, bases)):
                    terms.write(*posting)
                    if count % 2048 == 0:  # done: the new postings file's share of the sources'
                        tick(docs + min(3 * docs * terms._offset // source_postings, 3 * docs))
                fieldwriter.finish_field()
        fieldwriter.close()
        writer._close_segment()
        segment = writer.get_segment()
        writer._finish()
        tick(4 * docs)
        return _Merged(segment, list(sources), docmaps, bases)
    except _Cancelled:
        _cancel(writer)
        return None
    except BaseException:
        _cancel(writer)
        raise
    finally:
        if lengths is not None:
            lengths.close()
        for reader in readers:
            reader.close()


def merge_unlisted(index_dir: Path, segments: list):
    """Merge segments that no table of contents names yet (a loader's, during a build) into one new segment
    in the index folder, remove theirs and return it. No lock is needed: nobody else knows them."""
    merged = merge_segments(_storage(index_dir).open_index(), segments, Path(index_dir))
    for name in _files_of(Path(index_dir), segments):
        os.remove(Path(index_dir) / name)
    return merged.segment


def _files_of(folder: Path, segments: list) -> list[str]:
    """The names of the files of `segments` in a folder."""
    prefixes = tuple(f"{segment.segment_id()}." for segment in segments)
    return [name for name in os.listdir(folder) if name.startswith(prefixes)]


def _copy_documents(writer, reader, tick: Callable[[int], None]) -> dict | None:
    """Copy the live documents' stored fields, field lengths and columns of a segment to the writer's new
    segment (`tick` every 1,024); return old -> new doc numbers, or None when there were no deletions
    (the numbers follow on).

    Whoosh's `write_per_doc` does this with a look for each field's length file per document."""
    schema, perdoc, out = writer.schema, reader._perdoc, writer.perdocwriter
    lengths = {name: column for name in schema.names() if schema[name].scorable
               for column in [perdoc._cached_reader(f"_{name}_len", LENGTHS_COLUMN)] if column is not None}
    columns = {name: perdoc.column_reader(name, schema[name].column_type) for name in schema.names()
               if schema[name].column_type and reader.has_column(name)}
    docmap: dict | None = {} if reader.has_deletions() else None
    for docnum, stored in reader.iter_docs():
        if docmap is not None:
            docmap[docnum] = writer.docnum
        out.start_doc(writer.docnum)
        for name in stored.keys() | lengths.keys():
            length = lengths[name][docnum] if name in lengths else 0
            out.add_field(name, schema[name], stored.get(name), byte_to_length(length) if length else 0)
        for name, column in columns.items():
            out.add_column_value(name, schema[name].column_type, column[docnum])
        out.finish_doc()
        writer.docnum += 1
        if writer.docnum % 1024 == 0:
            tick(writer.docnum)
    tick(writer.docnum)
    return docmap


def _cancel(writer) -> None:
    if not writer.is_closed:
        writer.cancel()


def _merged_postings(readers: list, fieldname: str, docmaps: list, bases: list[int]) -> Iterator[tuple]:
    """(term, doc numbers, weights, values) of every term of a field over the sources, in term order,
    with the new document numbers; terms left only in deleted documents are left out. A source without
    live documents gives nothing."""
    terms = [zip(_field_postings(reader, fieldname), repeat(number)) for number, reader in enumerate(readers)
             if reader.doc_count()]
    deleted = [in_order(reader.deleted_docs_set) for reader in readers]
    for term, group in groupby(heapq.merge(*terms, key=lambda item: item[0][0]), key=lambda item: item[0][0]):
        docs, weights, values = array("I"), [], []
        for (_, matcher), number in group:
            docmap, base = docmaps[number], bases[number]
            for ids, block_weights, block_values in matcher_blocks(matcher, deleted[number], True, True):
                docs.extend([docmap[i] for i in ids] if docmap is not None else [base + i for i in ids])
                weights.extend(block_weights)
                values.extend(block_values)
        if docs:
            yield term, docs, weights, values


def _field_postings(reader, fieldname: str, least: int = 0) -> Iterator[tuple[bytes, object]]:
    """(term, its postings' matcher) for every term of a field of a segment held by `least` documents
    or more, in order: read along the segment's term table, not looked up term by term (a lookup,
    20 µs, was most of the time of merging small segments)."""
    table = reader._terms
    field_format = reader.schema[fieldname].format
    for (name, text), info in table.items_from(fieldname, b""):
        if name != fieldname:
            return
        if info.doc_frequency() >= least:
            yield text, table._codec.postings_reader(table._postfile, info, field_format, term=(fieldname, text))


def fill_arrays(index_dir: Path, cancel: threading.Event | None = None) -> int:
    """Write the posting arrays of the index's segments written before they were kept, or kept in an
    earlier layout (see `posting_arrays`); how many were written. Each appears whole (a temporary name,
    then renamed)."""
    ix = _storage(index_dir).open_index()
    written = 0
    for segment in ix._segments():
        path = Path(index_dir) / segment.make_filename(ARRAYS)
        if posting_arrays.is_current(path) or (cancel is not None and cancel.is_set()):
            continue
        reader = ix._reader(ix.storage, ix.schema, [segment], 0)
        try:
            with ArraysWriter(path) as arrays:
                for fieldname in sorted(set(reader.indexed_field_names()) & set(ix.schema.names())):
                    if keeps_arrays(ix.schema[fieldname].format):
                        _add_field_arrays(reader, fieldname, arrays)
            written += 1
        except OSError:  # a rebuild removed the segment meanwhile
            pass
        finally:
            reader.close()
    return written


def _add_field_arrays(reader, fieldname: str, arrays: ArraysWriter) -> None:
    """Add the common terms of a segment's field to its posting arrays, read from their blocks."""
    prefix = reader._terms._keycoder(fieldname, b"")
    for term, matcher in _field_postings(reader, fieldname, posting_arrays.MIN_DOCS):
        docs, weights, values = [], [], []
        for ids, block_weights, block_values in matcher_blocks(matcher, (), True, True):
            docs += ids
            weights += block_weights
            values += block_values
        arrays.add(prefix + term, docs, weights, values)


def swap_in(index_dir: Path, merged: _Merged, folder: Path) -> tuple[bool, float]:
    """Replace the merged segments by the new one in one short commit under the index lock; carry over the
    deletions made in them meanwhile. False (nothing changed) when one of them is gone (a rebuild);
    and the seconds the lock was held."""
    from reader.core.indexing.lock import IndexLock

    lock = IndexLock(index_dir)
    lock.acquire(wait=True)
    try:
        storage = _storage(index_dir)
        ix = storage.open_index()
        toc = ix._read_toc()
        current = {s.segment_id(): s for s in toc.segments}
        if any(source.segment_id() not in current for source in merged.sources):
            return False, lock.held_seconds()
        new = merged.segment
        for source, docmap, base in zip(merged.sources, merged.docmaps, merged.bases):
            for docnum in set(current[source.segment_id()].deleted_docs()) - set(source.deleted_docs()):
                new.delete_document(docmap[docnum] if docmap is not None else base + docnum)
        for name in _files_of(folder, [new]):
            os.replace(folder / name, Path(index_dir) / name)
        gone = {source.segment_id() for source in merged.sources}
        segments = [s for s in toc.segments if s.segment_id() not in gone]
        first = next(i for i, s in enumerate(toc.segments) if s.segment_id() in gone)
        segments.insert(min(first, len(segments)), new)
        TOC(toc.schema, segments, toc.generation + 1).write(storage, ix.indexname)
        clean_files(storage, ix.indexname, toc.generation + 1, segments)
        held = lock.held_seconds()
    finally:
        lock.release()
    # the store of name skeletons need not read the merged segment again (outside the lock: it may wait)
    from reader.core.translation.name_variants import update_store

    update_store(Path(index_dir), lambda store: store.note_merge(sorted(gone), new.segment_id()), create=False)
    return True, held


def maintain(index_dir: Path, *, optimize: bool = False, cancel: threading.Event | None = None,
             progress: Progress | None = None, on_merge: Callable[[list[SegmentInfo]], None] | None = None,
             quick: bool = False, budget: float | None = None) -> MaintenanceReport:
    """Merge segments until the layout is within the policy (`optimize`: merge all into one).

    Each merge is written outside the index lock and swapped in under it; `cancel` stops between
    merges and inside one; `quick` does one merge at most, and only one of QUICK_MERGE_BYTES at most
    (after a tag: bounded, whatever the index); `budget` (seconds a command the analyst waits for may
    spend on one merge, FOREGROUND_SECONDS at least) stops before a merge estimated past it while the
    index has MOST_SEGMENTS or fewer segments that can still merge, and reports that merge as `left`.
    `on_merge` is told each merge before it starts.
    """
    started = time.perf_counter()
    report = MaintenanceReport()
    lock = MergeLock(index_dir)
    if not lock.acquire():
        report.busy = True
        return report
    folder = Path(index_dir) / MERGE_FOLDER
    try:
        shutil.rmtree(folder, ignore_errors=True)  # what a killed merge left
        while not (cancel is not None and cancel.is_set()):
            ix = _storage(index_dir).open_index()
            segments = ix._segments()
            infos = segment_infos(ix.storage, segments)
            report.segments_before = report.segments_before or len(infos)
            report.segments_after = len(infos)
            chosen = infos if optimize and len(infos) > 1 else [] if optimize else plan(infos)
            if not chosen or (quick and sum(s.live_bytes for s in chosen) > policy.QUICK_MERGE_BYTES):
                break
            cost = policy.estimate(chosen)
            if budget is not None and not optimize and sum(map(policy.can_merge, infos)) <= policy.MOST_SEGMENTS and (
                    cost.seconds > max(budget, policy.FOREGROUND_SECONDS)):
                report.left = cost
                break
            if on_merge is not None:
                on_merge(chosen)
            wanted = {info.id for info in chosen}
            sources = [s for s in segments if s.segment_id() in wanted]
            try:
                merged = merge_segments(ix, sources, folder, progress, cancel)
            except Exception:  # noqa: BLE001 - Whoosh fails in many ways on files deleted under it
                if _all_there(index_dir, sources):
                    raise
                continue  # a rebuild committed meanwhile and removed the sources: plan again
            if merged is None:
                break
            swapped, held = swap_in(Path(index_dir), merged, folder)
            report.locked_seconds = max(report.locked_seconds, held)
            shutil.rmtree(folder, ignore_errors=True)
            if swapped:
                report.merges.append(len(sources))
                report.documents_merged += merged.segment.doc_count_all()
                report.segments_after = len(infos) - len(sources) + 1
            if quick:
                break
            optimize = False
        if not quick:
            report.arrays_written = fill_arrays(Path(index_dir), cancel)
        report.cancelled = cancel is not None and cancel.is_set()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        lock.release()
    report.seconds = time.perf_counter() - started
    return report


def _all_there(index_dir: Path, sources: list) -> bool:
    """True when the index's current table still names every one of `sources`."""
    current = {s.segment_id() for s in _storage(index_dir).open_index()._segments()}
    return all(source.segment_id() in current for source in sources)


def maintain_apart(index_dir: Path, cancel: threading.Event) -> bool:
    """`maintain` in a low-priority process of its own (an app's searches keep their core and their
    interpreter); killed when `cancel` is set, which is safe at any point. True when it finished."""
    from reader.core.indexing.apart import run_apart

    return run_apart(maintain, (Path(index_dir),), cancel, "reader-merge")
