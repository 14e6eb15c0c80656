"""The errors the analyst can act on, and how to tell the machine's refusals from bugs.

The front ends print a `ReaderError` as one line. A failure of the environment (no space, a
read-only file system, no permission, a quota, an I/O error, a lock held too long) is named by
`environment_failure` so that it gets its own one-line message and exit status, never "internal error".
"""

from __future__ import annotations

import errno

AFTER_FAILURE = "what was written before is kept; the next command brings the index up to date"

_REASONS = {
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EROFS: "read-only file system",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EIO: "input/output error",
    errno.EMFILE: "too many open files",
    errno.ENFILE: "too many open files in the system",
}
_SQLITE_REASONS = (  # sqlite3.OperationalError texts that are the machine's, not ours
    ("disk is full", "no space left on the device"),
    ("disk i/o error", "input/output error"),
    ("readonly database", "read-only file system"),
    ("unable to open database file", "cannot open the database file"),
    ("database is locked", "a lock held too long by another process"),
)


class ReaderError(Exception):
    """An error caused by input, files or state the user controls; str() is a one-line message."""


class EnvironmentFailure(ReaderError):
    """The machine refused the work (space, permissions, read-only, I/O, a lock held too long)."""


def environment_failure(exc: BaseException) -> EnvironmentFailure | None:
    """The environmental failure behind `exc` (itself or a cause), as a one-line error; None for others."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, EnvironmentFailure):
            return current
        reason = _reason(current)
        if reason:
            where = getattr(current, "filename", None)
            subject = f"{where}: " if where else ""
            return EnvironmentFailure(f"{subject}{reason} ({AFTER_FAILURE})")
        current = current.__cause__ or current.__context__
    return None


def _reason(exc: BaseException) -> str | None:
    if isinstance(exc, OSError) and exc.errno in _REASONS:
        return _REASONS[exc.errno]
    if type(exc).__name__ == "OperationalError" and type(exc).__module__.startswith("sqlite3"):
        text = str(exc).lower()
        return next((reason for needle, reason in _SQLITE_REASONS if needle in text), None)
    return None
