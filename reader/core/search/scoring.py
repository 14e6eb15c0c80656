"""Ranking term, wildcard and phrase queries straight from posting blocks, with Whoosh's BM25F scores.

Whoosh's matchers walk postings one at a time through trees of Python objects (a union per field, an
intersection per word): 100–400 ms for a two-word or wildcard query over 100,000 articles. Here
each term's postings are read a block at a time (document numbers and weights as arrays) and BM25F
scores are summed in dictionaries: the same scores and order (a test compares them with Whoosh's)
in a fraction of the time; phrases check the positions of the documents that have all their words.
Fuzzy terms, ranges, phrases with slop and date order stay with Whoosh.
"""

from __future__ import annotations

import functools
import heapq
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from itertools import accumulate, chain, compress
from math import log
from pathlib import Path
from typing import Collection, Iterator
from weakref import WeakKeyDictionary

from reader.core.search.analysis import FastPositions, positions
from reader.core.search.language_codes import MAX_LANGUAGES, index_codes
from reader.core.search.lean_import import deferring

with deferring():  # Whoosh without urllib and asyncio: see lean_import
    from whoosh import query as wq
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3TermInfo
    from whoosh.formats import Existence
    from whoosh.util.numeric import byte_to_length

B, K1 = 0.75, 1.2  # Whoosh's BM25F defaults, which the index uses
LENGTHS = [byte_to_length(b) or 1 for b in range(256)]  # field lengths are stored as one byte each
KEPT_SCORES = 2_000_000  # document scores of recent queries' parts a searcher keeps (~100 bytes each in a dict)


class RecentScores:
    """The scores of the parts (words, translations, clauses) of a searcher's recent queries, least
    recently used dropped beyond KEPT_SCORES document scores: a query typed on, asked again for its
    whole list or counted scores only what it did not have (`police` once for `police o`, `police of`…)."""

    def __init__(self) -> None:
        self._scores: OrderedDict = OrderedDict()  # query -> (scores, how many documents), never changed
        self._size = 0

    def get(self, query):
        found = self._scores.get(query)
        if found is None:
            return None
        self._scores.move_to_end(query)
        return found[0]

    def keep(self, query, scores, size: int) -> None:
        """Keep the scores of `size` documents for a query `get` did not have."""
        self._scores[query] = (scores, size)
        self._size += size
        while self._size > KEPT_SCORES and len(self._scores) > 1:
            self._size -= self._scores.popitem(last=False)[1][1]


class _Facts:
    """What a searcher's rankers read once and keep while it lasts (a commit makes a new searcher). An
    engine runs one search at a time (its lock), so nothing here is locked."""

    def __init__(self) -> None:
        self.codes: tuple[bytes, dict[str, int]] | None = None  # a code per document, {language: code}
        self.lengths: dict[str, bytearray | None] = {}  # field -> a length byte per document
        self.holding: dict[str, list] = {}  # field -> the (leaf searcher, offset) of segments that may hold it
        self.averages: dict[str, float] = {}  # field -> its average length (a sum over every segment)
        self.arrays: dict[int, tuple] = {}  # segment reader's id -> its posting arrays, deleted documents
        self.frequencies: dict[tuple, int] = {}  # (field, term) -> its documents, counted as its postings were read


class _Kept:
    """The scores one kind of ranker keeps for a searcher while it lasts (as dictionaries or arrays)."""

    def __init__(self) -> None:
        self.languages: dict = {}  # language -> the scores of its documents (`lang:fr` in a query)
        self.recent = RecentScores()


_FACTS: WeakKeyDictionary = WeakKeyDictionary()  # searcher -> _Facts
_KEPT: WeakKeyDictionary = WeakKeyDictionary()  # searcher -> the dictionary ranker's _Kept
KEPT_ARRAYS: WeakKeyDictionary = WeakKeyDictionary()  # searcher -> the array ranker's _Kept


