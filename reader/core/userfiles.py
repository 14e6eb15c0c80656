"""Files the analyst owns outside the corpus (saved searches, batch state): locked, merged, atomic writes.

An flock on a hidden `.<name>.lock` beside the file around the whole re-read/merge/write, and a
replace by a fsynced temporary file in the same folder. Files inside the corpus (sidecars, the
gazetteer) lock their folder instead (`folder_lock`), so that no lock file is left beside articles.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import threading
import time
from pathlib import Path
from typing import Iterator

from reader.core.errors import ReaderError

LOCK_TIMEOUT = 10.0
MAX_USER_FILE_BYTES = 1024 * 1024
INDEX_RECORD_BYTES = 2**31  # the index's own records (manifest, first-seen times) grow with the corpus

_held_folders = threading.local()


class UserFileError(ReaderError):
    """A user file that cannot be read, parsed or written; str() names the file."""


@contextlib.contextmanager
def file_lock(path: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the exclusive lock of `path` (dies with the process, so never stale)."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path.with_name(f".{path.name}.lock"), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    except OSError as exc:
        raise UserFileError(f"{path}: cannot lock ({exc.strerror or exc})") from None
    try:
        if not flock_within(fd, timeout):
            raise UserFileError(f"{path}: locked by another writer")
        yield
    finally:
        os.close(fd)


class FolderLocked(ReaderError):
    """A folder's lock that could not be taken; `problem` says why without naming the folder."""

    def __init__(self, folder: Path, problem: str) -> None:
        super().__init__(f"{folder}: {problem}")
        self.problem = problem


@contextlib.contextmanager
def folder_lock(folder: Path, timeout: float = LOCK_TIMEOUT, poll: float = 0.005) -> Iterator[None]:
    """Hold the exclusive lock of a folder: an flock on the folder itself, so no lock file is created.

    A lock file beside the data cannot simply be removed after use (a waiter may hold the descriptor of
    the unlinked file and lock it, while a third process creates and locks a new one); locking the
    folder's own inode avoids both the leftover file and the race. It dies with the process, needs no
    write permission, and is re-entrant within a thread. FolderLocked when it cannot be taken in time.
    """
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as exc:
        raise FolderLocked(folder, f"cannot lock its folder ({exc.strerror or exc})") from None
    try:
        st = os.fstat(fd)
        key = (st.st_dev, st.st_ino)
        held: set = _held_folders.__dict__.setdefault("keys", set())
        if key in held:
            yield
            return
        if not flock_within(fd, timeout, poll):
            raise FolderLocked(folder, "locked by another writer")
        held.add(key)
        try:
            yield
        finally:
            held.discard(key)
    finally:
        os.close(fd)


def flock_within(fd: int, timeout: float, poll: float = 0.01) -> bool:
    """Take the exclusive flock of an open file, waiting up to `timeout` seconds; False when it timed out."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(poll)


def read_text(path: Path, limit: int = MAX_USER_FILE_BYTES,
              error: type[ReaderError] = UserFileError) -> str | None:
    """The file's UTF-8 text (at most `limit` bytes), None when it does not exist; problems raise `error`."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise error(f"{path}: cannot read ({exc.strerror or exc})") from None
    if len(data) > limit:
        raise error(f"{path}: too big: larger than {limit:,} bytes")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not UTF-8 text (bad byte at offset {exc.start})") from None


def read_json_object(path: Path, limit: int = MAX_USER_FILE_BYTES) -> dict:
    """The JSON object in a file; {} when the file is missing, unreadable, too big or not an object."""
    try:
        data = json.loads(read_text(path, limit) or "{}")
    except (ValueError, UserFileError):
        return {}
    return data if isinstance(data, dict) else {}


def write_atomic(path: Path, data: str | bytes) -> None:
    """Replace `path` by a fully written, fsynced temporary file in the same folder (text as UTF-8)."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise UserFileError(f"{path}: cannot write ({exc.strerror or exc}); the previous file is unchanged") from None


def data_folder() -> Path:
    """reader's folder for the analyst's data ($XDG_DATA_HOME/reader on Linux)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("reader"))


def cache_folder() -> Path:
    """reader's folder for what can be made again ($XDG_CACHE_HOME/reader on Linux)."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("reader"))


def corpus_digest(corpus: Path) -> str:
    """A short name for a corpus folder wherever it is reached from (a digest of its resolved path)."""
    return hashlib.sha1(os.path.realpath(corpus).encode()).hexdigest()[:16]
