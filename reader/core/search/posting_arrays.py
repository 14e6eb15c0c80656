"""A segment's common terms as flat arrays, beside its Whoosh posting blocks.

Whoosh keeps a term's postings in blocks of 128, each a compressed pickle of document numbers, weights
and word positions, and reading a block decompresses and unpickles all three: at a million articles a
common word's 2,000 blocks took most of a query, and a phrase of common words (or a word of a script
written without spaces, searched as a phrase of its characters) more. So when a segment is written,
each term of a text or title field held by at least `MIN_DOCS` of its documents is also written into
the segment's `.arr` file as arrays read back without a copy: its document numbers (1, 2 or 4
bytes each), its weights (1 byte when they are small whole numbers, else 4), and its posting values (the
word's positions, as `FastPositions` encodes them) joined, after each value's length (1, 2 or 4
bytes). The other fields are still read from the blocks, and so is every term of a segment whose
file is missing or of an earlier layout (`segment_merge.fill_arrays` writes it).

The file, little-endian: per term its key (the term table's: field number and term bytes, checked on
reading), documents, weights, value lengths and values; then the keys' 64-bit hashes in order (8
bytes each), a row per term in that order (data offset, postings, key length, the three widths and
the values' size: 26 bytes), and the number of terms and `RPA2`. Deleted documents stay in the
arrays; readers leave them out.
"""

from __future__ import annotations

import hashlib
import mmap
import os
import struct
import sys
from array import array
from pathlib import Path

from reader.core.search.analysis import FastPositions

MIN_DOCS = 512  # a term of fewer documents in a segment is read from its blocks (four or fewer)
EXTENSION = ".arr"
_MAGIC = b"RPA2"
_FOOTER = struct.Struct("<I4s")
_WIDTHS = {1: "u1", 2: "<u2", 4: "<u4"}  # unsigned numbers by width
_ROW = struct.Struct("<QIHBBBxQ")  # data offset, postings, key length, widths (document, weight, length), values


def keeps_arrays(field_format) -> bool:
    """Whether a field's common terms are kept as arrays: the ranked text and title fields (positions)."""
    return isinstance(field_format, FastPositions)


def key_hash(key: bytes) -> int:
    """The 64-bit hash of a term table key that orders the file's rows."""
    return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "little")


def _unsigned(numbers: list[int], largest: int) -> array:
    """Numbers of at most `largest` in the narrowest of 1, 2 and 4 bytes."""
    return array("B" if largest < 1 << 8 else "H" if largest < 1 << 16 else "I", numbers)


def _little(values: array) -> bytes:
    if sys.byteorder == "big":
        values = array(values.typecode, values)
        values.byteswap()
    return values.tobytes()


class ArraysWriter:
    """Writes a segment's `.arr` file while its terms are written: each common term's arrays go to a
    temporary file at once, and `close` adds the table and gives the file its name (as a context,
    the file is discarded when what it is in fails)."""

    def __init__(self, path: Path) -> None:
        self._path, self._temporary = path, path.with_name(path.name + ".tmp")
        self._file = open(self._temporary, "wb")
        self._rows: dict[int, bytes] = {}
        self._offset = 0

    def add(self, key: bytes, docs, weights, values: list[bytes]) -> None:
        """Keep a term's postings (document numbers in order, weights, values) when it is common enough."""
        if len(docs) < MIN_DOCS:
            return
        hashed = key_hash(key)
        if hashed in self._rows:  # two keys of one hash: the second is read from its blocks
            return
        ids = _unsigned(docs, docs[-1])
        try:
            stored = array("B", map(int, weights))
            if stored.tolist() != list(weights):  # not whole numbers
                stored = array("f", weights)
        except OverflowError:  # 256 or more, or negative
            stored = array("f", weights)
        sizes = list(map(len, values))
        lengths, joined = _unsigned(sizes, max(sizes)), b"".join(values)
        data = key + _little(ids) + _little(stored) + _little(lengths) + joined
        self._rows[hashed] = _ROW.pack(self._offset, len(docs), len(key), ids.itemsize, stored.itemsize,
                                       lengths.itemsize, len(joined))
        self._file.write(data)
        self._offset += len(data)

    def __enter__(self) -> ArraysWriter:
        return self

    def __exit__(self, kind, error, trace) -> None:
        if kind is None:
            self.close()
        else:
            self.discard()

    def close(self) -> None:
        """Write the table (of no terms when none was kept) and give the file its name."""
        order = sorted(self._rows)
        self._file.write(_little(array("Q", order)) + b"".join(map(self._rows.__getitem__, order)) +
                         _FOOTER.pack(len(order), _MAGIC))
        self._file.close()
        os.replace(self._temporary, self._path)

    def discard(self) -> None:
        """Leave no file (the segment was not written)."""
        self._file.close()
        self._temporary.unlink(missing_ok=True)


