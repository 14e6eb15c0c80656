"""The index folder's write lock: one writer at a time, across processes."""

from __future__ import annotations

import errno
import fcntl
import os
import time
from pathlib import Path

from reader.core.errors import ReaderError
from reader.core.userdata.files import write_atomic

LOCK_FILE = "reader.lock"


class IndexBusy(ReaderError):
    """Another process is updating the index."""


class IndexLock:
    """An exclusive lock on the index folder held while writing (flock: dies with the process)."""

    def __init__(self, directory: Path) -> None:
        self.path = Path(directory) / LOCK_FILE
        self._fd: int | None = None
        self._since = 0.0

    def acquire(self, wait: bool) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        ignore_itself(self.path.parent)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except OSError as exc:
            os.close(fd)
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                raise IndexBusy("the index is being updated by another process") from None
            raise
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