def forget_recent_scores() -> None:
    """Forget every searcher's recent scores (a benchmark timing queries as if each came first)."""
    for kept in [*_KEPT.values(), *KEPT_ARRAYS.values()]:
        kept.recent = RecentScores()


def facts(searcher) -> _Facts:
    return _FACTS.setdefault(searcher, _Facts())


def holding(searcher, fieldname: str) -> list:
    """The (leaf searcher, offset) of the segments that may hold terms of a field: a scored field's terms
    are not looked up in segments where it has no length (a language's field in another's segments)."""
    held = facts(searcher).holding
    if fieldname not in held:
        field = searcher.schema[fieldname] if fieldname in searcher.schema else None
        held[fieldname] = [(leaf, offset) for leaf, offset in searcher.leaf_searchers()
                           if field is None or not field.scorable or leaf.reader().field_length(fieldname)]
    return held[fieldname]


def doc_frequency(searcher, fieldname: str, text) -> int:
    """How many documents hold a term (deleted ones included, as Whoosh counts), looked up only in the
    segments that may hold it (or counted while its postings were read: `frequencies`)."""
    known = facts(searcher).frequencies.get((fieldname, text))
    if known is not None:
        return known
    return sum(leaf.reader().doc_frequency(fieldname, text) for leaf, _ in holding(searcher, fieldname))


def holds(searcher, fieldname: str, text) -> bool:
    """Whether the index holds a term, looked up only in the segments that may hold it."""
    return any((fieldname, text) in leaf.reader() for leaf, _ in holding(searcher, fieldname))


def average_length(searcher, fieldname: str) -> float:
    """A scored field's average length in the documents (1 when it has none), summed once per searcher."""
    averages = facts(searcher).averages
    if fieldname not in averages:
        averages[fieldname] = searcher.avg_field_length(fieldname) or 1
    return averages[fieldname]


def idf_of(searcher, fieldname: str, text) -> float:
    """Whoosh's inverse document frequency of a term (`WeightingModel.idf`), to the last bit."""
    return log(searcher.doc_count_all() / (doc_frequency(searcher, fieldname, text) + 1)) + 1


def term_blocks(searcher, fieldname: str, text, weights: bool = False, values: bool = False,
                within: list[int] | None = None) -> Iterator[tuple]:
    """(segment offset, document numbers, weights, values) for each posting block of a
    term, deleted documents left out; weights and values are None unless asked for. With `within`
    (sorted document numbers), blocks that cannot hold any of them are skipped without being read."""
    for leaf, offset in holding(searcher, fieldname):
        reader = leaf.reader()
        local = None
        if within is not None:
            first, last = bisect_left(within, offset), bisect_left(within, offset + reader.doc_count_all())
            local = [doc - offset for doc in within[first:last]]
            if not local:
                continue
        for block in segment_blocks(reader, fieldname, text, weights, values, local):
            yield (offset, *block)


def segment_blocks(reader, fieldname: str, text, weights: bool = False, values: bool = False,
                   local: list[int] | None = None) -> Iterator[list]:
    """`term_blocks` in one segment (its `reader`): [document numbers, weights, values] of each block,
    numbered in the segment."""
    key = term_key(reader, fieldname, text)
    found = term_matcher(reader, fieldname, key) if key is not None else None
    if found is not None:
        yield from matcher_blocks(found[1], in_order(reader.deleted_docs_set), weights, values, local)


def term_key(reader, fieldname: str, text) -> bytes | None:
    """A term's key in a segment's term table (field number and term bytes); None when the segment has
    no such field."""
    try:
        return reader._terms._keycoder(fieldname, reader._text_to_bytes(fieldname, text))
    except KeyError:
        return None


def term_matcher(reader, fieldname: str, key: bytes) -> tuple[int, object] | None:
    """(documents, a matcher of its postings) of a term table key in one segment, deleted documents
    included, looked up once; None when the segment does not hold it."""
    table = reader._terms
    info = table._tindex.get(key)
    if info is None:
        return None
    info = W3TermInfo.from_bytes(info)
    return info.doc_frequency(), table._codec.postings_reader(table._postfile, info, reader.schema[fieldname].format)


