"""Batch searches: read a batch file, remember when each batch last ran, and when each article arrived.

State lives in the index folder: `batch-state.json` (batch file path -> time of its last run) and
`first-seen.json` (article id -> time it was first indexed), both ISO timestamps in UTC.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from reader.core.errors import ReaderError
from reader.core.userdata.files import (
    INDEX_RECORD_BYTES,
    UserFileError,
    file_lock,
    read_json_object,
    read_text,
    write_atomic,
)
from reader.core.userdata.yaml_files import parse

BATCH_STATE_FILE = "batch-state.json"
FIRST_SEEN_FILE = "first-seen.json"


class BatchError(ReaderError):
    """A batch file that cannot be read, or a --new-since value that is not a date."""


@dataclass(frozen=True)
class BatchQuery:
    """One query of a batch: its name (the query text for plain lines) and the query."""

    name: str
    query: str


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def read_batch(path: Path) -> list[BatchQuery]:
    """Queries of a batch file: `.yaml`/`.yml` hold a list of {name, query} or a name -> query mapping;
    any other file has one query per line (blank lines and `#` comments skipped)."""
    try:
        text = read_text(path)
    except UserFileError as exc:
        raise BatchError(str(exc)) from None
    if text is None:
        raise BatchError(f"batch file not found: {path}")
    if Path(path).suffix.lower() not in (".yaml", ".yml"):
        lines = (line.strip() for line in text.splitlines())
        return [BatchQuery(line, line) for line in lines if line and not line.startswith("#")]
    data = parse(text, path, BatchError)
    if isinstance(data, dict):
        data = [{"name": name, "query": query} for name, query in data.items()]
    queries = []
    for item in data if isinstance(data, list) else [None]:
        if not (isinstance(item, dict) and isinstance(item.get("query"), str) and item["query"].strip()):
            raise BatchError(f"{path}: expected a list of {{name, query}} or a mapping name: query")
        queries.append(BatchQuery(str(item.get("name") or item["query"]), item["query"]))
    return queries


def parse_since(value: str) -> dt.datetime:
    """A --new-since date or timestamp (ISO); a time without zone is local time."""
    try:
        when = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise BatchError(f"--new-since needs an ISO date (2024-05-07), a timestamp or 'last', not {value!r}") from None
    return when if when.tzinfo else when.astimezone()


def last_run(index_dir: Path, batch_path: Path) -> dt.datetime | None:
    """When this batch file last ran against this index, None if never."""
    stamp = read_json_object(Path(index_dir) / BATCH_STATE_FILE).get(str(Path(batch_path).resolve()))
    try:
        return parse_since(stamp) if isinstance(stamp, str) else None
    except BatchError:
        return None


def record_run(index_dir: Path, batch_path: Path, when: dt.datetime) -> None:
    """Remember that this batch file ran at `when` (merged under a lock with other batches' runs)."""
    path = Path(index_dir) / BATCH_STATE_FILE
    with file_lock(path):
        state = read_json_object(path)
        state[str(Path(batch_path).resolve())] = when.isoformat()
        write_atomic(path, json.dumps(state, indent=1, sort_keys=True) + "\n")


def first_seen(index_dir: Path) -> dict[str, dt.datetime]:
    """When each indexed article was first indexed."""
    seen = {}
    for article_id, stamp in read_json_object(Path(index_dir) / FIRST_SEEN_FILE, INDEX_RECORD_BYTES).items():
        try:
            seen[article_id] = parse_since(stamp)
        except (BatchError, AttributeError):
            continue
    return seen


def update_first_seen(index_dir: Path, article_ids: Iterable[str], when: dt.datetime) -> None:
    """Give new ids the time `when` and forget ids no longer indexed (called with the index lock held)."""
    path = Path(index_dir) / FIRST_SEEN_FILE
    before = read_json_object(path, INDEX_RECORD_BYTES)
    ids = set(article_ids)
    if before.keys() == ids:  # nothing added or removed (the usual update): no 100,000-entry rewrite
        return
    stamp = when.isoformat()
    _write_first_seen(path, before, {i: before[i] if isinstance(before.get(i), str) else stamp for i in ids})


def note_first_seen(index_dir: Path, added: Iterable[str], removed: Iterable[str], when: dt.datetime) -> None:
    """Give the `added` ids the time `when` unless they have one, and forget the `removed` (an update of
    part of the corpus; called with the index lock held)."""
    path = Path(index_dir) / FIRST_SEEN_FILE
    before = read_json_object(path, INDEX_RECORD_BYTES)
    after = dict(before)
    for article_id in removed:
        after.pop(article_id, None)
    stamp = when.isoformat()
    after.update((i, stamp) for i in added if not isinstance(after.get(i), str))
    _write_first_seen(path, before, after)


def _write_first_seen(path: Path, before: dict, after: dict) -> None:
    if after != before:
        write_atomic(path, json.dumps(after, separators=(",", ":"), sort_keys=True))
