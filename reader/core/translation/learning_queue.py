"""The articles whose translations are still to be learned: an index update notes them here and returns,
and learning (`reader index` at its end, the app when idle, or a small update at once) takes them later.

The record, `learn-pending.json` in the index folder, maps each article id to the number of the update
that noted it, changed or removed. Learning takes a snapshot, learns, and then drops only the entries
no newer update has noted again meanwhile; a learner killed half-way leaves the record whole. The
semantic tier keeps the same kind of record of the articles to embed again (`file=EMBED_FILE`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from reader.core.userdata.files import file_lock, write_atomic

PENDING_FILE = "learn-pending.json"
EMBED_FILE = "embed-pending.json"  # articles whose semantic vectors are to be made again
LEARNING_LOCK = "lexicon-learning"  # held by the one process learning (a `.lexicon-learning.lock` file)


@dataclass
class Pending:
    """Article ids still to learn from: changed or removed, each with the number of the update that noted it."""

    number: int = 0
    changed: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.changed) + len(self.removed)


def _read(index_dir: Path, file: str) -> Pending:
    try:
        data = json.loads((Path(index_dir) / file).read_text(encoding="utf-8"))
        return Pending(int(data["number"]), dict(data["changed"]), dict(data["removed"]))
    except (OSError, ValueError, KeyError, TypeError):
        return Pending()  # none yet, or unreadable: the learned lexicon is still whole, just not newer


def _write(index_dir: Path, pending: Pending, file: str) -> None:
    write_atomic(Path(index_dir) / file, json.dumps(
        {"number": pending.number, "changed": pending.changed, "removed": pending.removed}))


def note(index_dir: Path, changed: Iterable[str], removed: Iterable[str], file: str = PENDING_FILE) -> int:
    """Add an update's changed and removed articles to the record; how many are pending now."""
    with file_lock(Path(index_dir) / file):
        pending = _read(index_dir, file)
        pending.number += 1
        for article_id in changed:
            pending.removed.pop(article_id, None)
            pending.changed[article_id] = pending.number
        for article_id in removed:
            pending.changed.pop(article_id, None)
            pending.removed[article_id] = pending.number
        _write(index_dir, pending, file)
        return len(pending)


def pending(index_dir: Path, file: str = PENDING_FILE) -> Pending:
    """A snapshot of the record."""
    with file_lock(Path(index_dir) / file):
        return _read(index_dir, file)


def done(index_dir: Path, taken: Pending, file: str = PENDING_FILE) -> None:
    """Drop what `taken` held from the record, but for articles an update noted again since."""
    with file_lock(Path(index_dir) / file):
        now = _read(index_dir, file)
        for mine, theirs in ((taken.changed, now.changed), (taken.removed, now.removed)):
            for article_id, number in mine.items():
                if theirs.get(article_id) == number:
                    del theirs[article_id]
        _write(index_dir, now, file)
