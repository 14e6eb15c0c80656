"""Large index updates in parallel: each loader process loads articles and writes its own index segments.

The indexing process hands out chunks of files, records what each loader reports (features,
notes, skipped files) as it comes, and commits the loaders' segments in one commit at the end.
A loader merges its own segments as it goes into ones large enough never to merge again, so the
build's merges run on every core rather than in one process after it.
The search path never imports this module.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
from dataclasses import replace
from pathlib import Path
from typing import Callable

from reader.core.errors import ReaderError
from reader.core.indexing.apart import exit_with_parent
from reader.core.indexing.loading import Loaded, load_for_index
from reader.core.indexing.segment_merge import merge_unlisted
from reader.core.indexing.segment_policy import MAX_MERGED_BYTES, can_merge, segment_infos
from reader.core.search.index import SegmentBuilder, _storage
from reader.core.userdata import data_overlay

CHUNK = 32  # files per task: small enough for a smooth progress bar
# Postings a loader holds before it writes them out as a segment and starts another (about 6,000
# news articles, 20 MiB on disk): bounds each loader's memory at about 350 MB.
SEGMENT_BYTES = 160 * 2**20


class LoaderFailed(ReaderError):
    """A loader process failed or died; the update did not happen."""


def _loader(index_dir: str, jobs, results, stop, parent: int, overlays: dict[str, str]) -> None:
    """Loader process: load the chunks of `jobs` into one new segment, report each chunk, then the segment.

    `overlays`: the indexing process's data folders (see data_overlay), for the sidecars to read."""
    exit_with_parent(parent)
    data_overlay.restore(overlays)
    try:
        builder = SegmentBuilder(Path(index_dir))
        small: list = []  # this loader's segments that would still merge, not reported yet
        while not stop.is_set():
            chunk = jobs.get()
            if chunk is None:
                break
            reports = []
            for job in chunk:
                for loaded in load_for_index(job):
                    if loaded.doc is not None:
                        builder.add(loaded.doc)
                        loaded = loaded._replace(doc=replace(loaded.doc, text=""))  # the text stays here
                    reports.append(loaded)
            results.put(("loaded", reports))
            if builder.size > SEGMENT_BYTES:
                small = settle(Path(index_dir), [*small, builder.finish()], results.put)
                builder = SegmentBuilder(Path(index_dir))
        if stop.is_set():
            builder.cancel()
        else:
            for segment in settle(Path(index_dir), [*small, builder.finish()], results.put):
                results.put(("segment", segment))  # the last ones, left to the policy's merges
        results.put(("done", None))
    except BaseException as exc:  # noqa: BLE001 - reported to the indexing process, which stops
        results.put(("error", f"{type(exc).__name__}: {exc}"))


def settle(index_dir: Path, segments: list, report: Callable[[tuple], None], cap: int | None = None) -> list:
    """Report (`("segment", segment)`) those of a loader's new `segments` (None: empty, left out) that are
    final (can no longer merge under the merge cap, segment_policy.MAX_MERGED_BYTES unless `cap` is
    given); merge the others into one when another like them would not fit in the cap (so the merged
    one is final too); return those waiting."""
    cap = MAX_MERGED_BYTES if cap is None else cap
    segments = [segment for segment in segments if segment is not None]
    small, sizes = [], []
    for segment, info in zip(segments, segment_infos(_storage(index_dir), segments)):
        if not can_merge(info, cap):
            report(("segment", segment))
        else:
            small.append(segment)
            sizes.append(info.live_bytes)
    if len(small) > 1 and sum(sizes) + max(sizes) > cap:
        report(("segment", merge_unlisted(index_dir, small)))
        return []
    return small


def load_in_parallel(index_dir: Path, jobs: list[tuple], on_loaded: Callable[[Loaded], bool],
                     processes: int) -> list | None:
    """Load `jobs` (see loading.load_for_index) in `processes` loaders, each writing segments into `index_dir`.

    `on_loaded` is called in this process for every article (its doc holds no text); returning False
    cancels. Returns the segments to commit, or None when cancelled. Raises LoaderFailed.
    """
    context = multiprocessing.get_context("spawn")  # fork is unsafe from a threaded (TUI) process
    tasks, results, stop = context.Queue(), context.Queue(), context.Event()
    tasks.cancel_join_thread()  # chunks left when cancelled must not hold this process at exit
    for start in range(0, len(jobs), CHUNK):
        tasks.put(jobs[start:start + CHUNK])
    for _ in range(processes):
        tasks.put(None)
    loaders = [context.Process(target=_loader, args=(str(index_dir), tasks, results, stop, os.getpid(),
                                                         data_overlay.registered()),
                               daemon=True, name=f"reader-loader-{number}") for number in range(processes)]
    for loader in loaders:
        loader.start()
    segments, finished = [], 0
    try:
        while finished < processes:
            try:
                kind, value = results.get(timeout=1.0)
            except queue.Empty:
                if any(loader.exitcode not in (None, 0) for loader in loaders):  # killed, out of memory…
                    raise LoaderFailed("an indexing process died; the index was not changed") from None
                continue
            if kind == "error":
                raise LoaderFailed(f"indexing failed: {value}; the index was not changed")
            if kind == "done":
                finished += 1
                continue
            if kind == "segment":
                if value is not None:
                    segments.append(value)
                continue
            for loaded in value:
                if not stop.is_set() and not on_loaded(loaded):
                    stop.set()
    finally:
        if finished < processes:
            stop.set()
        for loader in loaders:
            loader.join(timeout=10)
            if loader.is_alive():
                loader.terminate()
        tasks.close()
        results.close()
    return None if stop.is_set() else segments