class SegmentArrays:
    """The `.arr` file of one segment, mapped in memory; `postings(key)` gives a term's arrays."""

    def __init__(self, path: Path) -> None:
        import numpy as np

        with open(path, "rb") as file:
            self._map = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        if len(self._map) < _FOOTER.size:
            raise ValueError(f"{path.name}: cut short")
        count, magic = _FOOTER.unpack_from(self._map, len(self._map) - _FOOTER.size)
        table = len(self._map) - _FOOTER.size - count * (8 + _ROW.size)
        if magic != _MAGIC or table < 0:
            raise ValueError(f"{path.name}: not a whole posting arrays file")
        self.count, self._data_end = count, table
        self._hashes = np.frombuffer(self._map, "<u8", count, table)
        self._rows = table + count * 8
        self._np = np

    def postings(self, key: bytes, values: bool = False):
        """(document numbers, weights) of a term as arrays, with `values` also (value lengths, values
        joined: bytes as an array); None when the file does not hold it."""
        hashed = key_hash(key)
        at = int(self._hashes.searchsorted(self._np.uint64(hashed)))
        if at == len(self._hashes) or int(self._hashes[at]) != hashed:
            return None
        offset, count, key_length, id_width, weight_width, length_width, size = \
            _ROW.unpack_from(self._map, self._rows + at * _ROW.size)
        end = offset + key_length + count * (id_width + weight_width + length_width) + size
        if self._map[offset:offset + key_length] != key or end > self._data_end or not (
                id_width in _WIDTHS and weight_width in (1, 4) and length_width in _WIDTHS):
            return None  # not this term, or a damaged row: the term is read from its blocks
        np, start = self._np, offset + key_length
        docs = np.frombuffer(self._map, _WIDTHS[id_width], count, start)
        start += count * id_width
        weights = np.frombuffer(self._map, "u1" if weight_width == 1 else "<f4", count, start)
        if not values:
            return docs, weights
        start += count * weight_width
        lengths = np.frombuffer(self._map, _WIDTHS[length_width], count, start)
        return docs, weights, lengths, np.frombuffer(self._map, "u1", size, start + count * length_width)


def is_current(path: Path) -> bool:
    """Whether a segment's `.arr` file is there, whole, and of this layout (else it is written again)."""
    try:
        with open(path, "rb") as file:
            file.seek(-_FOOTER.size, os.SEEK_END)
            return _FOOTER.unpack(file.read(_FOOTER.size))[1] == _MAGIC
    except (OSError, struct.error):
        return False


def arrays_path(reader) -> Path | None:
    """Where a Whoosh segment reader's `.arr` file would be (None for a reader not of one segment)."""
    segment, storage = getattr(reader, "_segment", None), getattr(reader, "_storage", None)
    folder = getattr(storage, "folder", None)
    return Path(folder) / segment.make_filename(EXTENSION) if segment is not None and folder else None


def open_arrays(reader) -> SegmentArrays | None:
    """The `.arr` file of a segment reader's segment; None when it has none, holds no term or cannot
    be read."""
    path = arrays_path(reader)
    try:
        arrays = SegmentArrays(path) if path is not None and path.stat().st_size else None
    except (OSError, ValueError):
        return None
    return arrays if arrays is not None and arrays.count else None
