"""The ranker for large indexes: the same scores as `scoring.Ranker`, to the last bit, computed on NumPy
arrays instead of dictionaries.

A common word matches a fifth of a million-article index; summing, intersecting and comparing those
scores one dictionary entry at a time was most of a query's time. Here a query part's scores are two
arrays, its document numbers (sorted, distinct) and their scores, and every step works on whole
arrays. Each sum is made in the order `scoring.Ranker` makes it, so every float is the same. NumPy
costs about 60 ms to import, more than a query on a small index takes: a search ranks on arrays once
NumPy is loaded or when the index is large (`index._ranker_class`).
"""

from __future__ import annotations

from itertools import chain
from typing import Iterator, NamedTuple

import numpy as np

from reader.core.search.analysis import positions
from reader.core.search.lean_import import deferring
from reader.core.search.posting_arrays import open_arrays
from reader.core.search.scoring import (
    KEPT_ARRAYS,
    LENGTHS,
    Ranker,
    and_plan,
    average_length,
    bm25,
    facts,
    field_lengths,
    holding,
    idf_of,
    in_order,
    language_codes,
    matcher_blocks,
    phrase_postings,
    positions_decoder,
    read_phrase,
    term_key,
    term_matcher,
    tree_sum,
)

with deferring():
    from whoosh import query as wq

Scores = tuple[np.ndarray, np.ndarray]  # document numbers (int64, ascending, distinct), scores (float64)
_NONE: Scores = (np.zeros(0, np.int64), np.zeros(0, np.float64))
_LENGTH_OF = np.array(LENGTHS, np.float64)  # a field length by its stored byte
_DENSE_SHARE = 32  # parts holding more than 1/32 of the index are merged and placed through index-wide arrays


