"""Ranking term and wildcard queries straight from posting blocks, with Whoosh's BM25F scores.

Whoosh's matchers walk postings one at a time through trees of Python objects (a union per field, an
intersection per word): 100–400 ms for a two-word or wildcard query over 100,000 articles. Here
each term's postings are read a block at a time (document numbers and weights as arrays) and BM25F
scores are summed in dictionaries: the same scores and order (a test compares them with Whoosh's)
in a fraction of the time; phrases check the positions of the documents that have all their words.
Fuzzy terms, ranges, phrases with slop and date order stay with Whoosh.
"""

from __future__ import annotations

import heapq
import pickle
from bisect import bisect_left
from itertools import accumulate
from typing import Iterator

from reader.core.lean_import import deferring

with deferring():  # Whoosh without urllib and asyncio: see lean_import
    from whoosh import query as wq
    from whoosh.formats import Existence, Positions
    from whoosh.matching.wrappers import FilterMatcher
    from whoosh.util.numeric import byte_to_length

B, K1 = 0.75, 1.2  # Whoosh's BM25F defaults, which the index uses
_LENGTHS = [byte_to_length(b) or 1 for b in range(256)]  # field lengths are stored as one byte each


def term_blocks(searcher, fieldname: str, text, weights: bool = False, values: bool = False,
                within: list[int] | None = None) -> Iterator[tuple]:
    """(segment offset, segment reader, document numbers, weights, values) for each posting block of a
    term, deleted documents left out; weights and values are None unless asked for. With `within`
    (sorted document numbers), blocks that cannot hold any of them are skipped without being read."""
    for leaf, offset in searcher.leaf_searchers():
        reader = leaf.reader()
        local = None
        if within is not None:
            first, last = bisect_left(within, offset), bisect_left(within, offset + reader.doc_count_all())
            local = [doc - offset for doc in within[first:last]]
            if not local:
                continue
        try:
            matcher = reader.postings(fieldname, text)
        except Exception:  # noqa: BLE001 - whoosh.reading.TermNotFound: not in this segment
            continue
        deleted = frozenset()
        if isinstance(matcher, FilterMatcher) and matcher._exclude:  # the segment's deleted documents
            matcher, deleted = matcher.child, matcher._ids
        if not hasattr(matcher, "_read_ids"):  # not a block matcher: one posting at a time
            postings = []
            while matcher.is_active():
                if matcher.id() not in deleted:
                    postings.append((matcher.id(), matcher.weight(), matcher.value() if values else None))
                matcher.next()
            yield (offset, reader, [p[0] for p in postings], [p[1] for p in postings] if weights else None,
                   [p[2] for p in postings] if values else None)
            continue
        low = 0  # the smallest document number the current block can hold
        while matcher.is_active():
            high, wanted = matcher._maxid, True
            if local is not None:
                at = bisect_left(local, low)
                wanted = at < len(local) and local[at] <= high
            low = high + 1
            if wanted:
                yield (offset, reader, *_block(matcher, deleted, weights, values))
            matcher._next_block()


def _block(matcher, deleted: frozenset, weights: bool, values: bool) -> list:
    """The current block's document numbers, weights and values (None when not asked for)."""
    matcher._read_ids()
    block = [matcher._ids, None, None]
    if weights:
        matcher._read_weights()
        block[1] = matcher._weights
    if values:
        matcher._read_values()
        block[2] = matcher._values
    if deleted:
        kept = [i for i, doc in enumerate(block[0]) if doc not in deleted]
        block = [[part[i] for i in kept] if part is not None else None for part in block]
    return block


def _positions(value: bytes) -> Iterator[int]:
    """Word positions from a posting value of Whoosh's Positions format (a count, then the pickled
    gaps): `decode_positions` without its Python loop."""
    return accumulate(pickle.loads(value[4:] if value.endswith(b".") else value[4:] + b"."))


def phrase_docs(searcher, fieldname: str, words) -> set[int]:
    """The numbers of the documents where `words` stand one right after another in the field.

    The rarest word is read first; the others only in the blocks that can hold its documents."""
    order = sorted(range(len(words)), key=lambda i: searcher.doc_frequency(fieldname, words[i]))
    per_word: dict[int, dict[int, bytes]] = {}
    candidates: set[int] | None = None
    for index in order:
        within = sorted(candidates) if candidates is not None else None
        found: dict[int, bytes] = {}
        for offset, _, ids, _, values in term_blocks(searcher, fieldname, words[index], values=True, within=within):
            found.update(zip(map(offset.__add__, ids), values))
        candidates = set(found) if candidates is None else candidates.intersection(found)
        per_word[index] = found
        if not candidates:
            return set()
    field_format = searcher.schema[fieldname].format
    decode = _positions if type(field_format).encode is Positions.encode else field_format.decode_positions
    docs = set()
    for doc in candidates or ():
        starts = set(decode(per_word[0][doc]))
        for distance in range(1, len(words)):
            starts.intersection_update(position - distance for position in decode(per_word[distance][doc]))
            if not starts:
                break
        if starts:
            docs.add(doc)
    return docs


