"""An in-memory posting pool for Whoosh's segment writer, written out a block at a time.

Whoosh's own pool keeps one tuple per posting (about 200 bytes), sorts them all at the end and,
past its memory limit, pickles every posting to a temporary run file and merges the runs back;
then its postings writer takes them one call and five type checks at a time. Here a document's
postings for a field arrive together, and each term keeps its postings as one flat list (doc
number, weight, value, doc number…: about 40 bytes a posting, most values shared). At the end
each term's list is cut into Whoosh's blocks (128 postings) and handed to Whoosh's postings
writer a block at a time: the segment files are byte for byte those Whoosh writes.
"""

from __future__ import annotations

from array import array
from itertools import repeat
from operator import itemgetter

# (field, term bytes, doc number, weight, value bytes): the item Whoosh's writer adds (when merging).
Posting = tuple[str, bytes, int, float, "bytes | None"]
# Approximate bytes a posting costs beyond its value, and a term beyond its text.
_POSTING_BYTES = 40
_TERM_BYTES = 200


class _FieldPostings:
    """The postings of one field: for each term, a flat list of doc number, weight, value, doc number…"""

    __slots__ = ("terms", "last_doc", "in_order")

    def __init__(self) -> None:
        self.terms: dict[bytes, list] = {}
        self.last_doc = -1
        self.in_order = True  # every term's postings arrived in document order

    def add(self, docnum: int, terms, weights, values) -> int:
        """Add one document's postings (parallel sequences); return about how many bytes they take."""
        if docnum < self.last_doc:
            self.in_order = False
        self.last_doc = docnum
        known = self.terms.get
        added = 0
        for term, posting in zip(terms, zip(repeat(docnum), weights, values)):  # one tuple, reused
            postings = known(term)
            if postings is None:
                postings = self.terms[term] = []
                added += _TERM_BYTES + len(term)
            postings += posting
        return added + _POSTING_BYTES * len(terms) + sum(map(len, values))

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

    def add_document_field(self, fieldname: str, docnum: int, postings: tuple) -> int:
        """Add one document's postings for a field, as columns (term bytes, frequencies, weights,
        values); return the sum of the frequencies (the field's length in the document)."""
        if not postings or not postings[0]:
            return 0
        terms, frequencies, weights, values = postings
        self.size += self._field(fieldname).add(docnum, terms, weights, values)
        return sum(frequencies)

    def add(self, item: Posting) -> None:
        """Add one posting (Whoosh's writer does this when it merges segments)."""
        fieldname, text, docnum, weight, value = item
        self.size += self._field(fieldname).add(docnum, (text,), (weight,), (value or b"",))

    def write(self, fieldwriter, schema, lengths) -> None:
        """Write every posting through a Whoosh field writer, field by field and term by term, filling
        its postings writer a block at a time (what Whoosh's `add_postings` does one posting at a time)."""
        for fieldname in sorted(self._fields):
            postings = self._fields.pop(fieldname)
            fieldwriter.start_field(fieldname, schema[fieldname])
            field_length = _FieldLengths(lengths, fieldname)
            for term in sorted(postings.terms):
                fieldwriter.start_term(term)
                _fill_blocks(fieldwriter._postwriter, *postings.term_postings(term), field_length)
                fieldwriter.finish_term()
            fieldwriter.finish_field()
        self.size = 0

    def cleanup(self) -> None:
        self._fields.clear()
        self.size = 0


class _FieldLengths(dict):
    """Doc number -> length of one field in that document, as the segment's length column gives it."""

    def __init__(self, lengths, fieldname: str) -> None:
        super().__init__()
        self._lengths, self._fieldname = lengths, fieldname

    def __missing__(self, docnum: int) -> int:
        length = self[docnum] = self._lengths.doc_field_length(docnum, self._fieldname) if self._lengths else 0
        return length


def _fill_blocks(writer, docs: array, weights: list[float], values: list[bytes], field_length) -> None:
    """Put a term's postings into Whoosh's W3PostingsWriter as its `add_posting` would, a block at a
    time: every full block is written, the last one is left for `finish_postings`."""
    limit = writer._blocklimit
    for start in range(0, len(docs), limit):
        if start:
            writer._write_block()
        block = slice(start, start + limit)
        lengths = list(filter(None, map(field_length.__getitem__, docs[block])))
        writer._ids = docs[block]
        writer._weights = array("f", weights[block])
        writer._values = list(filter(None, values[block]))
        writer._minlength = min(lengths) if lengths else None
        writer._maxlength = max(lengths) if lengths else 0
        writer._maxweight = max(0, *weights[block])
