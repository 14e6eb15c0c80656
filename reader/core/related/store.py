"""Related articles from an inverted index of language-neutral features, kept in SQLite.

Each article's features (see `features.py`) are stored once as a forward list and once as postings
`(feature hash, doc, weight)`. A related list is computed on demand: the postings of the article's
features are summed with IDF weights, skipping features too common to tell stories apart.
"""

from __future__ import annotations

import hashlib
import math
import sys
import threading
import zlib
from array import array
from collections import defaultdict
from dataclasses import dataclass
from functools import wraps
from itertools import repeat
from operator import mul
from pathlib import Path
from typing import Callable, Iterator, Mapping, TypeVar

from reader.core.memo import Memo, extend_each

DB_NAME = "related.sqlite"
# Bump when features or weights change: stored postings are then dropped and rebuilt by the indexer.
FORMAT_VERSION = "4"  # 2: marks of every script, lakh and multiplied numbers, caseless names, Han pairs; 3: acronyms;
# 4: a kana or Hangul name's r also read as l
MAX_FEATURES = 200  # per article, by weight; bounds postings for very long articles
# A feature found in more articles than the cap tells stories apart too weakly to be worth reading.
# Past STORED_POSTINGS a feature is marked common for good and its list is dropped.
STORED_POSTINGS = 1000
COMMON = 1 << 40  # the document frequency recorded for a common feature
MIN_POSTING_CAP, POSTING_CAP_RATIO = 100, 0.005
WEIGHT_SCALE = 1000  # posting weights are stored as integers: weight / norm * WEIGHT_SCALE
FLUSH_POSTINGS = 500_000
_CHUNK = 500
MIN_SCORE = 0.005
# Same story, calibrated on parallel news in eight languages and five scripts (benchmarks/related_eval.py):
# a translation is the best candidate of its language, and the article is its best candidate in the
# article's language; it scores at least TRANSLATION_SCORE, or at least CLEAR_TRANSLATION_SCORE with both
# choices standing out from their runner-up's score by a margin that falls from CLEAR_MARGINS[0] at
# CLEAR_TRANSLATION_SCORE to CLEAR_MARGINS[1] at TRANSLATION_SCORE (scripts far apart share less: their
# scores are lower, but a translation still stands out); a rewrite in the same language also shares most
# of its weighted features, not only the rare ones. Above TRANSLATION_SCORE a candidate still stands out
# by TIE_MARGIN: two articles of a language tied for one story (two outlets' reports of one event, or a
# short text's chance neighbour) leave unsaid which one translates it.
TRANSLATION_SCORE = 0.08
CLEAR_TRANSLATION_SCORE, CLEAR_MARGINS, TIE_MARGIN = 0.02, (2.0, 1.2), 1.1
MARGIN_CANDIDATES = 3  # a margin is judged only in a language of this many articles at least
REWRITE_SCORE, REWRITE_COSINE, REWRITE_CHECKS = 0.1, 0.65, 5
TRANSLATION_CHECKS = 20  # other languages whose best candidate is checked for being a translation
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS docs(doc INTEGER PRIMARY KEY, article_id TEXT UNIQUE NOT NULL,
                                lang TEXT NOT NULL, title TEXT NOT NULL, features BLOB NOT NULL,
                                weights BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS postings(fh INTEGER PRIMARY KEY, df INTEGER NOT NULL, data BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS docs_lang ON docs(lang);  -- languages and each doc's without reading the features
"""


@dataclass
class Relation:
    """One related article: why it is related and whether it tells the same story."""

    id: str
    lang: str
    title: str
    score: float
    reasons: list[str]
    same_story: bool


def translation_note(relations: list[Relation], own_lang: str) -> str:
    """'' when an article of another language tells the same story; else a plain sentence saying that
    none does, naming the closest article of another language (the list is ordered by evidence)."""
    others = [relation for relation in relations if relation.lang != own_lang]
    if any(relation.same_story for relation in others):
        return ""
    if not others:
        return "no translation found"
    closest = max(others, key=lambda relation: relation.score)
    return f"no translation found; closest: {closest.lang.upper()} {closest.score:.3f} {closest.title}"


def _new_hash(feature: str) -> int:
    return int.from_bytes(hashlib.blake2b(feature.encode(), digest_size=8).digest(), "big") >> 17


_HASHES: Memo[str, int] = Memo(_new_hash, 500_000)


def feature_hash(feature: str) -> int:
    """A stable 47-bit hash of a feature (SQLite stores it in six bytes)."""
    return _HASHES[feature]


def top_features(features: dict[str, float]) -> dict[str, float]:
    """The MAX_FEATURES heaviest features, numbers first (up to a quarter of them): words of a long article
    in a script without case would otherwise crowd out its numbers (loader processes trim them before
    sending them over)."""
    if len(features) <= MAX_FEATURES:
        return features
    ranked = sorted(features, key=features.__getitem__, reverse=True)
    kept = [feature for feature in ranked if feature.startswith("n:")][: MAX_FEATURES // 4]
    kept += [feature for feature in ranked if not feature.startswith("n:")][: MAX_FEATURES - len(kept)]
    return {feature: features[feature] for feature in kept}


def _pack(features: dict[str, float]) -> tuple[bytes, bytes]:
    """An article's forward list: its feature names (compressed) and weights (hundredths, uint16)."""
    weights = array("H", map(int, map((0.5).__add__, map((100.0).__mul__, features.values()))))
    if sys.byteorder == "big":
        weights.byteswap()
    return zlib.compress("\n".join(features).encode(), 1), weights.tobytes()


@dataclass(frozen=True)
class FeatureRecord:
    """An article's features as the store takes them, computed where the features are (a loader
    process): the packed forward list, and each feature's hash and posting weight."""

    names: bytes
    weights: bytes
    hashes: array  # uint64
    posting_weights: array  # uint16: weight / norm * WEIGHT_SCALE, at least 1


def feature_record(features: dict[str, float]) -> FeatureRecord:
    """The record of an article's features (its MAX_FEATURES heaviest)."""
    features = top_features(features)
    scale = WEIGHT_SCALE / _norm(features)
    posting_weights = array("H", map(int, map((0.5).__add__, map(scale.__mul__, features.values()))))
    if 0 in posting_weights:
        posting_weights = array("H", [weight or 1 for weight in posting_weights])
    return FeatureRecord(*_pack(features), array("Q", map(_HASHES.__getitem__, features)), posting_weights)


def _unpack(names: bytes, weights: bytes) -> dict[str, float]:
    values = array("H", weights)
    if sys.byteorder == "big":
        values.byteswap()
    return {name: value / 100 for name, value in zip(zlib.decompress(names).decode().split("\n"), values)}


def _norm(features: dict[str, float]) -> float:
    weights = features.values()
    return math.sqrt(sum(map(mul, weights, weights))) or 1.0


def _encode(docs: array, weights: array) -> bytes:
    """A posting list as bytes: little-endian uint32 docs, then uint16 weights."""
    if sys.byteorder == "big":
        docs, weights = array("I", docs), array("H", weights)
        docs.byteswap()
        weights.byteswap()
    return docs.tobytes() + weights.tobytes()


def _decode(data: bytes) -> tuple[array, array]:
    split = len(data) // 6 * 4
    docs, weights = array("I", data[:split]), array("H", data[split:])
    if sys.byteorder == "big":
        docs.byteswap()
        weights.byteswap()
    return docs, weights


def _cosine(features: dict[str, float], other: dict[str, float]) -> float:
    """Cosine of two feature vectors without IDF: near 1 only when most of the text is shared."""
    return sum(w * other[f] for f, w in features.items() if f in other) / (_norm(features) * _norm(other))


_Result = TypeVar("_Result")
# article id -> the stem features of its words' translations and what gave each (see related.translated)
Translated = Callable[[str], tuple[dict[str, float], dict[str, str]]]


def _locked(method: Callable[..., _Result]) -> Callable[..., _Result]:
    """Run a public method under the index's lock: UI worker threads may share one index."""

    @wraps(method)
    def run(self: RelatedIndex, *args, **kwargs) -> _Result:
        with self._lock:
            return method(self, *args, **kwargs)

    return run


class RelatedIndex:
    """Feature postings of every article in `<directory>/related.sqlite`, updated one article at a time."""

    def __init__(self, directory: Path) -> None:
        import sqlite3  # here: a search, which checks FORMAT_VERSION, never opens the store (3 ms)

        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self.damage = ""  # why the store was found unreadable and started empty ('' when it was not)
        try:
            self._open(directory / DB_NAME)
        except sqlite3.DatabaseError as exc:  # not a database, malformed: it is derived data, start over
            self._db.close()
            for suffix in ("", "-wal", "-shm"):
                (directory / f"{DB_NAME}{suffix}").unlink(missing_ok=True)
            self._open(directory / DB_NAME)
            self.damage = str(exc)

    def _open(self, path: Path) -> None:
        import sqlite3

        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA busy_timeout=10000")
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA cache_size=-65536")
        self._db.executescript(_SCHEMA)
        self._pending: defaultdict[int, list[int]] = defaultdict(list)  # feature hash -> doc, weight, doc…
        self._pending_count = 0
        self._pending_docs: set[int] = set()
        self._langs: dict[int, str] = {}
        self._data_version = -1
        self._in_transaction = False
        stored = self._db.execute("SELECT value FROM meta WHERE key='format'").fetchone()
        if stored is None or stored[0] != FORMAT_VERSION:
            self._begin()
            self._db.execute("DELETE FROM postings")
            self._db.execute("DELETE FROM docs")
            self._db.execute("INSERT OR REPLACE INTO meta VALUES ('format', ?)", (FORMAT_VERSION,))
            self.commit()

    # -- writing ---------------------------------------------------------------------------------

    def _begin(self) -> None:
        if not self._in_transaction:
            self._db.execute("BEGIN IMMEDIATE")
            self._in_transaction = True

    def _postings(self, hashes: list[int]) -> Iterator[tuple[int, int, bytes]]:
        """(hash, document frequency, encoded list) of the stored features among `hashes`."""
        for start in range(0, len(hashes), _CHUNK):
            chunk = hashes[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            yield from self._db.execute(f"SELECT fh, df, data FROM postings WHERE fh IN ({marks})", chunk)

    def _take_pending(self) -> defaultdict[int, list[int]]:
        """The buffered postings, which the store then forgets."""
        pending, self._pending, self._pending_count = self._pending, defaultdict(list), 0
        self._pending_docs.clear()
        return pending

    def _flush(self) -> None:
        """Merge the buffered postings into the stored lists (one read and one write per feature)."""
        if not self._pending:
            return
        pending = self._take_pending()
        stored = {fh: (df, data) for fh, df, data in self._postings(sorted(pending))}
        rows = []
        for fh in sorted(pending):
            docs, weights = pending[fh][0::2], pending[fh][1::2]
            if not docs:
                continue
            df, data = stored.get(fh, (0, b""))
            if df >= COMMON:
                continue
            if df + len(docs) > STORED_POSTINGS:
                rows.append((fh, COMMON, b""))
                continue
            old_docs, old_weights = _decode(data)
            old_docs.extend(docs)
            old_weights.extend(weights)
            rows.append((fh, df + len(docs), _encode(old_docs, old_weights)))
        self._db.executemany("INSERT OR REPLACE INTO postings VALUES (?, ?, ?)", rows)

    def add(self, article_id: str, lang: str, title: str, text: str) -> None:
        """Index one article, replacing any previous version of it."""
        from reader.core.related.features import extract_features  # not on the search path

        self.add_record(article_id, lang, title, feature_record(extract_features(title, text, lang)))

    @_locked
    def add_record(self, article_id: str, lang: str, title: str, record: FeatureRecord) -> None:
        """Index one article from its features' record (see `feature_record`), replacing any previous version."""
        self._begin()
        if self._db.execute("SELECT 1 FROM docs WHERE article_id=?", (article_id,)).fetchone():
            self.remove(article_id)
        cursor = self._db.execute(
            "INSERT INTO docs(article_id, lang, title, features, weights) VALUES (?, ?, ?, ?, ?)",
            (article_id, lang, title, record.names, record.weights),
        )
        doc = cursor.lastrowid
        extend_each(self._pending, record.hashes, zip(repeat(doc), record.posting_weights))
        self._pending_docs.add(doc)
        self._pending_count += len(record.hashes)
        self._langs[doc] = lang
        if self._pending_count >= FLUSH_POSTINGS:
            self._flush()

    @_locked
    def remove(self, article_id: str) -> None:
        """Forget one article; unknown ids are ignored."""
        query = "SELECT doc, features, weights FROM docs WHERE article_id=?"
        row = self._db.execute(query, (article_id,)).fetchone()
        if row is None:
            return
        self._begin()
        doc, hashes = row[0], [feature_hash(f) for f in _unpack(row[1], row[2])]
        if doc in self._pending_docs:
            for fh in hashes:
                entry = self._pending[fh]
                position = 2 * entry[0::2].index(doc)
                del entry[position : position + 2]
            self._pending_docs.discard(doc)
        else:
            updates, deletions = [], []
            for fh, df, data in self._postings(hashes):
                if df >= COMMON:
                    continue
                docs, weights = _decode(data)
                if doc in docs:
                    position = docs.index(doc)
                    del docs[position], weights[position]
                if df > 1:
                    updates.append((df - 1, _encode(docs, weights), fh))
                else:
                    deletions.append((fh,))
            self._db.executemany("UPDATE postings SET df=?, data=? WHERE fh=?", updates)
            self._db.executemany("DELETE FROM postings WHERE fh=?", deletions)
        self._db.execute("DELETE FROM docs WHERE doc=?", (doc,))
        self._langs.pop(doc, None)

    @_locked
    def clear(self) -> None:
        """Forget every article (before a full rebuild)."""
        self._begin()
        self._take_pending()
        self._langs.clear()
        self._db.execute("DELETE FROM postings")
        self._db.execute("DELETE FROM docs")

    @_locked
    def commit(self) -> None:
        """Make every change since the last commit durable and visible to other processes."""
        self._flush()
        if self._in_transaction:
            self._db.execute("COMMIT")
            self._in_transaction = False

    @_locked
    def rollback(self) -> None:
        """Forget every change since the last commit (a cancelled update)."""
        self._take_pending()
        if self._in_transaction:
            self._db.execute("ROLLBACK")
            self._in_transaction = False
        self._data_version = -1  # reload the languages of the docs as committed

    @_locked
    def close(self) -> None:
        """Commit and close the database."""
        self.commit()
        self._db.close()

    # -- reading ---------------------------------------------------------------------------------

    @_locked
    def article_ids(self) -> set[str]:
        """Ids of every indexed article, for an indexer to reconcile with (the store is emptied when
        its format changes)."""
        return {row[0] for row in self._db.execute("SELECT article_id FROM docs")}

    @_locked
    def count(self) -> int:
        """How many articles the store holds (cheaper than their ids when all is in step)."""
        self._flush()
        return self._db.execute("SELECT count(*) FROM docs").fetchone()[0]

    @_locked
    def languages(self) -> set[str]:
        """The languages of the indexed articles."""
        return {lang for (lang,) in self._db.execute("SELECT DISTINCT lang FROM docs")}

    def _doc_langs(self) -> dict[int, str]:
        """The language of every indexed doc, reloaded when another connection has committed."""
        version = self._db.execute("PRAGMA data_version").fetchone()[0]
        if version != self._data_version:
            self._langs = dict(self._db.execute("SELECT doc, lang FROM docs"))
            self._data_version = version
        return self._langs

    def _lookup(self, article_id: str) -> tuple[int, str, dict[str, float]] | None:
        row = self._db.execute(
            "SELECT doc, lang, features, weights FROM docs WHERE article_id=?", (article_id,)
        ).fetchone()
        return None if row is None else (row[0], row[1], _unpack(row[2], row[3]))

    def _scores(self, doc: int, features: dict[str, float], count: int, extra: dict[str, float]) -> dict[int, float]:
        """Similarity in [0, 1] of `doc` to every article sharing a feature that is not too common. `extra`:
        features `doc` does not hold itself (translated ones); one other article holding one is evidence."""
        cap = int(min(STORED_POSTINGS, max(MIN_POSTING_CAP, count * POSTING_CAP_RATIO)))
        log_count = math.log(1 + count)
        least = {feature_hash(f): 1 for f in extra if f not in features}
        features = {**extra, **features}  # the article's own weight where it holds a feature itself
        norm = _norm(features)
        weights_by_hash = {feature_hash(f): w for f, w in features.items()}
        scores: dict[int, float] = {}
        get = scores.get
        for fh, df, data in self._postings(list(weights_by_hash)):
            if df > cap or df < least.get(fh, 2):  # a feature only `doc` itself holds is no evidence
                continue
            idf = math.log(1 + count / df) / log_count  # in (0, 1); still above 0 in a tiny corpus
            factor = idf * idf * weights_by_hash[fh] / norm / WEIGHT_SCALE
            docs, weights = _decode(data)
            for other, other_weight in zip(docs, weights):
                scores[other] = get(other, 0.0) + other_weight * factor
        scores.pop(doc, None)
        return scores

    def _ranked(self, doc: int, features: dict[str, float], langs: dict[int, str], lang: str | None,
                extra: dict[str, float] | None = None) -> tuple[list[int], dict[int, float]]:
        """Candidate docs best first (optionally only those in `lang`) and their scores; `extra`: features
        of translations (see `_scores`)."""
        scores = self._scores(doc, features, len(langs), extra or {})
        ranked = sorted((d for d, s in scores.items() if s >= MIN_SCORE), key=scores.__getitem__, reverse=True)
        if lang is not None:
            ranked = [d for d in ranked if langs.get(d) == lang]
        return ranked, scores

    def _rows(self, docs: list[int]) -> dict[int, tuple[str, str, str, dict[str, float]]]:
        """Article id, language, title and features of each doc."""
        rows = {}
        for start in range(0, len(docs), _CHUNK):
            chunk = docs[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            query = f"SELECT doc, article_id, lang, title, features, weights FROM docs WHERE doc IN ({marks})"
            for doc, article_id, lang, title, names, weights in self._db.execute(query, chunk):
                rows[doc] = (article_id, lang, title, _unpack(names, weights))
        return rows

    def _holds(self, lang: str, count: int) -> bool:
        """Whether the store holds `count` articles of `lang` at least (read from the language index)."""
        query = "SELECT COUNT(*) FROM (SELECT 1 FROM docs WHERE lang=? LIMIT ?)"
        return self._db.execute(query, (lang, count)).fetchone()[0] >= count

    def _translates(self, doc: int, features: dict[str, float], other: int, scores: dict[int, float],
                    runner_up: int | None, own_lang: str, langs: dict[int, str], row: tuple,
                    translated: Translated | None) -> bool:
        """Whether `other`, the best candidate of its language for `doc` (whose features are `features`;
        `runner_up` the next one of that language), translates it (see TRANSLATION_SCORE)."""
        score = scores[other]
        if score >= TRANSLATION_SCORE:
            margin = TIE_MARGIN
        else:
            low, high = CLEAR_MARGINS
            margin = low + (high - low) * (score - CLEAR_TRANSLATION_SCORE) / (TRANSLATION_SCORE
                                                                               - CLEAR_TRANSLATION_SCORE)
            if score < CLEAR_TRANSLATION_SCORE or not self._holds(langs.get(other, ""), MARGIN_CANDIDATES) or \
                    not self._holds(own_lang, MARGIN_CANDIDATES):
                return False
        if not self._stands_out(score, margin, row[3], runner_up, scores):
            return False
        back, back_scores = self._ranked(other, row[3], langs, own_lang, translated(row[0])[0] if translated else None)
        return back[:1] == [doc] and self._stands_out(back_scores[doc], margin, features, back[1] if len(back) > 1
                                                      else None, back_scores)

    def _stands_out(self, score: float, margin: float, features: dict[str, float], runner_up: int | None,
                    scores: dict[int, float]) -> bool:
        """Whether a best candidate's `score` (its `features`) beats its runner-up's by `margin`, or, above
        TRANSLATION_SCORE, ties with a rewrite of itself (one story told twice in a language)."""
        if runner_up is None or score >= margin * scores[runner_up]:
            return True
        return score >= TRANSLATION_SCORE and _cosine(features, self._rows([runner_up])[runner_up][3]) >= REWRITE_COSINE

    @_locked
    def related(self, article_id: str, limit: int = 10, lang: str | None = None,
                spellings: Callable[[str], Mapping[str, str]] | None = None,
                translated: Translated | None = None) -> list[Relation]:
        """The articles most related to `article_id`, ordered by evidence: same-story articles first
        (other languages before the article's own), then the rest by score. `spellings` gives an article's
        own spelling of its names, for the reasons (see `features.name_spellings`); `translated` the stem
        features of an article's words' translations (see `translated.translated_features`)."""
        from reader.core.related.features import reasons

        self._flush()
        found = self._lookup(article_id)
        if found is None or limit <= 0:
            return []
        doc, own_lang, features = found
        extra, shown = translated(article_id) if translated is not None else ({}, {})
        shown = {feature: shown[feature] for feature in sorted(extra, key=extra.__getitem__, reverse=True)}
        langs = self._doc_langs()
        ranked, scores = self._ranked(doc, features, langs, lang, extra)
        best_of_lang: dict[str, int] = {}  # each other language's best candidate: its possible translation
        runner_up: dict[str, int] = {}  # the second best in that language
        for other in ranked:
            other_lang = langs.get(other, "")
            if other_lang in best_of_lang:
                runner_up.setdefault(other_lang, other)
            elif other_lang != own_lang and len(best_of_lang) < TRANSLATION_CHECKS:
                best_of_lang[other_lang] = other
        own = [d for d in ranked if langs.get(d) == own_lang][:REWRITE_CHECKS]
        rows = self._rows(list(dict.fromkeys([*best_of_lang.values(), *own, *ranked[:limit]])))
        translations = [d for other_lang, d in best_of_lang.items()
                        if self._translates(doc, features, d, scores, runner_up.get(other_lang), own_lang, langs,
                                            rows[d], translated)]
        rewrites = [
            d for d in own if scores[d] >= REWRITE_SCORE and _cosine(features, rows[d][3]) >= REWRITE_COSINE
        ]
        same = set(translations + rewrites)
        ordered = [*translations, *rewrites, *(d for d in ranked if d not in same)][:limit]
        missing = [d for d in ordered if d not in rows]
        rows.update(self._rows(missing) if missing else {})
        relations = []
        spelled = spellings(article_id) if spellings is not None else None
        for other in ordered:
            other_id, other_lang, title, other_features = rows[other]
            score = round(scores[other], 4)
            other_spelled = spellings(other_id) if spellings is not None else None
            why = reasons(features, other_features, spelled, other_spelled, shown)
            relations.append(Relation(other_id, other_lang, title, score, why, other in same))
        return relations

    @_locked
    def story(self, article_id: str, translated: Translated | None = None) -> list[str]:
        """`article_id` and the articles telling the same story (rewrites, translations), transitively."""
        group, queue = [article_id], [article_id]
        while queue and len(group) < 50:
            current = queue.pop(0)
            for relation in self.related(current, limit=10, translated=translated):
                if relation.same_story and relation.id not in group:
                    group.append(relation.id)
                    queue.append(relation.id)
        return group if len(group) > 1 or self._lookup(article_id) else []