def can_rank(query) -> bool:
    """Whether `Ranker` handles the query: terms and prefix/wildcard terms joined by AND, OR and AND NOT,
    without boosts."""
    if getattr(query, "boost", 1.0) != 1.0:
        return False
    if type(query) in (wq.Term, wq.Prefix, wq.Wildcard):
        return True
    if type(query) is wq.Phrase:  # words right after one another (Whoosh's default slop)
        return query.slop == 1 and bool(query.words)
    if type(query) is wq.And:  # NOT parts only take documents away
        positive = [q for q in query.subqueries if type(q) is not wq.Not]
        return bool(positive) and all(can_rank(q) for q in positive)
    if type(query) is wq.Or:
        return all(can_rank(q) for q in query.subqueries)
    if type(query) is wq.AndNot:
        return can_rank(query.a)
    return False


class Ranker:
    """Scores for one searcher; field lengths are read once per segment and field."""

    def __init__(self, searcher, doc_set) -> None:
        self._searcher = searcher
        self._doc_set = doc_set  # query -> set of document numbers (for AND NOT)
        self._lengths: dict[tuple[int, str], bytes | None] = {}

    def rank(self, query, allowed: set[int] | None, limit: int | None) -> tuple[list[tuple[int, float]], int]:
        """The `limit` best (document number, score) pairs, best first (ties: lower number first), and how
        many documents match; `allowed` restricts them."""
        scores = self._scores(query)
        if allowed is not None:
            scores = {doc: score for doc, score in scores.items() if doc in allowed}
        key = lambda item: (-item[1], item[0])  # noqa: E731
        ranked = sorted(scores.items(), key=key) if limit is None else heapq.nsmallest(limit, scores.items(), key=key)
        return ranked, len(scores)

    def _scores(self, query) -> dict[int, float]:
        if type(query) is wq.Term:
            return self._term_scores(query.fieldname, query.text)
        if type(query) is wq.Phrase:  # Whoosh scores a phrase as its words together
            found = phrase_docs(self._searcher, query.fieldname, query.words)
            parts = [self._term_scores(query.fieldname, word, found) for word in query.words]
            return {doc: sum(part[doc] for part in parts) for doc in found}
        if type(query) in (wq.Prefix, wq.Wildcard):
            terms = [wq.Term(query.fieldname, text) for text in query._btexts(self._searcher.reader())]
            return self._scores(wq.Or(terms))
        if type(query) is wq.AndNot:
            excluded = self._doc_set(query.b)
            return {doc: score for doc, score in self._scores(query.a).items() if doc not in excluded}
        if type(query) is wq.And:
            parts = [self._scores(q) for q in query.subqueries if type(q) is not wq.Not]
            nots = [q for q in query.subqueries if type(q) is wq.Not]
            common = set(min(parts, key=len)).intersection(*parts)
            for excluded in nots:
                common -= self._doc_set(excluded.query)
            extra = sum(q.boost for q in nots)  # Whoosh scores each NOT as its boost for the documents kept
            return {doc: sum(part[doc] for part in parts) + extra for doc in common}
        parts = [self._scores(q) for q in query.subqueries]
        total: dict[int, float] = {}
        for part in parts:
            for doc, score in part.items():
                total[doc] = total.get(doc, 0.0) + score
        return total

    def _term_scores(self, fieldname: str, text, only: set[int] | None = None) -> dict[int, float]:
        """BM25F scores of a term's documents (only those of `only` when given)."""
        searcher = self._searcher
        within = sorted(only) if only is not None else None
        scores: dict[int, float] = {}
        field = searcher.schema[fieldname]
        if isinstance(field.format, Existence):  # ids, languages: every posting weighs the field boost
            weight = field.format.field_boost
            for offset, _, ids, _, _ in term_blocks(searcher, fieldname, text, within=within):
                scores.update(dict.fromkeys(map(offset.__add__, ids) if offset else ids, weight))
            return _only(scores, only)
        if not field.scorable:  # Whoosh scores these by the posting's weight
            for offset, _, ids, weights, _ in term_blocks(searcher, fieldname, text, weights=True, within=within):
                scores.update(zip(map(offset.__add__, ids), weights))
            return _only(scores, only)
        idf = searcher.idf(fieldname, text)
        avgfl = searcher.avg_field_length(fieldname) or 1
        for offset, reader, ids, weights, _ in term_blocks(searcher, fieldname, text, weights=True, within=within):
            lengths = self._field_lengths(reader, offset, fieldname)
            for doc, weight in zip(ids, weights):
                if only is not None and doc + offset not in only:
                    continue
                length = _LENGTHS[lengths[doc]] if lengths is not None else \
                    reader.doc_field_length(doc, fieldname, 1) or 1
                # whoosh.scoring.bm25, written the same way so the scores are the same to the last bit
                scores[doc + offset] = idf * ((weight * (K1 + 1)) / (weight + K1 * ((1 - B) + B * length / avgfl)))
        return scores

    def _field_lengths(self, reader, offset: int, fieldname: str) -> bytes | None:
        """The stored length byte of every document of a segment for a field (None: read them one by one)."""
        key = (offset, fieldname)
        if key not in self._lengths:
            try:
                column = reader._perdoc._cached_reader(f"_{fieldname}_len", _length_column())
                data = column._dbfile.get(column._basepos, column._count)
                self._lengths[key] = data + bytes(max(0, reader.doc_count_all() - len(data)))
            except Exception:  # noqa: BLE001 - another codec: the public, slower way
                self._lengths[key] = None
        return self._lengths[key]


def _only(scores: dict[int, float], only: set[int] | None) -> dict[int, float]:
    return scores if only is None else {doc: score for doc, score in scores.items() if doc in only}


def _length_column():
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN

    return LENGTHS_COLUMN
