"""An in-memory posting pool for Whoosh's segment writer, written out a block at a time.

Whoosh's own pool keeps one tuple per posting (about 200 bytes), sorts them all at the end and,
past its memory limit, pickles every posting to a temporary run file and merges the runs back;
then its postings writer takes them one call and five type checks at a time. Here a document's
postings for a field arrive together, and each term keeps its postings as one flat list (doc
number, weight, value, doc number…: about 40 bytes a posting, most values shared), and each
document's field lengths are kept as they arrive. At the end each term is written whole, cut into
Whoosh's blocks (128 postings), with the same calls Whoosh's postings writer makes per posting done
once a block: the segment files are byte for byte those Whoosh writes, except that a block whose
pickle is too small to gain from compression is stored uncompressed (each block says whether it is),
and that the exact fields' rarer terms are inlined in the term table (Whoosh reads both).
"""

from __future__ import annotations

import zlib
from array import array
from collections import defaultdict
from functools import cache
from itertools import chain, repeat
from operator import itemgetter, sub
from struct import Struct

from whoosh.codec import whoosh3
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte

from reader.core.memo import extend_each
from reader.core.search.posting_arrays import ArraysWriter, keeps_arrays

# (field, term bytes, doc number, weight, value bytes): the item Whoosh's writer adds (when merging).
Posting = tuple[str, bytes, int, float, "bytes | None"]
# Approximate bytes a posting costs beyond its value, and a term (its text included).
_POSTING_BYTES = 40
_TERM_BYTES = 210
_KEY_VALUE_LENGTHS = Struct("!ii")  # what Whoosh's hash file writes before a row's key and value
# Blocks whose pickle is shorter are stored uncompressed: zlib saves a few bytes there at 10-20 µs a
# call (half the blocks of a segment, whose files grow 0.5 %; reading them skips the decompression).
MIN_COMPRESSED_BYTES = 80


class _FieldPostings:
    """The postings of one field: for each term, a flat list of doc number, weight, value, doc number…;
    and each document's length in the field, as the segment's length column keeps it."""

    __slots__ = ("terms", "lengths", "last_doc", "in_order")

    def __init__(self) -> None:
        self.terms: defaultdict[bytes, list] = defaultdict(list)
        self.lengths: dict[int, int] = {}  # documents added by merging are not here
        self.last_doc = -1
        self.in_order = True  # every term's postings arrived in document order

    def add(self, docnum: int, terms, weights, values) -> int:
        """Add one document's postings (parallel sequences); return about how many bytes they take."""
        if docnum < self.last_doc:
            self.in_order = False
        self.last_doc = docnum
        known = len(self.terms)
        extend_each(self.terms, terms, zip(repeat(docnum), weights, values))
        return (len(self.terms) - known) * _TERM_BYTES + _POSTING_BYTES * len(terms) + sum(map(len, values))

    def term_postings(self, term: bytes) -> tuple[array, list[float], list[bytes]]:
        """A term's doc numbers, weights and values in doc order (the pool lets them go)."""
        flat = self.terms.pop(term)
        docs, weights, values = flat[0::3], flat[1::3], flat[2::3]
        if not self.in_order and docs != sorted(docs):
            docs, weights, values = map(list, zip(*sorted(zip(docs, weights, values), key=itemgetter(0))))
        return array("I", docs), weights, values


class GroupedPostingPool:
    """Stands in for Whoosh's PostingPool (add, fieldnames, cleanup) in memory; `add_document_field`
    takes a document's postings for a field at once and `write` replaces the sorted posting stream."""

    def __init__(self) -> None:
        self._fields: dict[str, _FieldPostings] = {}
        self.size = 0  # approximate bytes held

    @property
    def fieldnames(self) -> set[str]:
        return set(self._fields)

    def _field(self, fieldname: str) -> _FieldPostings:
        postings = self._fields.get(fieldname)
        if postings is None:
            postings = self._fields[fieldname] = _FieldPostings()
        return postings

    def add_document_field(self, fieldname: str, docnum: int, postings: tuple, scorable: bool) -> int:
        """Add one document's postings for a field, as columns (term bytes, frequencies, weights,
        values); return the sum of the frequencies (the field's length in the document, which the
        segment keeps when the field is `scorable`)."""
        if not postings or not postings[0]:
            return 0
        terms, frequencies, weights, values = postings
        field = self._field(fieldname)
        self.size += field.add(docnum, terms, weights, values)
        length = sum(frequencies)
        field.lengths[docnum] = _kept_length(length) if scorable else 0
        return length

    def add(self, item: Posting) -> None:
        """Add one posting (Whoosh's writer does this when it merges segments)."""
        fieldname, text, docnum, weight, value = item
        self.size += self._field(fieldname).add(docnum, (text,), (weight,), (value or b"",))

    def write(self, fieldwriter, schema, lengths, arrays: ArraysWriter | None = None) -> None:
        """Write every posting into a Whoosh field writer's files, field by field and term by term (what
        Whoosh's `add_postings` does one posting at a time); common terms also into `arrays`."""
        for fieldname in sorted(self._fields):
            postings = self._fields.pop(fieldname)
            fieldwriter.start_field(fieldname, schema[fieldname])
            terms = _TermWriter(fieldwriter, _FieldLengths(postings.lengths, lengths, fieldname), arrays)
            for term in sorted(postings.terms):
                terms.write(term, *postings.term_postings(term))
            fieldwriter.finish_field()
        self.size = 0

    def cleanup(self) -> None:
        self._fields.clear()
        self.size = 0


@cache
def _kept_length(length: int) -> int:
    """A field length as the segment's length column gives it back (one byte: approximate)."""
    return byte_to_length(length_to_byte(length))