class ArrayRanker(Ranker):
    """`scoring.Ranker` on arrays (see the module's docstring)."""

    _store = KEPT_ARRAYS

    def rank(self, query, allowed: set[int] | None, limit: int | None) -> tuple[list[tuple[int, float]], int]:
        docs, scores = self._scores(query)
        if allowed is not None:
            keep = _within(docs, _array(allowed))[0]
            docs, scores = docs[keep], scores[keep]
        count = len(docs)
        if limit and count > limit:  # only those scoring at least the limit-th best
            top = scores >= np.partition(scores, count - limit)[count - limit]
            docs, scores = docs[top], scores[top]
        order = np.lexsort((docs, -scores))[:limit]  # best first, ties by document number
        return list(zip(docs[order].tolist(), scores[order].tolist())), count

    def matched(self, query, allowed: set[int] | None) -> set[int]:
        docs = self._scores(query)[0]
        return set((docs if allowed is None else docs[_within(docs, _array(allowed))[0]]).tolist())

    @staticmethod
    def _size(scores: Scores) -> int:
        return len(scores[0])

    def _any_of(self, parts: list[Scores]) -> Scores:
        docs = _union([part[0] for part in parts], self._searcher.doc_count_all())
        return docs, np.zeros(len(docs))

    @staticmethod
    def _boosted(scores: Scores, boost: float) -> Scores:
        return scores[0], scores[1] * boost

    def _unboosted(self, query) -> Scores:
        kind = type(query)
        if kind is wq.Term:
            return self._term_scores(query.fieldname, query.text)
        if kind is wq.Phrase:  # Whoosh scores a phrase as its words together, added as a tree
            docs, weights = self._phrase(query.fieldname, query.words)
            return docs, tree_sum([self._scored(query.fieldname, word, docs, found)[1]
                                   for word, found in zip(query.words, weights)])
        if kind is wq.AndNot:
            docs, scores = self._scores(query.a)
            keep = ~_within(docs, _array(self._doc_set(query.b)))[0]
            return docs[keep], scores[keep]
        if kind is wq.And:
            return self._and_scores(query)
        if kind in (wq.Or, wq.DisjunctionMax):  # a sum, or each document's best alternative
            return self._merged(list(map(self._scores, query.subqueries)), kind is wq.DisjunctionMax)
        return super()._unboosted(query)  # wildcards: the Or of their terms

    def _merged(self, parts: list[Scores], best: bool) -> Scores:
        """The union of `parts`, each document scoring the sum of its parts' scores (added in order) or,
        with `best`, the highest."""
        parts = [part for part in parts if len(part[0])]
        if len(parts) <= 1:
            return parts[0] if parts else _NONE
        size = self._searcher.doc_count_all()
        docs = _union([part[0] for part in parts], size)
        place = _placer(docs, size)
        total = np.full(len(docs), -np.inf) if best else np.zeros(len(docs))
        for part_docs, part_scores in parts:
            at = place(part_docs)
            total[at] = np.maximum(total[at], part_scores) if best else total[at] + part_scores
        return docs, total

    def _and_scores(self, query) -> Scores:
        """As `Ranker._and_scores`: a translated query's language parts are scored only on the documents
        the other parts all match."""
        positive, nots, split = and_plan(query)
        parts: list = [self._scores(q) if part is None else None for q, part in zip(positive, split)]
        whole = sorted((part for part in parts if part is not None), key=lambda part: len(part[0]))
        common = whole[0][0]
        for other in whole[1:]:
            common = common[_within(common, other[0])[0]]
        for excluded in nots:
            common = common[~_within(common, _array(self._doc_set(excluded.query)))[0]]
        for index, part in enumerate(split):
            if part is not None:  # (word query, languages)
                parts[index] = self._language_scores(*part, common)
                common = parts[index][0]
        total = np.zeros(len(common))  # the parts' scores summed in order, as Whoosh sums them
        size = self._searcher.doc_count_all()
        for docs, scores in parts:
            total = total + scores[_placer(docs, size)(common)]
        extra = sum(q.boost for q in nots)  # Whoosh scores each NOT as its boost for the documents kept
        return common, total + extra if extra else total

    def _language_scores(self, word, langs: list[str], among: np.ndarray) -> Scores:
        """The scores `word OR lang:x OR lang:y…` gives the documents of `among` it matches: the word's
        score, the language's, or the language's plus the word's when both match."""
        docs, scores = self._scores(word)
        boost = self._searcher.schema["lang"].format.field_boost
        codes, wanted = language_codes(self._searcher, self._folder, langs)
        in_langs = np.frombuffer(wanted, np.uint8)[np.frombuffer(codes, np.uint8)[among]].astype(bool)
        matched, at = _within(among, docs)
        keep = matched | in_langs
        word_scores = np.zeros(len(among))
        word_scores[matched] = scores[at[matched]]
        found = np.where(matched, np.where(in_langs, boost + word_scores, word_scores), boost)
        return among[keep], found[keep]

    def _phrase(self, fieldname: str, words) -> tuple[np.ndarray, list[np.ndarray]]:
        """The documents where `words` stand one right after another in the field, and each word's
        weights in them (`scoring.phrase_postings` on arrays)."""
        if positions_decoder(self._searcher, fieldname) is not positions:  # another format of positions
            matches = phrase_postings(self._searcher, fieldname, words)
            docs = np.array(sorted(matches[0]), np.int64)
            return docs, [np.array([found[doc][0] for doc in docs.tolist()], np.float64) for found in matches]
        read: list = [None] * len(words)  # each word's _Postings, in order
        candidates: np.ndarray | None = None

        def keep(index: int, within: np.ndarray | None) -> np.ndarray:
            nonlocal candidates
            read[index] = word = _positions(self._searcher, fieldname, words[index], within)
            candidates = word.docs if candidates is None else candidates[_within(candidates, word.docs)[0]]
            return candidates

        if not read_phrase(self._searcher, fieldname, words, keep):
            return _NONE[0], [_NONE[1]] * len(words)
        places = [word.docs.searchsorted(candidates) for word in read]  # each candidate's, per word
        pairs = None
        for distance, (word, at) in enumerate(zip(read, places)):
            lengths = word.lengths[at]
            starts = _phrase_starts(lengths, _gathered(word.data, word.begins[at], lengths), distance - len(words))
            pairs = starts if pairs is None else pairs[_within(pairs, starts)[0]]
            if not len(pairs):
                break
        owners = pairs >> 32  # in order: the candidates (their places) where the phrase stands
        matched = owners[np.flatnonzero(np.diff(owners, prepend=-1))]
        return candidates[matched], [word.weights[at[matched]] for word, at in zip(read, places)]

    def _read_term_scores(self, fieldname: str, text, field_format, existence: bool) -> Scores:
        docs, weights = term_arrays(self._searcher, fieldname, text, not existence)
        if existence:
            return docs, np.full(len(docs), float(field_format.field_boost))
        return self._scored(fieldname, text, docs, weights)

    def _scored(self, fieldname: str, text, docs: np.ndarray, weights) -> Scores:
        """`scoring.bm25` element by element (the same float operations in the same order), or the
        weights for fields without lengths."""
        searcher = self._searcher
        weight = np.array(weights, np.float64)
        if not len(docs) or not searcher.schema[fieldname].scorable:
            return docs, weight
        idf, avgfl = idf_of(searcher, fieldname, text), average_length(searcher, fieldname)
        lengths = field_lengths(searcher, fieldname)
        length = _LENGTH_OF[np.frombuffer(lengths, np.uint8)[docs]] if lengths is not None else \
            np.array([searcher.doc_field_length(doc, fieldname, 1) for doc in docs.tolist()], np.float64)
        return docs, bm25(idf, weight, length, avgfl)


