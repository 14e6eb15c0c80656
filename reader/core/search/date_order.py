"""Every article of an index, newest first: the order of date-sorted searches and of the empty query.

Whoosh sorts a search by reading each match's date and id from their columns one document at a time
(0.4 s for the whole of 100,000 articles, at every empty query). Here both columns are read whole,
once per searcher, and the documents sorted at C speed; a date-sorted search then walks that order,
keeping its matches. The order is Whoosh's: date descending (undated last, as the oldest), then id.
"""

from __future__ import annotations

import sys
from array import array
from itertools import filterfalse
from weakref import WeakKeyDictionary

from reader.core.search.lean_import import deferring

with deferring():  # Whoosh without urllib and asyncio: see lean_import
    from whoosh.columns import NumericColumn, VarBytesColumn

_ORDERS: WeakKeyDictionary = WeakKeyDictionary()  # searcher -> its live documents, newest first


def date_order(searcher) -> list[int]:
    """The numbers of the searcher's live documents, newest first, ties (and the undated) by id."""
    order = _ORDERS.get(searcher)
    if order is None:
        keys: list[tuple[int, bytes, int]] = []
        for leaf, offset in searcher.leaf_searchers():
            reader = leaf.reader()
            count = reader.doc_count_all()
            if not count:  # an empty index's reader has no columns at all
                continue
            live = range(count) if not reader.has_deletions() else \
                list(filterfalse(reader.deleted_docs_set.__contains__, range(count)))
            dates, ids = _dates(reader, count), _ids(reader, count)
            keys += zip(map(int.__neg__, map(dates.__getitem__, live)), map(ids.__getitem__, live),
                        map(offset.__add__, live))
        keys.sort()
        order = _ORDERS[searcher] = [number for _, _, number in keys]
    return order


def _dates(reader, count: int) -> list[int]:
    """Each document's date as the column sorts it (0: undated)."""
    column = reader.column_reader("date", translate=False)
    if type(column) is NumericColumn.Reader and column._typecode in "qQlLiI":
        values = array(column._typecode, column._dbfile.get(column._basepos, column._count * column._fixedlen))
        if sys.byteorder == "little":  # the column is written big-endian
            values.byteswap()
        return values.tolist() + [column._default] * (count - column._count)
    return [column.sort_key(number) for number in range(count)]  # another column type: the slower way


def _ids(reader, count: int) -> list[bytes]:
    """Each document's id as the column sorts it (UTF-8 bytes: the order of the characters)."""
    column = reader.column_reader("id", translate=False)
    if type(column) is VarBytesColumn.Reader:
        blob = column._dbfile.get(column._basepos, sum(column._lengths))
        return [blob[start:start + length] for start, length in zip(column._offsets, column._lengths)]
    return [column.sort_key(number) for number in range(count)]
