"""The semantic vectors of an index's articles: one file in the index folder, replaced whole.

`semantic-vectors.bin` holds a line naming the format, a JSON line (model, dimension, article ids in row
order), then the rows as float16 from an aligned offset; it is read by mapping, so a search process
touches only the header and the rows it scores. A writer builds a new file and renames it over the
old: a reader sees either.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

VECTORS_FILE = "semantic-vectors.bin"
_MAGIC = b"reader-vectors 1\n"
_ALIGN = 64
_CHUNK = 16384  # rows scored at once (a float32 copy of them: 24 MiB)


@dataclass
class Vectors:
    """Article ids and their unit vectors (rows of `matrix`, float16) made by `model`."""

    model: str
    ids: list[str]
    matrix: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)

    def nearest(self, query: np.ndarray, allowed: Callable[[str], bool], wanted: int,
                scan: int = 5000) -> list[tuple[str, float]]:
        """The `wanted` most similar allowed articles, best first, among the `scan` most similar of all."""
        if not len(self.ids):
            return []
        query = np.asarray(query, dtype=np.float32)
        scores = np.concatenate([self.matrix[start:start + _CHUNK].astype(np.float32) @ query
                                 for start in range(0, len(self.ids), _CHUNK)])
        top = min(scan, len(scores))
        best = np.argpartition(-scores, top - 1)[:top] if top < len(scores) else np.arange(len(scores))
        found: list[tuple[str, float]] = []
        for row in best[np.argsort(-scores[best], kind="stable")]:
            if allowed(self.ids[row]):
                found.append((self.ids[row], float(scores[row])))
                if len(found) == wanted:
                    break
        return found

    def rows(self) -> Iterator[tuple[str, np.ndarray]]:
        """(article id, vector) in row order."""
        return zip(self.ids, self.matrix)


def load(index_dir: Path) -> Vectors | None:
    """The vectors of an index (None when there are none, or the file is unreadable: they are made again)."""
    path = Path(index_dir) / VECTORS_FILE
    try:
        with path.open("rb") as handle:
            if handle.readline() != _MAGIC:
                return None
            header = json.loads(handle.readline())
            offset = -(-handle.tell() // _ALIGN) * _ALIGN
        ids, dim = list(header["ids"]), int(header["dim"])
        if not ids:
            return Vectors(str(header["model"]), [], np.zeros((0, dim), dtype=np.float16))
        matrix = np.memmap(path, dtype=np.float16, mode="r", offset=offset, shape=(len(ids), dim))
        return Vectors(str(header["model"]), ids, matrix)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save(index_dir: Path, vectors: Vectors) -> None:
    """Write the vectors in place of the old file, atomically."""
    path = Path(index_dir) / VECTORS_FILE
    header = json.dumps({"model": vectors.model, "dim": int(vectors.matrix.shape[1]), "ids": vectors.ids},
                        ensure_ascii=False).encode("utf-8") + b"\n"
    start = len(_MAGIC) + len(header)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("wb") as handle:
            handle.write(_MAGIC + header + b"\0" * (-start % _ALIGN))
            handle.write(np.ascontiguousarray(vectors.matrix, dtype=np.float16).tobytes())
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