def matcher_blocks(matcher, deleted: tuple[int, ...] = (), weights: bool = False, values: bool = False,
                   local: list[int] | None = None) -> Iterator[list]:
    """`segment_blocks` of a term's postings matcher in one segment, without its `deleted` documents
    (in order)."""
    if not hasattr(matcher, "_read_ids"):  # not a block matcher: one posting at a time
        postings = []
        while matcher.is_active():
            if matcher.id() not in deleted:
                postings.append((matcher.id(), matcher.weight(), matcher.value() if values else None))
            matcher.next()
        yield [[p[0] for p in postings], [p[1] for p in postings] if weights else None,
               [p[2] for p in postings] if values else None]
        return
    low = 0  # the smallest document number the current block can hold
    while matcher.is_active():
        high, wanted = matcher._maxid, True
        if local is not None:
            at = bisect_left(local, low)
            wanted = at < len(local) and local[at] <= high
        low = high + 1
        if wanted:
            yield _block(matcher, deleted, weights, values)
        matcher._next_block()


def term_postings(searcher, fieldname: str, text, weights: bool) -> tuple[list[int], list[float]]:
    """A term's document numbers in order, and with `weights` its weight in each (else [])."""
    docs: list[int] = []
    found: list[float] = []
    for offset, ids, block_weights, _ in term_blocks(searcher, fieldname, text, weights=weights):
        docs += map(offset.__add__, ids) if offset else ids
        if weights:
            found += block_weights
    return docs, found


def _block(matcher, deleted: tuple[int, ...], weights: bool, values: bool) -> list:
    """The current block's document numbers, weights and values (None when not asked for), without the
    segment's `deleted` documents (in order)."""
    if matcher._data is None:
        matcher._read_data()
    ids = matcher._data[0]
    block = [ids if matcher._byteids else list(accumulate(ids)), None, None]
    if weights:
        matcher._read_weights()
        block[1] = matcher._weights
    if values:
        matcher._read_values()
        block[2] = matcher._values
    if deleted and block[0]:  # filtered in Python only when a deleted document falls in the block's range
        at = bisect_left(deleted, block[0][0])
        if at < len(deleted) and deleted[at] <= block[0][-1]:
            gone = frozenset(deleted[at:bisect_right(deleted, block[0][-1], at)])
            kept = [i for i, doc in enumerate(block[0]) if doc not in gone]
            block = [[part[i] for i in kept] if part is not None else None for part in block]
    return block


@functools.lru_cache(maxsize=1024)
def in_order(deleted: frozenset) -> tuple[int, ...]:
    """A segment's deleted document numbers in order (sorted once for every term read from it)."""
    return tuple(sorted(deleted))


def expansions(query, searcher, memo: dict) -> list:
    """The index terms a wildcard, prefix or fuzzy term stands for, in order, looked up once per query
    (`memo`) in each segment that may hold its field (one walk of the merged terms of every segment
    took 0.3 s at a million articles)."""
    key = repr(query)
    if key not in memo:
        found = set().union(*(query._btexts(leaf.reader()) for leaf, _ in holding(searcher, query.fieldname)))
        memo[key] = sorted(found)
    return memo[key]


def read_phrase(searcher, fieldname: str, words, keep) -> bool:
    """Read each word of a phrase's postings, rarest word first, the others only where they can hold
    documents every word read so far has: `keep(index, within)` reads word `index`'s postings (where
    they can hold the sorted document numbers `within`; None: everywhere) and gives those documents,
    sorted. False when none is left."""
    order = sorted(range(len(words)), key=lambda i: doc_frequency(searcher, fieldname, words[i]))
    within = None
    for index in order:
        within = keep(index, within)
        if not len(within):
            return False
    return True