class _FieldLengths(dict):
    """Doc number -> length of one field in that document, as the segment's length column gives it
    (read from the column for documents the pool did not see added)."""

    def __init__(self, known: dict[int, int], lengths, fieldname: str) -> None:
        super().__init__(known)
        self._lengths, self._fieldname = lengths, fieldname

    def __missing__(self, docnum: int) -> int:
        length = self[docnum] = self._lengths.doc_field_length(docnum, self._fieldname) if self._lengths else 0
        return length


class _TermWriter:
    """Writes a field's terms into a segment as Whoosh's W3FieldWriter and W3PostingsWriter do
    (`start_term`, `add_posting` for each posting, `finish_term`), a whole term at a time: its blocks
    of postings (never inlined: Whoosh's inline limit is never met) and its row in the term table.
    In a field whose format has an `inline_limit` (the exact fields: which words an article has, no
    weights or values), a term of that many documents or fewer is inlined in its row instead, as
    Whoosh inlines postings under its limit: about 40 bytes less a term."""

    min_compressed = MIN_COMPRESSED_BYTES

    def __init__(self, fieldwriter, field_length: _FieldLengths, arrays: ArraysWriter | None = None) -> None:
        postwriter = fieldwriter._postwriter
        self._field_length = field_length.__getitem__
        # Only this writer writes to the two files while the field is written: it counts their offsets.
        self._file, self._terms = postwriter._postfile, fieldwriter._tindex
        self._offset, self._terms_offset = self._file.tell(), self._terms.dbfile.tell()
        self._prefix = pack_ushort(fieldwriter._fieldid)
        self._limit, self._compression = postwriter._blocklimit, postwriter._compression
        self._value_size = fieldwriter._fieldobj.format.fixed_value_size()
        self._inline = getattr(fieldwriter._fieldobj.format, "inline_limit", 0)
        # the ranked fields' common terms are also kept as arrays (see posting_arrays)
        self._arrays = arrays if keeps_arrays(fieldwriter._fieldobj.format) else None

    def write(self, term: bytes, docs: array, weights: list[float], values: list[bytes]) -> None:
        """Write one term's postings (in doc order) and its term info."""
        if len(docs) <= self._inline:
            self._inlined(term, docs, weights)
            return
        start, limit, compression = self._offset, self._limit, self._compression
        chunks, dumps = [WHOOSH3_HEADER_MAGIC], whoosh3.dumps  # the codec's pickling (see codec._dumps)
        total_weight, min_length, max_length, max_weight = 0, None, 0, 0
        for first in range(0, len(docs), limit):
            block = slice(first, first + limit)
            ids, block_weights = docs[block], weights[block]
            stored_weights = array("f", block_weights)
            lengths = list(filter(None, map(self._field_length, ids)))
            block_min = min(lengths) if lengths else None
            block_max = max(lengths) if lengths else 0
            block_max_weight = max(0, *block_weights)
            total_weight += sum(stored_weights)
            min_length = block_min if min_length is None else min(min_length, block_min)
            max_length, max_weight = max(max_length, block_max), max(max_weight, block_max_weight)
            data = dumps((tuple(map(sub, ids, chain((0,), ids))), _mini_weights(stored_weights),
                          self._mini_values(list(filter(None, values[block])))), 2)
            compressed = compression if len(data) >= self.min_compressed else 0
            if compressed:
                data = zlib.compress(data, compressed)
            info = dumps((len(ids), ids[-1], block_max_weight, compressed, length_to_byte(block_min),
                          length_to_byte(block_max)), 2)
            size = len(info) + len(data)
            chunks += (pack_int(size if first + limit < len(docs) else -size), info, data)
        written = b"".join(chunks)
        self._file.write(written)
        self._offset += len(written)
        info = W3TermInfo._struct.pack(False, total_weight, len(docs),
                                       0 if min_length is None else length_to_byte(min_length),
                                       length_to_byte(max_length), max_weight, docs[0], docs[-1])
        self._add_term(self._prefix + term, info + pack_long(start) + pack_int(len(written)))
        if self._arrays is not None:
            self._arrays.add(self._prefix + term, docs, weights, values)

    def _inlined(self, term: bytes, docs: array, weights: list[float]) -> None:
        """Write a term's few postings into its row of the term table (no weights or values: the
        format keeps none), as Whoosh's W3TermInfo reads inlined postings."""
        lengths = list(filter(None, map(self._field_length, docs)))
        info = W3TermInfo._struct.pack(True, sum(weights), len(docs), length_to_byte(min(lengths, default=0)),
                                       length_to_byte(max(lengths, default=0)), max(weights), docs[0], docs[-1])
        self._add_term(self._prefix + term, info + whoosh3.dumps((tuple(docs), None, None), 2))

    def _add_term(self, key: bytes, value: bytes) -> None:
        """Add a row to the term table as Whoosh's OrderedHashWriter.add does (keys come in order)."""
        terms, offset = self._terms, self._terms_offset
        terms.dbfile.write(_KEY_VALUE_LENGTHS.pack(len(key), len(value)) + key + value)
        self._terms_offset += _KEY_VALUE_LENGTHS.size + len(key) + len(value)
        terms.index.append(offset)
        key_hash = terms.hashfn(key)
        terms.buckets[key_hash & 255].append((key_hash, offset))
        terms.lastkey = key

    def _mini_values(self, values: list[bytes]):
        size = self._value_size
        if size is None or size < 0:
            return tuple(values)
        return None if size == 0 else b"".join(values)


def _mini_weights(weights: array):
    """A block's weights as Whoosh stores them: None when all are 1, one number when all are equal."""
    first = weights[0]
    if weights.count(first) == len(weights):
        return None if first == 1.0 else first
    return tuple(weights)
