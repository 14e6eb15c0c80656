"""The semantic vectors of an index's articles: one file in the index folder, replaced whole.

`semantic-vectors.bin` holds a line naming the format, a JSON line (model, dimension, article ids in row
order), then from aligned offsets the rows as int8 codes and one float32 scale per row (a row is its
codes times its scale: scores within about 0.002 of the float ones, and converting int8 for a product is
several times faster than float16). It is read by mapping, so a search process touches only the header
and the rows it scores. A writer builds a new file and renames it over the old: a reader sees either.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from reader.core.semantic import VECTORS_FILE

_MAGIC = b"reader-vectors 2\n"
_ALIGN = 64
_CHUNK = 8192  # rows scored at once: a float32 copy of them (12 MiB) stays in the cache; 48 MiB took 2.3 times as long


@dataclass
class Vectors:
    """Article ids and their unit vectors made by `model`: row i is `codes[i] * scales[i]`."""

    model: str
    ids: list[str]
    codes: np.ndarray  # int8, one row per article
    scales: np.ndarray  # float32, one per row
    _last: tuple | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def of(cls, model: str, ids: list[str], rows: np.ndarray) -> "Vectors":
        """Vectors of float `rows`, each quantised to int8 with its own scale."""
        rows = np.asarray(rows, dtype=np.float32).reshape(len(ids), -1)
        scales = np.abs(rows).max(axis=1, initial=0.0) / 127.0
        scales[scales == 0] = 1.0
        codes = np.rint(rows / scales[:, None]).astype(np.int8)
        return cls(model, list(ids), codes, scales.astype(np.float32))

    def __len__(self) -> int:
        return len(self.ids)

    def floats(self) -> np.ndarray:
        """The rows as float32."""
        return self.codes.astype(np.float32) * self.scales[:, None]

    def subset(self, rows: list[int]) -> "Vectors":
        """The vectors of these row numbers, in that order."""
        return Vectors(self.model, [self.ids[row] for row in rows], np.asarray(self.codes[rows]),
                       np.asarray(self.scales[rows]))

    def joined(self, other: "Vectors") -> "Vectors":
        """These vectors, then `other`'s."""
        return Vectors(self.model, self.ids + other.ids, np.concatenate([self.codes, other.codes]),
                       np.concatenate([self.scales, other.scales]))

    def nearest(self, query: np.ndarray, allowed: Callable[[str], bool], wanted: int,
                scan: int = 5000) -> list[tuple[str, float]]:
        """The `wanted` most similar allowed articles, best first, among the `scan` most similar of all."""
        if not len(self.ids):
            return []
        rows, scores = self._most_similar(np.asarray(query, dtype=np.float32), scan)
        found: list[tuple[str, float]] = []
        for row, score in zip(rows.tolist(), scores.tolist()):
            if allowed(self.ids[row]):
                found.append((self.ids[row], score))
                if len(found) == wanted:
                    break
        return found

    def _most_similar(self, query: np.ndarray, scan: int) -> tuple[np.ndarray, np.ndarray]:
        """Row numbers and scores of the `scan` rows most similar to `query`, best first. The last query's
        are kept: a search, its count and its facets ask for the same."""
        key = (query.tobytes(), scan)
        if self._last is not None and self._last[0] == key:
            return self._last[1]
        scores = np.concatenate([self.codes[start:start + _CHUNK].astype(np.float32) @ query
                                 for start in range(0, len(self.ids), _CHUNK)]) * self.scales
        top = min(scan, len(scores))
        best = np.argpartition(-scores, top - 1)[:top] if top < len(scores) else np.arange(len(scores))
        best = best[np.argsort(-scores[best], kind="stable")]
        self._last = (key, (best, scores[best]))
        return self._last[1]


def empty(model: str, dim: int) -> Vectors:
    """No vectors."""
    return Vectors(model, [], np.zeros((0, dim), dtype=np.int8), np.zeros(0, dtype=np.float32))


def _aligned(offset: int) -> int:
    return -(-offset // _ALIGN) * _ALIGN


def load(index_dir: Path) -> Vectors | None:
    """The vectors of an index (None when there are none, or the file is unreadable or of an older
    format: they are made again)."""
    path = Path(index_dir) / VECTORS_FILE
    try:
        with path.open("rb") as handle:
            if handle.readline() != _MAGIC:
                return None
            header = json.loads(handle.readline())
            offset = _aligned(handle.tell())
        ids, dim = list(header["ids"]), int(header["dim"])
        if not ids:
            return empty(str(header["model"]), dim)
        codes = np.memmap(path, dtype=np.int8, mode="r", offset=offset, shape=(len(ids), dim))
        scales = np.memmap(path, dtype=np.float32, mode="r", offset=_aligned(offset + codes.nbytes),
                           shape=(len(ids),))
        return Vectors(str(header["model"]), ids, codes, scales)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save(index_dir: Path, vectors: Vectors) -> None:
    """Write the vectors in place of the old file, atomically."""
    path = Path(index_dir) / VECTORS_FILE
    header = json.dumps({"model": vectors.model, "dim": int(vectors.codes.shape[1]), "ids": vectors.ids},
                        ensure_ascii=False).encode("utf-8") + b"\n"
    codes = np.ascontiguousarray(vectors.codes, dtype=np.int8).tobytes()
    start = _aligned(len(_MAGIC) + len(header))
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("wb") as handle:
            handle.write(_MAGIC + header + b"\0" * (start - len(_MAGIC) - len(header)))
            handle.write(codes + b"\0" * (_aligned(start + len(codes)) - start - len(codes)))
            handle.write(np.ascontiguousarray(vectors.scales, dtype=np.float32).tobytes())
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