def positions_decoder(searcher, fieldname: str):
    """The function giving the positions a field's posting value holds."""
    field_format = searcher.schema[fieldname].format
    return positions if isinstance(field_format, FastPositions) else field_format.decode_positions


def phrase_postings(searcher, fieldname: str, words) -> list[dict[int, tuple[float, bytes]]]:
    """For each word of a phrase, {document number: (weight, value)} of the documents where `words`
    stand one right after another in the field (empty dictionaries when none does)."""
    per_word: list[dict[int, tuple[float, bytes]]] = [{} for _ in words]
    candidates: set[int] | None = None

    def keep(index: int, within: list[int] | None) -> list[int]:
        nonlocal candidates
        found = per_word[index]
        for offset, ids, weights, values in term_blocks(searcher, fieldname, words[index], True, True, within):
            found.update(zip(map(offset.__add__, ids), zip(weights, values)))
        candidates = set(found) if candidates is None else candidates.intersection(found)
        return sorted(candidates)

    if not read_phrase(searcher, fieldname, words, keep):
        return [{} for _ in words]
    matched = adjacent_docs(candidates or set(), per_word, positions_decoder(searcher, fieldname))
    return [{doc: found[doc] for doc in matched} for found in per_word]


def adjacent_docs(candidates: set[int], per_word: list[dict[int, tuple[float, bytes]]], decode) -> set[int]:
    """The `candidates` where the words stand one right after another: each word's postings in
    `per_word` ({document: (weight, value)}), its positions decoded from the value by `decode`."""
    first, rest = per_word[0], list(enumerate(per_word[1:], 1))
    matched = set()
    for doc in candidates:
        starts = set(decode(first[doc][1]))
        for distance, found in rest:
            starts.intersection_update(map(distance.__rsub__, decode(found[doc][1])))
            if not starts:
                break
        if starts:
            matched.add(doc)
    return matched


def phrase_docs(searcher, fieldname: str, words) -> set[int]:
    """The numbers of the documents where `words` stand one right after another in the field."""
    return set(phrase_postings(searcher, fieldname, words)[0]) if words else set()


def can_rank(query) -> bool:
    """Whether `Ranker` handles the query: terms and prefix/wildcard terms joined by AND, OR, AND NOT and
    DisjunctionMax (a word and its translations), boosts only on terms, phrases, OR and DisjunctionMax."""
    if getattr(query, "boost", 1.0) != 1.0 and type(query) not in (wq.Term, wq.Phrase, wq.Or, wq.DisjunctionMax):
        return False
    if type(query) in (wq.Term, wq.Prefix, wq.Wildcard):
        return True
    if type(query) is wq.Phrase:  # words right after one another (Whoosh's default slop)
        return query.slop == 1 and bool(query.words)
    if type(query) is wq.And:  # NOT parts only take documents away
        positive = [q for q in query.subqueries if type(q) is not wq.Not]
        return bool(positive) and all(can_rank(q) for q in positive)
    if type(query) in (wq.Or, wq.DisjunctionMax):
        return all(can_rank(q) for q in query.subqueries)
    if type(query) is wq.AndNot:
        return can_rank(query.a)
    return False