def term_arrays(searcher, fieldname: str, text, weights: bool) -> tuple[np.ndarray, np.ndarray]:
    """`scoring.term_postings` as arrays (weights float64; empty unless asked for). The term's documents
    are counted on the way (`doc_frequency` then looks up nothing)."""
    docs, found, frequency = [], [], 0
    for offset, read in _segment_reads(searcher, fieldname, text, weights):
        frequency += read[0]
        docs.append(read[1] + offset)
        found.append(read[2])
    facts(searcher).frequencies[(fieldname, text)] = frequency
    if not docs:
        return _NONE
    return np.concatenate(docs), np.concatenate(found) if weights else _NONE[1]


def _segment_reads(searcher, fieldname: str, text, weights: bool, values: bool = False,
                   within: np.ndarray | None = None) -> Iterator[tuple[int, tuple]]:
    """(segment offset, `_from_arrays` or `_from_blocks`) of each segment that holds a term: read from its
    posting arrays when they hold it, else from its blocks, only those that can hold documents of
    `within` (sorted, numbered in the index; None: every block)."""
    for leaf, offset in holding(searcher, fieldname):
        reader = leaf.reader()
        local = None
        if within is not None:
            first, last = within.searchsorted([offset, offset + reader.doc_count_all()])
            if first == last:
                continue
            local = (within[first:last] - offset).tolist()
        key = term_key(reader, fieldname, text)
        read = (_from_arrays(searcher, reader, key, values) or _from_blocks(reader, fieldname, key, weights, values,
                                                                          local)) if key is not None else None
        if read is not None:
            yield offset, read


def _from_arrays(searcher, reader, key: bytes, values: bool = False) -> tuple | None:
    """(postings, live documents, their weights) of a term table key in a segment's posting arrays, with
    `values` also their values (`_Postings` begins, lengths and data); None when the arrays do not hold
    it (or the segment has none)."""
    kept = facts(searcher).arrays
    if id(reader) not in kept:
        kept[id(reader)] = (open_arrays(reader), np.array(in_order(reader.deleted_docs_set), np.int64))
    arrays, deleted = kept[id(reader)]
    held = arrays.postings(key, values) if arrays is not None else None
    if held is None:
        return None
    ids = held[0].astype(np.int64)
    keep = ~_within(ids, deleted)[0] if len(deleted) else slice(None)
    found = len(ids), ids[keep], held[1][keep].astype(np.float64)
    if not values:
        return found
    lengths = held[2].astype(np.int64)
    return (*found, _begins(lengths)[keep], lengths[keep], held[3])


def _from_blocks(reader, fieldname: str, key: bytes, weights: bool, values: bool = False,
                 local: list[int] | None = None) -> tuple | None:
    """The same from the term's posting blocks (weights empty unless asked for), with `values` only from
    the blocks that can hold the document numbers `local`; None when the segment does not hold it."""
    found = term_matcher(reader, fieldname, key)
    if found is None:
        return None
    blocks = list(matcher_blocks(found[1], in_order(reader.deleted_docs_set), weights, values, local))
    read = (found[0], np.fromiter(chain.from_iterable(block[0] for block in blocks), np.int64),
            np.fromiter(chain.from_iterable(block[1] for block in blocks), np.float64) if weights else _NONE[1])
    if not values:
        return read
    joined = list(chain.from_iterable(block[2] for block in blocks))
    lengths = np.fromiter(map(len, joined), np.int64, len(joined))
    return (*read, _begins(lengths), lengths, np.frombuffer(b"".join(joined), np.uint8))


