"""The index folder's write lock: one writer at a time, across processes."""

from __future__ import annotations

import os
import time
from pathlib import Path

from reader.core.errors import EnvironmentFailure, ReaderError
from reader.core.userdata.files import flock_within, write_atomic

LOCK_FILE = "reader.lock"
WAIT_SECONDS = 3600.0  # the longest a writer waits for another's update (a million-article build)


class IndexBusy(ReaderError):
    """Another process is updating the index."""


class IndexLockTimeout(IndexBusy, EnvironmentFailure):
    """Another process held the index lock longer than a writer waits (WAIT_SECONDS)."""


class IndexLock:
    """An exclusive lock on the index folder held while writing (flock: dies with the process)."""

    def __init__(self, directory: Path) -> None:
        self.path = Path(directory) / LOCK_FILE
        self._fd: int | None = None
        self._since = 0.0

    def acquire(self, wait: bool) -> None:
        """Take the lock at once (IndexBusy when another process holds it), or with `wait` within
        WAIT_SECONDS (IndexLockTimeout after that)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        ignore_itself(self.path.parent)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
        try:
            taken = flock_within(fd, WAIT_SECONDS if wait else 0.0, poll=0.05)
        except OSError:
            os.close(fd)
            raise
        if not taken:
            os.close(fd)
            if wait:
                raise IndexLockTimeout(f"{self.path}: another process has been updating the index for more than "
                                       f"{WAIT_SECONDS / 60:.0f} minutes")
            raise IndexBusy("the index is being updated by another process")
        self._fd, self._since = fd, time.monotonic()

    def held_seconds(self) -> float:
        """How long the lock has been held (bookkeeping: merges must hold it only briefly)."""
        return time.monotonic() - self._since if self._fd is not None else 0.0

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def ignore_itself(index_dir: Path) -> None:
    """Give the index folder a `.gitignore` of `*`, so `git add -A` in a corpus never stages it."""
    ignore = Path(index_dir) / ".gitignore"
    if not ignore.exists():
        try:
            write_atomic(ignore, "# reader's index: made again from the corpus, never committed\n*\n")
        except ReaderError:
            pass  # a read-only index folder: nothing to stage either
