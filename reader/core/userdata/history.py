"""Query history of the app, one file per corpus in the user's data folder.

The file holds one JSON string per line, oldest first. Recording appends under the file's lock, so
two analysts sharing a corpus keep both their queries. A line that does not parse is skipped when
reading and never rewritten: the file is compacted to the newest MAX_ENTRIES queries only when every
line of it parses.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from reader.core.userdata.files import UserFileError, corpus_digest, data_folder, file_lock, write_atomic

HISTORY_FOLDER = "history"
MAX_ENTRIES = 1000
MAX_HISTORY_BYTES = 8 * 1024 * 1024  # a bigger file is not read (nor written): history starts empty


def history_path(corpus: Path) -> Path:
    """The history file of a corpus: `history/<folder name>-<digest of its resolved path>.jsonl`."""
    name = re.sub(r"[^\w.-]+", "_", Path(os.path.realpath(corpus)).name)[:40] or "corpus"
    return data_folder() / HISTORY_FOLDER / f"{name}-{corpus_digest(corpus)}.jsonl"


def _read(path: Path) -> tuple[list[str], bool]:
    """The queries in the file and whether every line parsed; UserFileError when it cannot be read."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_HISTORY_BYTES + 1)
    except FileNotFoundError:
        return [], True
    except OSError as exc:
        raise UserFileError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if len(data) > MAX_HISTORY_BYTES:
        raise UserFileError(f"{path}: too big (over {MAX_HISTORY_BYTES} bytes); history is not kept")
    queries, clean = [], True
    for line in data.decode("utf-8", errors="replace").splitlines():
        try:
            query = json.loads(line)
        except ValueError:
            query = None
        if isinstance(query, str) and query.strip():
            queries.append(query)
        elif line.strip():
            clean = False
    return queries, clean


def _ends_with_newline(path: Path) -> bool:
    with open(path, "rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"


def load_history(path: Path) -> list[str]:
    """Recorded queries, oldest first (the newest MAX_ENTRIES); UserFileError for an unreadable file."""
    return _read(path)[0][-MAX_ENTRIES:]


def record_query(path: Path, query: str) -> bool:
    """Append `query` unless it is empty or the newest entry already; True when it was appended.

    The file is compacted (atomically) once it holds twice MAX_ENTRIES queries and every line parses.
    """
    query = query.strip()
    if not query:
        return False
    with file_lock(path):
        queries, clean = _read(path)
        if queries and queries[-1] == query:
            return False
        line = json.dumps(query, ensure_ascii=False) + "\n"
        if clean and len(queries) >= 2 * MAX_ENTRIES:
            kept = [*queries[-(MAX_ENTRIES - 1):], query]
            write_atomic(path, "".join(json.dumps(q, ensure_ascii=False) + "\n" for q in kept))
            return True
        try:
            with open(path, "a+", encoding="utf-8") as handle:
                if handle.tell() and not _ends_with_newline(path):
                    line = "\n" + line  # a torn last line stays a line of its own
                handle.write(line)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            raise UserFileError(f"{path}: cannot write ({exc.strerror or exc})") from None
    return True