class _Postings(NamedTuple):
    """A word's postings in a field with their values: value i is `data[begins[i]:begins[i] + lengths[i]]`."""

    docs: np.ndarray
    weights: np.ndarray
    begins: np.ndarray
    lengths: np.ndarray
    data: np.ndarray


def _positions(searcher, fieldname: str, text, within: np.ndarray | None) -> _Postings:
    """A word's postings in a field with their values (its positions), read where they can hold
    documents of `within` (see `_segment_reads`)."""
    parts = [_Postings(read[1] + offset, *read[2:])
             for offset, read in _segment_reads(searcher, fieldname, text, True, True, within)]
    if not parts:
        return _Postings(*_NONE, _NONE[0], _NONE[0], np.zeros(0, np.uint8))
    shifts = np.cumsum([0] + [len(part.data) for part in parts[:-1]])  # where each part's values begin
    return _Postings(np.concatenate([part.docs for part in parts]), np.concatenate([part.weights for part in parts]),
                     np.concatenate([part.begins + shift for part, shift in zip(parts, shifts)]),
                     np.concatenate([part.lengths for part in parts]), np.concatenate([part.data for part in parts]))


def _gathered(data: np.ndarray, begins: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The values of `data` at `begins` (of `lengths` bytes each), joined."""
    return data[np.arange(int(lengths.sum())) + np.repeat(begins - _begins(lengths), lengths)]


def _begins(lengths: np.ndarray) -> np.ndarray:
    """Where each value begins in values of `lengths` joined."""
    return np.cumsum(lengths) - lengths


def _phrase_starts(lengths: np.ndarray, data: np.ndarray, distance: int) -> np.ndarray:
    """(i << 32) + position - `distance` for every position of every value i, sorted: FastPositions'
    gaps, one, two or four bytes each (little-endian) after a code letter, decoded from the values
    joined (`data`, bytes; value i has `lengths[i]` of them)."""
    begins = _begins(lengths)
    codes = data[begins]
    gap_bytes = np.ones(len(data), bool)
    gap_bytes[begins] = False
    owner_of_byte = np.repeat(np.arange(len(lengths)), lengths)
    starts = []
    for code, width in ((b"B", "u1"), (b"H", "<u2"), (b"I", "<u4")):
        chosen = codes == code[0]
        owners = np.flatnonzero(chosen)
        if not len(owners):
            continue
        gaps = data[gap_bytes & chosen[owner_of_byte]].view(width).astype(np.int64)
        counts = (lengths[owners] - 1) // np.dtype(width).itemsize
        summed = np.concatenate(([0], np.cumsum(gaps)))
        found = summed[1:] - np.repeat(summed[np.cumsum(counts) - counts], counts)  # each value's own sums
        starts.append((np.repeat(owners, counts) << 32) + found - distance)
    return np.sort(np.concatenate(starts)) if len(starts) > 1 else starts[0]


def _array(docs) -> np.ndarray:
    """Document numbers (a set or any collection) as a sorted array."""
    return np.sort(np.fromiter(docs, np.int64, len(docs)))


def _placer(docs: np.ndarray, size: int):
    """A function giving the place in `docs` (sorted) of document numbers it holds: read from an
    index-wide map (`size` documents) when `docs` are many beside it, else searched."""
    if len(docs) * _DENSE_SHARE <= size:
        return docs.searchsorted
    places = np.empty(size, np.int64)
    places[docs] = np.arange(len(docs))
    return places.__getitem__


def _within(docs: np.ndarray, among: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which of the sorted `docs` are in the sorted `among`, and where each would stand there."""
    at = np.searchsorted(among, docs)
    found = at < len(among)
    found[found] = among[at[found]] == docs[found]
    return found, at


def _union(parts: list[np.ndarray], size: int) -> np.ndarray:
    """The sorted distinct document numbers of `parts`: through a mark per document of the index (`size`
    documents) when they are many beside it."""
    if sum(map(len, parts)) * _DENSE_SHARE > size:
        marks = np.zeros(size, bool)
        for part in parts:
            marks[part] = True
        return np.flatnonzero(marks)
    joined = np.sort(np.concatenate(parts)) if parts else _NONE[0]  # not np.unique: NumPy 2 hashes (25
    # times slower here) and loads numpy.ma
    return joined[np.concatenate(([True], joined[1:] != joined[:-1]))] if len(joined) else joined
