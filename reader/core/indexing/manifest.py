"""The manifest: what the index holds of each corpus file, so that an update reads only what changed.

It records each file's stamp (mtime, size and its sidecar's mtime, as last read), each container's members
with their digests, and each article's text fingerprint (renames are followed by it; '' when unreadable).
It lives in SQLite in the index folder: an update or a tag writes only the rows that changed, where a
JSON manifest of a million files (100 MB) was read and written whole. Callers hold the index lock.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Iterable

from reader.core.userdata.files import INDEX_RECORD_BYTES, read_json_object

FILE = "manifest.sqlite"
LEGACY_FILE = "reader-manifest.json"  # an earlier version's manifest: taken in and removed on first use
Stamp = tuple[int, int, int]  # mtime_ns, size, sidecar mtime_ns (0: no sidecar)
UNREAD: Stamp = (0, 0, 0)  # matches no file: read it again

_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (id TEXT PRIMARY KEY, mtime INTEGER, size INTEGER, sidecar INTEGER) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS members (id TEXT PRIMARY KEY, digests TEXT) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS prints (id TEXT PRIMARY KEY, print TEXT) WITHOUT ROWID;
"""


@dataclass
class Manifest:
    """files: id -> stamp; members: container id -> member key -> digest; prints: id -> fingerprint."""

    files: dict[str, Stamp] = field(default_factory=dict)
    members: dict[str, dict[str, str]] = field(default_factory=dict)
    prints: dict[str, str] = field(default_factory=dict)


def _connect(index_dir: Path) -> sqlite3.Connection:
    db = sqlite3.connect(str(Path(index_dir) / FILE), isolation_level=None)
    db.executescript(_SCHEMA)
    return db


def load(index_dir: Path) -> Manifest:
    """The whole manifest (empty for a new index; one unreadable is empty too: every file is read again)."""
    index_dir = Path(index_dir)
    if not (index_dir / FILE).exists():
        return _take_in_legacy(index_dir)
    try:
        with closing(_connect(index_dir)) as db:
            rows = db.execute("SELECT id, mtime, size, sidecar FROM files").fetchall()
            files = dict(zip(map(itemgetter(0), rows), map(itemgetter(1, 2, 3), rows)))  # at C speed
            members = {c: json.loads(d) for c, d in db.execute("SELECT id, digests FROM members")}
            prints = dict(db.execute("SELECT id, print FROM prints"))
    except (sqlite3.DatabaseError, ValueError) as exc:
        if isinstance(exc, sqlite3.OperationalError):  # the machine's refusal (I/O, space, lock), not damage
            raise
        remove(index_dir)
        return Manifest()
    return Manifest(files, members, prints)


class Damaged(Exception):
    """The manifest cannot be read as one (`load` then forgets it: every file is read again)."""


def load_within(index_dir: Path, direct: Iterable[str], whole: Iterable[str]) -> Manifest:
    """The rows of the files right inside the `direct` folders and anywhere under the `whole` ones
    (relative paths, '.' the corpus itself): what an update of part of the corpus compares and writes.
    Raises Damaged when the manifest is not a database of ours."""
    try:
        return _load_within(index_dir, direct, whole)
    except (sqlite3.DatabaseError, ValueError) as exc:
        if isinstance(exc, sqlite3.OperationalError):  # the machine's refusal (I/O, space, lock), not damage
            raise
        raise Damaged(str(exc)) from None


def _load_within(index_dir: Path, direct: Iterable[str], whole: Iterable[str]) -> Manifest:
    rows: dict[str, list] = {"files": [], "members": [], "prints": []}
    columns = {"files": "id, mtime, size, sidecar", "members": "id, digests", "prints": "id, print"}
    with closing(_connect(index_dir)) as db:
        for folders, deep in ((direct, False), (whole, True)):
            for folder in folders:
                for table, found in rows.items():
                    if folder == ".":
                        part = db.execute(f"SELECT {columns[table]} FROM {table}" + ("" if deep else
                                          " WHERE instr(id, '/') = 0")).fetchall()
                    else:  # ids between 'a/b/' and 'a/b0' ('0' follows '/'): the folder's, by the primary key
                        part = db.execute(f"SELECT {columns[table]} FROM {table} WHERE id >= ? AND id < ?",
                                          (folder + "/", folder + "0")).fetchall()
                        if not deep:
                            part = [row for row in part if "/" not in row[0][len(folder) + 1:]]
                    found += part
    return Manifest({row[0]: tuple(row[1:]) for row in rows["files"]},
                    {row[0]: json.loads(row[1]) for row in rows["members"]}, dict(rows["prints"]))


def save(index_dir: Path, now: Manifest, before: Manifest | None) -> None:
    """Write `now` in one transaction: only its differences from `before` (what `load` gave), or all of
    it when `before` is None."""
    with closing(_connect(index_dir)) as db:
        db.execute("BEGIN IMMEDIATE")
        try:
            if before is None:
                db.execute("DELETE FROM files")
                db.execute("DELETE FROM members")
                db.execute("DELETE FROM prints")
                before = Manifest()
            _write_changes(db, "files", now.files, before.files, lambda stamp: tuple(stamp))
            _write_changes(db, "members", now.members, before.members, lambda digests: (json.dumps(digests),))
            _write_changes(db, "prints", now.prints, before.prints, lambda fingerprint: (fingerprint,))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise


def _write_changes(db: sqlite3.Connection, table: str, now: dict, before: dict, columns) -> None:
    """Delete the rows of `table` gone from `before` to `now` and write those added or changed."""
    if now == before:  # at C speed: a table the update left alone is not walked
        return
    gone = [(key,) for key in before if key not in now]
    if gone:
        db.executemany(f"DELETE FROM {table} WHERE id = ?", gone)
    changed = [(key, *columns(value)) for key, value in now.items() if before.get(key) != value]
    if changed:
        marks = ", ".join("?" * len(changed[0]))
        db.executemany(f"INSERT OR REPLACE INTO {table} VALUES ({marks})", changed)


def members_of(index_dir: Path, container: str) -> dict[str, str]:
    """One container's members with their digests ({} when it has none recorded)."""
    with closing(_connect(index_dir)) as db:
        row = db.execute("SELECT digests FROM members WHERE id = ?", (container,)).fetchone()
    return json.loads(row[0]) if row else {}


def record(index_dir: Path, files: dict[str, Stamp], members: dict[str, dict[str, str]],
           prints: dict[str, str]) -> None:
    """Write the rows of a few files read again (a tag's re-index), leaving the others as they are."""
    save(index_dir, Manifest(files, members, prints), Manifest())


def remove(index_dir: Path) -> None:
    """Forget the manifest (a new index starts without one)."""
    for name in (FILE, FILE + "-journal", LEGACY_FILE):
        (Path(index_dir) / name).unlink(missing_ok=True)


def _take_in_legacy(index_dir: Path) -> Manifest:
    """The JSON manifest of an older reader, moved into SQLite (empty when there is none)."""
    legacy = index_dir / LEGACY_FILE
    if not legacy.exists():
        return Manifest()
    stored = read_json_object(legacy, INDEX_RECORD_BYTES)
    manifest = Manifest({i: tuple(v) for i, v in stored.get("files", {}).items()
                         if isinstance(v, list) and len(v) == 3},
                        stored.get("members", {}), stored.get("fingerprints", {}))
    save(index_dir, manifest, None)
    legacy.unlink(missing_ok=True)
    return manifest
