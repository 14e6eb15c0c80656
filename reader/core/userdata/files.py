"""Locks and atomic writes, for every file reader writes: the analyst's files (saved searches, batch
state, sidecars, the gazetteer, the lexicon) and the index's records.

An flock on a hidden `.<name>.lock` beside the file around the whole re-read/merge/write, always with a
timeout, and `replace_file`: a fsynced temporary file in the same folder renamed over the file. Files
inside the corpus (sidecars, the gazetteer) use `transient_lock`, whose lock file is removed again, so
none is left beside articles.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import stat
import threading
import time
from pathlib import Path
from typing import Callable, Iterable, Iterator, TypeVar

from reader.core.errors import EnvironmentFailure, ReaderError

LOCK_TIMEOUT = 10.0
MAX_USER_FILE_BYTES = 1024 * 1024
INDEX_RECORD_BYTES = 2**31  # the index's own records (manifest, first-seen times) grow with the corpus

_held_locks = threading.local()


class UserFileError(ReaderError):
    """A user file that cannot be read, parsed or written; str() names the file."""


class LockHeld(UserFileError, EnvironmentFailure):
    """Another process held a file's lock longer than the timeout."""


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
            raise LockHeld(f"{path}: locked by another process for more than {timeout:g} s")
        yield
    finally:
        os.close(fd)


class LockUnavailable(ReaderError):
    """A lock that could not be taken; `problem` says why without naming the file."""

    def __init__(self, lock: Path, problem: str, read_only: bool = False, timed_out: bool = False) -> None:
        super().__init__(f"{lock}: {problem}")
        self.problem, self.read_only, self.timed_out = problem, read_only, timed_out


@contextlib.contextmanager
def transient_lock(lock: Path, timeout: float = LOCK_TIMEOUT, poll: float = 0.005) -> Iterator[None]:
    """Hold an exclusive flock on the file `lock`, made for the purpose and removed on release, so that
    nothing is left beside the data once the holder is done. Re-entrant within a thread.

    Removing a lock file is safe only with a check: a waiter may have opened the file just before the
    holder removed it, and would then lock a file no one else sees while a third process makes and
    locks a new one. So after taking the flock the holder checks that the path still names the very
    file it locked, and starts again if not; and only the holder removes the file, before letting go.
    The kernel drops the flock however the holder ends: a killed holder leaves the file, never a stale
    lock, and the next holder removes it. LockUnavailable when it cannot be taken within `timeout`.
    """
    key = os.path.abspath(lock)
    held: set[str] = _held_locks.__dict__.setdefault("paths", set())
    if key in held:
        yield
        return
    deadline = time.monotonic() + timeout
    while True:
        fd = _open_lock(Path(lock))
        try:
            if not flock_within(fd, max(0.0, deadline - time.monotonic()), poll):
                raise LockUnavailable(lock, "locked by another writer", timed_out=True)
            if _still_named(lock, fd):
                break
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)  # it was removed (or replaced) while we waited: lock the file there now
    held.add(key)
    try:
        yield
    finally:
        held.discard(key)
        with contextlib.suppress(OSError):  # a read-only folder keeps an older lock file
            os.unlink(lock)
        os.close(fd)


def _open_lock(lock: Path) -> int:
    try:
        return os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
    except OSError as exc:
        if exc.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise LockUnavailable(lock, f"cannot open lock file {lock.name}: {exc.strerror or exc}") from None
        try:  # an existing lock file we may not write can still be locked
            return os.open(lock, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except OSError:
            raise LockUnavailable(lock, "the folder is read-only", read_only=True) from None


def _still_named(lock: Path, fd: int) -> bool:
    """True when the path `lock` names the file open as `fd`."""
    try:
        now = os.stat(lock, follow_symlinks=False)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (now.st_dev, now.st_ino) == (held.st_dev, held.st_ino)


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
        with open(path, "rb") as handle:  # a buffer of the file's size, not of the limit
            data = handle.read(min(limit, os.fstat(handle.fileno()).st_size) + 1)
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


def replace_file(path: Path, data: bytes, temporary: Path | None = None) -> None:
    """Replace `path` by `data`, atomically and durably: a temporary file in the same folder (made
    anew, never through a link; `temporary`, else a name of this process and thread), the permission
    bits of the file it replaces, fsync, rename over `path`, fsync of the folder. OSError as raised;
    a failed write leaves the previous file and no temporary one."""
    path = Path(path)
    temporary = temporary or path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    mode = None
    with contextlib.suppress(FileNotFoundError):
        mode = stat.S_IMODE(os.lstat(path).st_mode)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
    try:
        try:
            if mode is not None:
                os.fchmod(fd, mode)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable
        folder = os.open(path.parent, os.O_RDONLY | os.O_CLOEXEC)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


def write_atomic(path: Path, data: str | bytes) -> None:
    """`replace_file` with text as UTF-8; a failure is a UserFileError naming the file."""
    try:
        replace_file(Path(path), data.encode("utf-8") if isinstance(data, str) else data)
    except OSError as exc:
        raise UserFileError(f"{path}: cannot write ({exc.strerror or exc}); the previous file is unchanged") from None


def data_folder() -> Path:
    """reader's folder for the analyst's data ($XDG_DATA_HOME/reader on Linux)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("reader"))


def cache_folder() -> Path:
    """reader's folder for what can be made again ($XDG_CACHE_HOME/reader on Linux)."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("reader"))


_Made = TypeVar("_Made")


def cached(stem: str, suffix: str, sources: Iterable[Path], make: Callable[[], _Made],
           dumps: Callable[[_Made], bytes], loads: Callable[[bytes], _Made | None]) -> _Made:
    """What `make` gives, kept in the user's cache as `<stem>-<size>-<mtime> of each source><suffix>`, so a
    copy made from other versions of the sources is never read. A copy that is missing or damaged
    (`loads` raises or gives None) is made again and written atomically, where the cache is writable;
    copies made from earlier versions are then removed."""
    stamp = "-".join(f"{st.st_size}-{st.st_mtime_ns}" for st in map(os.stat, sources))
    path = cache_folder() / f"{stem}-{stamp}{suffix}"
    try:
        found = loads(path.read_bytes())
        if found is not None:
            return found
    except Exception:  # noqa: BLE001 - no copy yet, or a damaged one: make it again
        pass
    made = make()
    with contextlib.suppress(OSError, UserFileError):
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, dumps(made))
        for stale in path.parent.glob(f"{stem}-*{suffix}"):
            if stale != path and stale.name[len(stem) + 1 : -len(suffix)].replace("-", "").isdigit():
                stale.unlink(missing_ok=True)
    return made


def corpus_digest(corpus: Path) -> str:
    """A short name for a corpus folder wherever it is reached from (a digest of its resolved path)."""
    return hashlib.sha1(os.path.realpath(corpus).encode()).hexdigest()[:16]
