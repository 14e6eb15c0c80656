"""How reader's index has Whoosh's codec write and read segments (`use_reader_codec`)."""

from __future__ import annotations

import pickle

from reader.core.search.lean_import import deferring

with deferring():  # Whoosh without urllib and asyncio: see lean_import
    from whoosh.codec import whoosh3
    from whoosh.columns import CompressedBytesColumn, PickleColumn
    from whoosh.filedb import filetables
    from whoosh.system import _INT_SIZE


def _dumps(data, protocol: int | None = None) -> bytes:
    """Pickle for Whoosh's codec, which asks for protocol 2: there every bytes value (a posting's word
    positions) unpickles through a `codecs.encode` call, 60 µs a block of 128 postings instead of 8,
    and compresses to 2.5 times the size."""
    return pickle.dumps(data, pickle.HIGHEST_PROTOCOL)


class _StoredBytesColumn(CompressedBytesColumn):
    """Whoosh's column of stored fields, written with every document's offset. Whoosh writes offsets
    only past 32,768 documents a segment and otherwise sums the lengths in a Python loop whenever a
    segment is opened: 1.5 ms a segment of 10,000 articles on each search, for 4 bytes an article."""

    def writer(self, dbfile):
        writer = super().writer(dbfile)
        writer.cutoff = 0
        return writer


class _TermTable(filetables.OrderedHashReader):
    """Whoosh's reader of a segment's term table, reading the table's directory of 256 hash tables in
    one read where Whoosh makes 256: 8 ms of each search at a million articles (77 segments)."""

    def __init__(self, dbfile, length: int):
        self.dbfile, self.startoffset, self.is_closed = dbfile, 0, False
        dbfile.seek(0)
        if dbfile.read(4) != b"HSH3":
            raise filetables.FileFormatError("not a term table")
        self.hashtype = dbfile.read_byte()
        self.hashfn = filetables._hash_functions[self.hashtype]
        dbfile.read_int()  # two ints Whoosh reserves
        dbfile.read_int()
        self.startofdata = dbfile.tell()
        extras_at = length - _INT_SIZE - dbfile.get_int(length - _INT_SIZE)
        dbfile.seek(extras_at)
        self._read_extras()
        size = filetables._directory_size
        self.tables = list(filetables._dir_entry.iter_unpack(dbfile.get(extras_at - size, size)))
        self.endofdata = self.tables[0][0]  # the first hash table follows the keys and values


class _TermsReader(whoosh3.W3TermsReader):
    """Whoosh's terms reader with `_TermTable`."""

    def __init__(self, codec, dbfile, length, postfile):
        self._codec, self._dbfile, self._postfile = codec, dbfile, postfile
        self._tindex = _TermTable(dbfile, length)
        self._fieldmap = self._tindex.extras["fieldmap"]
        self._fieldunmap = [None] * len(self._fieldmap)
        for fieldname, number in self._fieldmap.items():
            self._fieldunmap[number] = fieldname


def use_reader_codec() -> None:
    """Make Whoosh's codec write segments as reader's index has them: posting blocks, term infos and
    inlined postings pickled with the highest protocol (`loads` reads any), and stored fields with every
    document's offset (Whoosh's own reader reads both); and read term tables with `_TermTable`.
    Called whenever reader opens an index folder, never on import: importing this module changes
    nothing in Whoosh."""
    if whoosh3.dumps is not _dumps:
        whoosh3.dumps = _dumps
        whoosh3.STORED_COLUMN = PickleColumn(_StoredBytesColumn())
        whoosh3.W3TermsReader = _TermsReader