class Ranker:
    """Scores for one searcher, as dictionaries {document number: score}; each field's lengths are read
    once while the searcher lasts."""

    _store = _KEPT  # where a searcher's recent scores and language scores are kept

    def __init__(self, searcher, doc_set, memo: dict, folder: Path | None = None) -> None:
        self._searcher = searcher
        self._doc_set = doc_set  # query -> set of document numbers (for AND NOT)
        self._memo = memo  # wildcard expansions, shared with the query's highlighting terms
        self._folder = folder  # the index folder, where each segment's language codes are kept
        self._kept: _Kept = self._store.setdefault(searcher, _Kept())

    def rank(self, query, allowed: set[int] | None, limit: int | None) -> tuple[list[tuple[int, float]], int]:
        """The `limit` best (document number, score) pairs, best first (ties: lower number first), and how
        many documents match; `allowed` restricts them."""
        scores = self._scores(query)
        if allowed is not None:
            scores = {doc: score for doc, score in scores.items() if doc in allowed}
        items = scores.items()
        if limit and len(scores) > limit:  # only those scoring at least the limit-th best
            threshold = heapq.nlargest(limit, scores.values())[-1]
            items = [(doc, score) for doc, score in items if score >= threshold]
        ranked = sorted(items, key=lambda item: (-item[1], item[0]))
        return ranked[:limit] if limit is not None else ranked, len(scores)

    def matched(self, query, allowed: set[int] | None) -> set[int]:
        """The documents a query matches, within `allowed`: those `rank` scores (kept from it)."""
        scores = self._scores(query)
        return set(scores) if allowed is None else scores.keys() & allowed

    def _scores(self, query) -> dict[int, float]:
        """{document number: score} of a query (kept among the searcher's recent scores; never changed
        by callers)."""
        scores = self._kept.recent.get(query)
        if scores is None:
            boost = query.boost
            if boost == 0.0 and type(query) in (wq.Or, wq.DisjunctionMax):  # which documents, not how well
                scores = self._any_of(list(map(self._scores, query.subqueries)))
            else:
                scores = self._unboosted(query)
                if boost != 1.0:
                    scores = self._boosted(scores, boost)
            self._kept.recent.keep(query, scores, self._size(scores))
        return scores

    @staticmethod
    def _size(scores: dict[int, float]) -> int:
        return len(scores)

    @staticmethod
    def _any_of(parts: list[dict[int, float]]) -> dict[int, float]:
        """The documents of any of `parts`, each scoring 0."""
        return dict.fromkeys(chain.from_iterable(parts), 0.0)

    @staticmethod
    def _boosted(scores: dict[int, float], boost: float) -> dict[int, float]:
        return {doc: score * boost for doc, score in scores.items()}

    def _unboosted(self, query) -> dict[int, float]:
        if type(query) is wq.Term:
            return self._term_scores(query.fieldname, query.text)
        if type(query) is wq.Phrase:  # Whoosh scores a phrase as its words together
            matches = phrase_postings(self._searcher, query.fieldname, query.words)
            parts = [self._scored(query.fieldname, word, list(found), [weight for weight, _ in found.values()])
                     for word, found in zip(query.words, matches)]
            return {doc: tree_sum([part[doc] for part in parts]) for doc in matches[0]}
        if type(query) in (wq.Prefix, wq.Wildcard):
            terms = [wq.Term(query.fieldname, text)
                     for text in expansions(query, self._searcher, self._memo)]
            return self._scores(wq.Or(terms))
        if type(query) is wq.AndNot:
            excluded = self._doc_set(query.b)
            return {doc: score for doc, score in self._scores(query.a).items() if doc not in excluded}
        if type(query) is wq.And:
            return self._and_scores(query)
        if type(query) is wq.DisjunctionMax:  # each document scores its best alternative
            best: dict[int, float] = {}
            for part in map(self._scores, query.subqueries):  # compared in Python only where parts overlap
                kept = {doc: best[doc] for doc in part.keys() & best.keys() if best[doc] >= part[doc]}
                best.update(part)
                best.update(kept)
            return best
        total: dict[int, float] = {}
        for part in map(self._scores, query.subqueries):  # sums in Python only where parts overlap
            shared = {doc: total[doc] + part[doc] for doc in part.keys() & total.keys()}
            total.update(part)
            total.update(shared)
        return total

    def _and_scores(self, query) -> dict[int, float]:
        """Scores of the documents every positive part matches and no NOT part does.

        A translated query's parts are `word OR lang:x OR lang:y…` (the word, or any document of a
        language it has no translation into). Such a part is not made whole (a union of most of the
        index): its documents are found among those the other parts all match."""
        positive, nots, split = and_plan(query)
        parts: list = [self._scores(q) if part is None else part for q, part in zip(positive, split)]
        common = set(min((p for p in parts if type(p) is dict), key=len)).intersection(
            *(p for p in parts if type(p) is dict))
        for excluded in nots:
            common -= self._doc_set(excluded.query)
        for index, part in enumerate(parts):
            if type(part) is not dict:
                parts[index] = self._language_scores(*part, common)
                common = parts[index].keys()  # a view: iterated and looked in, never changed
        extra = sum(q.boost for q in nots)  # Whoosh scores each NOT as its boost for the documents kept
        docs = list(common)  # the parts' scores column by column, summed in order as Whoosh sums them
        totals = map(sum, zip(*(list(map(part.__getitem__, docs)) for part in parts)))
        return dict(zip(docs, [total + extra for total in totals] if extra else totals))

    def _language_scores(self, word, langs: list[str], among: Collection[int]) -> dict[int, float]:
        """The scores `word OR lang:x OR lang:y…` gives the documents of `among` it matches, as Whoosh
        sums them: the word's score, plus the language's when both match."""
        scores = self._scores(word)
        boost = self._searcher.schema["lang"].format.field_boost  # a language term's score (it has no lengths)
        in_langs = self._in_languages(among, langs)
        found = dict.fromkeys(in_langs, boost)
        matched = list(filter(scores.__contains__, among))
        found.update(zip(matched, map(scores.__getitem__, matched)))
        both = list(filter(scores.__contains__, in_langs))  # in_langs is within among: matched there too
        found.update(zip(both, map(boost.__add__, map(scores.__getitem__, both))))
        return found

    def _in_languages(self, docs: Collection[int], langs: list[str]) -> list[int]:
        """The documents of `docs` written in one of `langs` (see `language_codes`)."""
        codes, wanted = language_codes(self._searcher, self._folder, langs)
        ordered = list(docs)
        return list(compress(ordered, map(wanted.__getitem__, map(codes.__getitem__, ordered))))

    def _term_scores(self, fieldname: str, text) -> dict[int, float]:
        """Scores of every document with a term."""
        searcher = self._searcher
        field_format = searcher.schema[fieldname].format
        existence = isinstance(field_format, Existence)  # ids, languages: every posting weighs the field boost
        if fieldname == "lang":  # large (`lang:fr` in a query): kept while the searcher lasts
            kept = self._kept.languages
            if text not in kept:
                kept[text] = self._read_term_scores(fieldname, text, field_format, existence)
            return kept[text]
        return self._read_term_scores(fieldname, text, field_format, existence)

    def _read_term_scores(self, fieldname: str, text, field_format, existence: bool) -> dict[int, float]:
        """A term's scores, read from its posting blocks."""
        docs, weights = term_postings(self._searcher, fieldname, text, not existence)
        if existence:
            return dict.fromkeys(docs, field_format.field_boost)
        return self._scored(fieldname, text, docs, weights)

    def _scored(self, fieldname: str, text, docs: list[int], weights: list[float]) -> dict[int, float]:
        """Whoosh's score of a term in each document given its weight there: BM25F, or the weight for
        fields without lengths."""
        searcher = self._searcher
        if not docs:  # nothing to score (an empty index has no IDF at all)
            return {}
        if not searcher.schema[fieldname].scorable:
            return dict(zip(docs, weights))
        idf, avgfl = idf_of(searcher, fieldname, text), average_length(searcher, fieldname)
        lengths = field_lengths(self._searcher, fieldname)
        if lengths is None:
            return {doc: bm25(idf, weight, searcher.doc_field_length(doc, fieldname, 1), avgfl)
                    for doc, weight in zip(docs, weights)}
        # a score depends only on the weight and the length byte: each pair is computed once, looked up in C
        scores = _Bm25Table(idf, avgfl)
        return dict(zip(docs, map(scores.__getitem__, zip(weights, map(lengths.__getitem__, docs)))))


