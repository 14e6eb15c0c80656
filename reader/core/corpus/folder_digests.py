"""A digest of each corpus folder's listing, so that an update finds the folders where anything changed
without reading a million manifest rows.

A folder's digest covers every entry's name and, for a file, its mtime and size: an article edited in
place, a sidecar written, a file added, removed or renamed all change it. Comparing digests costs a
`stat` of every file, as comparing stamps did, but only the folders whose digest changed are then
compared row by row, read and written.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from reader.core.corpus.articles import within
from reader.core.userdata.files import INDEX_RECORD_BYTES, read_json_object, write_atomic

FILE = "folder-digests.json"  # in the index folder
PARALLEL_FOLDERS = 500  # a corpus of this many folders (at the last update) is digested by two processes
SUBTREES = 16  # the parent digests folders breadth first until it has this many subtrees to share out


def digest_folders(root: Path, parallel: bool = False) -> dict[str, str]:
    """{folder relative to `root` ('.' for itself): the digest of its listing} for every folder an update
    may walk: hidden folders are left out, a folder reached twice (links) is digested once, and a link
    leading out of the corpus is not followed (its name is in its folder's digest). `parallel` (a large
    corpus): a second process digests half of the corpus's subtrees, since the cost is a `stat` of
    every file."""
    root_path = os.fspath(root)
    if not parallel:
        return _digest_trees(root_path, [root_path], set())
    digests: dict[str, str] = {}
    seen: set[tuple[int, int]] = set()
    pending = [root_path]  # breadth first, until there are subtrees enough to share
    while pending and len(pending) < SUBTREES:
        digests.update(_digest_trees(root_path, [pending.pop(0)], seen, pending))
    mine, theirs = pending[1::2], pending[::2]
    import multiprocessing  # here: a search checks folders but never digests them in two processes
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        other = pool.submit(_digest_trees, root_path, theirs, set(seen))  # a copy: `seen` grows meanwhile
        digests.update(_digest_trees(root_path, mine, seen))
        try:
            digests.update(other.result())
            theirs = []
        except (OSError, BrokenProcessPool):  # the second process could not run: digested here
            pass
    digests.update(_digest_trees(root_path, theirs, seen))
    return digests


def _digest_trees(root_path: str, starts: list[str], seen: set[tuple[int, int]],
                  below: list[str] | None = None) -> dict[str, str]:
    """The digests of the folders under `starts` (themselves included), except those `seen` (their
    device and inode, noted as they are digested); with `below`, only `starts` themselves, their
    subfolders added to `below`."""
    real_root = os.path.realpath(root_path)
    prefix = len(root_path.rstrip(os.sep)) + 1
    digests: dict[str, str] = {}
    stack = list(reversed(starts))  # depth first in name order, as the update walks
    while stack:
        folder = stack.pop()
        try:
            st = os.stat(folder)
            if (st.st_dev, st.st_ino) in seen:
                continue
            seen.add((st.st_dev, st.st_ino))
            listing = os.scandir(folder)
        except OSError:
            continue  # the update's own walk says why
        lines, subfolders = [], []
        with listing:
            for entry in listing:
                name = entry.name
                if name.startswith("."):
                    continue
                try:
                    if entry.is_dir():
                        lines.append(name + "/")
                        if not entry.is_symlink() or within(real_root, entry.path):
                            subfolders.append(entry.path)
                        continue
                    stat = entry.stat()
                    lines.append(f"{name}\t{stat.st_mtime_ns}\t{stat.st_size}")
                except OSError:
                    lines.append(name + "\t?")
        subfolders.sort()
        if below is None:
            stack.extend(reversed(subfolders))
        else:
            below.extend(subfolders)
        lines.sort()
        text = "\n".join(lines).encode("utf-8", "surrogateescape")
        digests[folder[prefix:].replace(os.sep, "/") or "."] = hashlib.blake2b(text, digest_size=16).hexdigest()
    return digests


def load(index_dir: Path) -> dict[str, str]:
    """The digests the last full update kept ({} when there are none, or they cannot be read)."""
    stored = read_json_object(Path(index_dir) / FILE, INDEX_RECORD_BYTES)
    digests = stored.get("folders")
    if not isinstance(digests, dict) or not all(isinstance(v, str) for v in digests.values()):
        return {}
    return digests


def save(index_dir: Path, digests: dict[str, str]) -> None:
    """Keep the digests a full update found before it read the corpus."""
    write_atomic(Path(index_dir) / FILE, json.dumps({"folders": digests}))
