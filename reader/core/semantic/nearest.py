"""Searching an index's semantic vectors: the articles nearest in meaning to a query's words."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from reader.core.semantic import model, vectors


class MeaningSearch:
    """The vectors of one index folder, read again when a job has replaced them."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        self._seen: tuple | None = None
        self._vectors: vectors.Vectors | None = None

    def current(self) -> vectors.Vectors | None:
        """The vectors made by the installed model (None: the extra is not installed, or none are made)."""
        if not model.available():
            return None
        try:
            found = os.stat(self.index_dir / vectors.VECTORS_FILE)
            seen: tuple | None = (found.st_ino, found.st_mtime_ns, found.st_size)
        except OSError:
            seen = None
        if seen != self._seen:
            self._seen, self._vectors = seen, vectors.load(self.index_dir) if seen else None
        usable = self._vectors is not None and len(self._vectors) and self._vectors.model == model.model_name()
        return self._vectors if usable else None

    def searcher(self) -> Callable[[str, Callable[[str], bool], int], list[tuple[str, float]]] | None:
        """A search of the current vectors by a query's words (`index.Meaning`), or None."""
        found = self.current()
        if found is None:
            return None
        return lambda words, allowed, wanted: found.nearest(model.embed_query(words), allowed, wanted)