def language_codes(searcher, folder: Path | None, langs: list[str]) -> tuple[bytes, bytearray]:
    """A code per document (its language's, 0: none) and, by code, whether it is one of `langs`: kept
    while the searcher lasts, and per segment in the index `folder` (see search.language_codes)."""
    kept = facts(searcher)
    if kept.codes is None:
        leaves = [(leaf.reader(), getattr(leaf.reader().segment(), "segment_id", lambda: None)())
                  for leaf, _ in searcher.leaf_searchers()]
        kept.codes = index_codes(leaves, folder, lambda reader, lang: chain.from_iterable(
            block[0] for block in segment_blocks(reader, "lang", lang)))
    codes, numbers = kept.codes
    wanted = bytearray(256)
    for text in langs:
        if text in numbers:
            wanted[numbers[text]] = 1
    return codes, wanted


def index_languages(searcher, folder: Path | None) -> list[str]:
    """The languages of the index's documents, sorted: those of `language_codes` (read once per searcher,
    and per segment from the index `folder`), a merge of every segment's terms of `lang` otherwise."""
    language_codes(searcher, folder, [])
    return sorted(facts(searcher).codes[1])


def field_lengths(searcher, fieldname: str) -> bytearray | None:
    """The stored length byte of every document for a field, all segments in order (None: the codec
    does not store them where expected; they are then read one by one); read once per searcher."""
    lengths = facts(searcher).lengths
    if fieldname not in lengths:
        joined = bytearray(searcher.doc_count_all())  # zeros: the segments without the field stay so
        try:
            for leaf, offset in holding(searcher, fieldname):
                column = leaf.reader()._perdoc._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN)
                if column is not None:
                    joined[offset:offset + column._count] = column._dbfile.get(column._basepos, column._count)
            lengths[fieldname] = joined
        except Exception:  # noqa: BLE001 - another codec: the public, slower way
            lengths[fieldname] = None
    return lengths[fieldname]


def and_plan(query) -> tuple[list, list, list]:
    """An AND's positive parts, its NOT parts, and for each positive part (word query, languages) when it
    is `word OR lang:x OR lang:y…` (scored only among the documents the others match), else None."""
    positive = [q for q in query.subqueries if type(q) is not wq.Not]
    nots = [q for q in query.subqueries if type(q) is wq.Not]
    split = [language_part(q) for q in positive]
    if all(split):  # no part to start from: every part is made whole
        split = [None] * len(positive)
    return positive, nots, split


def language_part(query) -> tuple | None:
    """(word query, languages) of a query `word OR lang:x OR lang:y…` (no boosts), else None."""
    if type(query) is not wq.Or or query.boost != 1.0 or len(query.subqueries) < 2:
        return None
    word, *langs = query.subqueries
    if getattr(word, "fieldname", None) == "lang" or len(langs) > MAX_LANGUAGES or any(
            type(q) is not wq.Term or q.fieldname != "lang" or q.boost != 1.0 for q in langs):
        return None
    return word, [q.text for q in langs]


def tree_sum(values: list):
    """The sum of `values` (floats, or arrays added element by element) as Whoosh's binary tree of
    matchers adds them (a + (b + c)): the same float to the last bit, so ties are broken as Whoosh
    breaks them."""
    if len(values) == 1:
        return values[0]
    half = len(values) // 2
    return tree_sum(values[:half]) + tree_sum(values[half:])


def bm25(idf: float, weight, length, avgfl: float):
    """whoosh.scoring.bm25, written the same way so the scores are the same to the last bit (a weight
    and a length, or arrays of them)."""
    return idf * ((weight * (K1 + 1)) / (weight + K1 * ((1 - B) + B * length / avgfl)))


class _Bm25Table(dict):
    """A term's BM25 score by (weight, field-length byte), each computed on first use."""

    def __init__(self, idf: float, avgfl: float) -> None:
        super().__init__()
        self.idf, self.avgfl = idf, avgfl

    def __missing__(self, key: tuple[float, int]) -> float:
        score = self[key] = bm25(self.idf, key[0], LENGTHS[key[1]], self.avgfl)
        return score
