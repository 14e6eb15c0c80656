"""The search index: a Whoosh schema with one analysed text field per language, behind a small interface.

Only this module and its helpers (analysis, codec, scoring, posting_pool…) touch Whoosh; the rest of the
program uses SearchIndex. Article bodies are not stored (the index stays lean); snippets are cut
from the article file at search time.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import sys
from dataclasses import dataclass, field
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Callable, Iterable, Iterator

from reader.core.search.lean_import import deferring

with deferring():  # Whoosh without urllib and asyncio: see lean_import
    from whoosh import query as wq
    from whoosh.columns import NumericColumn
    from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema
    from whoosh.filedb.filestore import FileStorage
    from whoosh.qparser import FuzzyTermPlugin, GtLtPlugin
    from whoosh.writing import SegmentWriter

from reader.core.corpus.dates import rewrite_date_query
from reader.core.corpus.language import language_code
from reader.core.query import QueryError, check_query
from reader.core.search.analysis import (
    STEMMERS,
    Analysed,
    ExactAnalyzer,
    FastPositions,
    LangAnalyzer,
    WordPresence,
    analysis_lang,
    analyzer_for,
)
from reader.core.search.codec import use_reader_codec
from reader.core.search.date_order import date_order
from reader.core.search.exact import ControlsPlugin, QueryControls, check_controls, holds_phrase, widen_patterns
from reader.core.search.parsing import field_code, ignore_stop_words, multifield_parser, plain_clause, plain_words
from reader.core.search.posting_arrays import EXTENSION as ARRAYS
from reader.core.search.posting_arrays import ArraysWriter
from reader.core.search.posting_pool import GroupedPostingPool
from reader.core.search.scoring import Ranker, can_rank, expansions, holds, index_languages, phrase_docs, term_blocks
from reader.core.text import TOKEN_RE, normalise_tag
from reader.core.translation.expansion import TRANSLATED_BOOST, Expander, Matched

SCHEMA_VERSION = 10  # 5: compact positions, pickle protocol 5; 6: ł ø đ ı folded, NFC; 7: titles per language;
# 8: combining marks of every script inside words, a danda (।) outside them; 9: words as written (exact_<lang>);
# 10: a column of ids, so sorting by date breaks ties without reading every id term
TITLE_BOOST = 2.0
FUSION_DEPTH = 30  # hits of the words' ranking that are fused with the meaning's
NEAR_DEPTH = 10  # at most this many articles nearest in meaning are fused, and counted as matches,
SIMILARITY_GAP = 0.03  # those at most this much less similar to the query than the nearest allowed one
MEANING_WEIGHT = 1.0  # of the meaning's ranking in the fusion, the words' counting 1
MEANING_FIELD = "#meaning"  # in `IndexResults.via`: a hit found by meaning only
ARRAY_RANKING_DOCS = 200_000  # from this many documents a query is ranked on NumPy arrays (see _ranker_class)

# words, which articles may be found (by id), how many: (article id, similarity), most similar first
Meaning = Callable[[str, Callable[[str], bool], int], "list[tuple[str, float]]"]


class IndexDamaged(Exception):
    """The index on disk cannot be read; it must be rebuilt."""


def text_field(lang: str) -> str:
    """The index field that holds the text of an article in `lang`."""
    code = analysis_lang(lang)
    return f"text_{code}" if code else "text"


def title_field(lang: str) -> str:
    """The index field that holds the title of an article in `lang`, analysed in its language."""
    code = analysis_lang(lang)
    return f"title_{code}" if code else "title"


def exact_field(lang: str) -> str:
    """The index field that holds the words as written (title and text) of an article in `lang`."""
    code = analysis_lang(lang)
    return f"exact_{code}" if code else "exact"


class AnalysedText(TEXT):
    """A text field that takes the postings of text analysed ahead (`analysed`) as they are."""

    def postings(self, value) -> tuple:
        """The postings of `value` in this field as columns: term bytes, frequencies, weights, values."""
        if not (isinstance(value, Analysed) and value.lang == self.analyzer.lang):
            value = self.format.analyse(value, self.analyzer)
        return value.postings


def _postings(field, value) -> tuple:
    """A field's postings of `value` as columns: term bytes, frequencies, weights, values."""
    if isinstance(field, AnalysedText):
        return field.postings(value)
    return tuple(zip(*field.index(value)))


def _text(analyzer: LangAnalyzer, **options) -> TEXT:
    # a query word that analyses into several (`Etats-Unis`, `北京`) is searched as their phrase
    field = AnalysedText(analyzer=analyzer, phrase=True, multitoken_query="phrase", **options)
    field.format = FastPositions(field_boost=field.format.field_boost)
    return field


def _exact() -> TEXT:
    """A field of the words as written: which a document has, without positions (see `WordPresence`)."""
    field = AnalysedText(analyzer=ExactAnalyzer(), phrase=False)
    field.format = WordPresence(field_boost=1.0)
    return field


def make_schema() -> Schema:
    """The index schema: metadata fields, a boosted title, and one text field per stemmed language."""
    plain = LangAnalyzer("")
    fields = dict(
        id=ID(unique=True, stored=True, sortable=True),
        heading=STORED(),  # the title as shown; searched in title or title_<lang>
        title=_text(plain, field_boost=TITLE_BOOST),
        lang=ID(stored=True),
        date=DATETIME(sortable=NumericColumn(DATETIME().sortable_typecode, default=0)),  # undated: oldest
        date_text=STORED(),
        source=TEXT(analyzer=plain, stored=True),
        tag=KEYWORD(commas=True, lowercase=True, stored=True, scorable=True),
        entity=KEYWORD(commas=True, lowercase=True, stored=True),
        text=_text(plain),
        exact=_exact(),
    )
    for code in sorted(set(STEMMERS)):
        fields[f"text_{code}"] = _text(LangAnalyzer(code))
        fields[f"exact_{code}"] = _exact()
        fields[f"title_{code}"] = _text(LangAnalyzer(code), field_boost=TITLE_BOOST)
    return Schema(**fields)


_DATE_RE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def parse_date(value: str) -> dt.datetime | None:
    """A datetime for an ISO-like date string (`2024`, `2024-05`, `2024-05-07T10:00`), else None."""
    match = _DATE_RE.match(value.strip())
    if not match:
        return None
    year, month, day = (int(g) if g else 1 for g in match.groups())
    try:
        return dt.datetime(year, month, day)
    except ValueError:
        return None


@dataclass
class IndexDoc:
    """What the index holds of one article."""

    id: str
    title: str
    lang: str
    text: str
    date: str = ""
    source: str = ""
    tags: list[str] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)
    exact: str | None = None  # the text analysed ahead for its exact field (`analysed`); else `text`

    def fields(self) -> dict:
        values = dict(id=self.id, heading=self.title, lang=self.lang, date_text=self.date,
                      source=self.source, tag=",".join(self.tags), entity=",".join(self.entities))
        values[title_field(self.lang)] = self.title
        values[text_field(self.lang)] = self.text
        values[exact_field(self.lang)] = self.exact if self.exact is not None else self.text
        when = parse_date(self.date) if self.date else None
        if when:
            values["date"] = when
        return values


_SCHEMA: list[Schema] = []


def analysed(doc: IndexDoc, tokens: list[str] | None = None) -> IndexDoc:
    """The document with its text's postings computed now: loader processes do this to spare the writer.
    `tokens`: the text's `TOKEN_RE` words, when the caller has them."""
    if not _SCHEMA:
        _SCHEMA.append(make_schema())
    schema = _SCHEMA[0]
    exact = schema[exact_field(doc.lang)]
    doc.exact = exact.format.analyse(doc.text, exact.analyzer, tokens)
    field = schema[text_field(doc.lang)]
    doc.text = field.format.analyse(doc.text, field.analyzer, tokens)
    return doc


@dataclass
class StoredHit:
    """One search hit as the index knows it (no text)."""

    id: str
    title: str
    lang: str
    date: str
    tags: list[str]
    score: float
    source: str = ""


@dataclass
class IndexResults:
    """Hits of one query, the total count, and the terms that matched (for highlighting)."""

    total: int | None  # None: not counted (asked not to, and more hits than listed)
    hits: list[StoredHit]
    terms: frozenset[tuple[str, str]]
    controls: QueryControls = field(default_factory=QueryControls)
    via: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)  # translated term: (word, source)


class _IndexStorage(FileStorage):
    """The index folder, with a temporary folder per process: Whoosh names every writer's the same and
    deletes it when the writer finishes, which would pull the files from under parallel writers."""

    def temp_storage(self, name=None):
        return super().temp_storage(f"{name or 'writer'}.{os.getpid()}")


def _storage(directory: Path) -> FileStorage:
    """The index folder. Segments are written as separate files (compound=False) and read without mmap:
    whoosh-reloaded copies a memory-mapped compound segment's postings into memory when it opens them
    (413 MB and 0.5 s at 100,000 articles)."""
    use_reader_codec()
    return _IndexStorage(str(directory), supports_mmap=False)


def _remove_leftover_temp(directory: Path) -> None:
    """Delete temporary folders of writers that were killed (call with the index lock held)."""
    for folder in Path(directory).glob("*.tmp*"):
        if folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)


class _Writer(SegmentWriter):
    """Whoosh's segment writer with a compact in-memory posting pool: no sorting of every posting, no
    run files, and the postings written term by term (about twice as fast as Whoosh's own)."""

    def __init__(self, ix, **options) -> None:
        super().__init__(ix, **options)
        self.pool = GroupedPostingPool()

    def add_document(self, **fields) -> None:
        """Whoosh's `add_document` for this schema (no spelling words, term vectors or per-document
        boosts), handing each field's postings to the pool at once instead of one call a posting."""
        self._check_state()
        self._check_fields(self.schema, fields)
        perdocwriter, docnum = self.perdocwriter, self.docnum
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in sorted(fields):
                value = fields[fieldname]
                if value is None:
                    continue
                field = self.schema[fieldname]
                length = self.pool.add_document_field(fieldname, docnum, _postings(field, value),
                                                      field.scorable) if field.indexed else 0
                perdocwriter.add_field(fieldname, field, value if field.stored else None,
                                       length if field.scorable else 0)
                if field.column_type:
                    perdocwriter.add_column_value(fieldname, field.column_type, field.to_column_value(value))
        except BaseException:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        lengths = self.per_document_reader() if self.codec.length_stats else None
        with ArraysWriter(Path(self.storage.folder) / self.get_segment().make_filename(ARRAYS)) as arrays:
            self.pool.write(self.fieldwriter, self.schema, lengths, arrays)
        self.fieldwriter.close()
        if lengths:
            lengths.close()


class SegmentBuilder:
    """Writes documents into one new segment of an index, in a loader process; `SearchIndex.write`
    then commits the finished segments of every loader at once."""

    def __init__(self, directory: Path) -> None:
        self._writer = _Writer(_storage(directory).open_index(), _lk=False, compound=False)

    def add(self, doc: IndexDoc) -> None:
        self._writer.add_document(**doc.fields())

    @property
    def size(self) -> int:
        """Approximate bytes held for the segment: finish it and start another past a limit."""
        return self._writer.pool.size

    def finish(self):
        """The written segment (opaque and picklable), or None when no document was added."""
        writer = self._writer
        if not writer._added:
            writer.cancel()
            return None
        segment = writer._finalize_segment()
        writer._finish()
        return segment

    def cancel(self) -> None:
        self._writer.cancel()


class SearchIndex:
    """A Whoosh index in one folder."""

    def __init__(self, ix, searcher=None) -> None:
        self._ix = ix
        self._searcher = searcher
        self._term_counts: dict[str, tuple[object, dict[str, int]]] = {}
        self._fields_of: tuple = (None, None)  # (searcher, what _layout found with it)

    @classmethod
    def has_segment_files(cls, directory: Path) -> bool:
        """True when the folder holds segment data (with or without a table of contents)."""
        return any(path.suffix in (".seg", ".pst", ".trm") for path in Path(directory).glob("MAIN_*"))

    @classmethod
    def exists(cls, directory: Path) -> bool:
        """True when the folder holds an index (readable or not)."""
        return any(Path(directory).glob("_MAIN_*.toc"))

    @classmethod
    def create(cls, directory: Path) -> "SearchIndex":
        Path(directory).mkdir(parents=True, exist_ok=True)
        return cls(_storage(directory).create_index(make_schema()))

    @classmethod
    def open(cls, directory: Path) -> "SearchIndex":
        """Open an existing index; raise IndexDamaged when it cannot be read."""
        try:
            ix = _storage(directory).open_index()
            searcher = ix.searcher()  # opening every segment's files is the test; the first search uses it
            searcher.doc_count()
        except Exception as exc:  # Whoosh raises many kinds on damaged files
            raise IndexDamaged(f"{type(exc).__name__}: {exc}") from None
        return cls(ix, searcher)

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        self._ix.close()

    def searcher(self):
        """A searcher kept open between queries and refreshed when the index changed."""
        # Not Searcher.refresh(): it reuses readers of segments whose deletions changed, which
        # would show replaced documents twice.
        if self._searcher is not None and not self._searcher.up_to_date():
            self._searcher.close()
            self._searcher = None
        if self._searcher is None:
            self._searcher = self._ix.searcher()
        return self._searcher

    def doc_count(self) -> int:
        return self.searcher().doc_count()

    def generation(self) -> int:
        """The generation of the index on disk: it changes with every commit, by any process."""
        return self._ix.latest_generation()

    def ids_with_prefix(self, prefix: str) -> list[str]:
        """Article ids that start with `prefix` (the terms of deleted documents stay until segments merge:
        an id whose every document is deleted is left out)."""
        searcher = self.searcher()
        reader = searcher.reader()
        ids = [t.decode("utf-8") if isinstance(t, bytes) else t for t in reader.expand_prefix("id", prefix)]
        if not reader.has_deletions():
            return ids
        gone = {searcher.stored_fields(doc).get("id") for doc in range(reader.doc_count_all())
                if reader.is_deleted(doc)}
        gone = {article_id for article_id in gone if searcher.document_number(id=article_id) is None}
        return [article_id for article_id in ids if article_id not in gone]

    def term_counts(self, field_name: str) -> dict[str, int]:
        """Each term of a comma-separated stored field (tags) with the number of live documents that have it.

        Document frequencies still count replaced documents until segments merge, so the terms of
        the deleted documents (still stored) are taken off. Kept until the index changes.
        """
        searcher = self.searcher()
        cached = self._term_counts.get(field_name)
        if cached is not None and cached[0] is searcher:
            return dict(cached[1])
        reader = searcher.reader()
        counts = {term.decode("utf-8"): info.doc_frequency() for term, info in reader.iter_field(field_name)}
        if reader.has_deletions():
            live = set(reader.all_doc_ids())
            for docnum in range(reader.doc_count_all()):
                if docnum not in live:
                    stored = reader.stored_fields(docnum).get(field_name) or ""
                    for term in {t.strip().lower() for t in stored.split(",") if t.strip()}:
                        if term in counts:
                            counts[term] -= 1
        counts = {term: count for term, count in counts.items() if count > 0}
        self._term_counts[field_name] = (searcher, counts)
        return dict(counts)

    def stored(self, article_id: str) -> StoredHit | None:
        fields = self.searcher().document(id=article_id)
        return _stored_hit(fields, 0.0) if fields else None

    def write(self, docs: Iterable[IndexDoc], deleted: Iterable[str] = (), *, fresh: bool = False,
              on_doc: Callable[[], bool] | None = None, segments: list = ()) -> bool:
        """Add/replace `docs`, delete `deleted` ids and add the `segments` of SegmentBuilders, in one commit.

        `on_doc` is called after each document; returning False cancels the whole write. Returns
        True when committed. Call with the index lock held.
        """
        _remove_leftover_temp(self._ix.storage.folder)
        writer = _Writer(self._ix, compound=False)
        written = 0
        try:
            add = writer.add_document if fresh else writer.update_document
            for doc in docs:
                add(**doc.fields())
                written += 1
                if on_doc is not None and not on_doc():
                    writer.cancel()
                    return False
            for article_id in deleted:  # read last: loading may add to it; it reaches committed documents only
                writer.delete_by_term("id", article_id)
        except BaseException:
            writer.cancel()
            raise
        # Never a merge here: its cost grows with the index, and the lock is held. Every write adds a
        # segment (fresh: the old ones leave in this commit, so readers never see none); background
        # maintenance merges them (segment_merge).
        writer.commit(mergetype=lambda w, existing: ([] if fresh else list(existing)) + list(segments))
        return True

    def _searched_fields(self, reader, kind: str) -> list[str]:
        """The title or text fields (`kind`) that hold something in this index."""
        return [name for name in reader.schema.names()  # the index's schema property reads its TOC again
                if (name == kind or name.startswith(f"{kind}_")) and reader.field_length(name)]

    def _layout(self) -> tuple[list[str], list[str], list[str]]:
        """The title and text fields that hold something, and the languages, kept until the index changes:
        each is a sum or a merge over every segment (2 ms a query at 30 segments, 8 at 100), the languages
        those of the documents' language codes, which translated queries read anyway."""
        searcher = self.searcher()
        if self._fields_of[0] is not searcher:
            reader = searcher.reader()
            self._fields_of = (searcher, (self._searched_fields(reader, "title") or ["title"],
                                          self._searched_fields(reader, "text") or ["text"],
                                          index_languages(searcher, _folder(self._ix))))
        return self._fields_of[1]

    def parse(self, text: str, resolve_entity: Callable[[str], list[str]] | None = None,
              read_body: Callable[[str], str | None] | None = None, expander: Expander | None = None):
        """Parse query text (Whoosh syntax) into a query over title and every language's text field."""
        return self.parse_controlled(text, resolve_entity, read_body, expander)[0]

    def parse_controlled(self, text: str, resolve_entity: Callable[[str], list[str]] | None = None,
                         read_body: Callable[[str], str | None] | None = None, expander: Expander | None = None,
                         via: dict | None = None, plain: list | None = None):
        """The query of `parse`, and what its exact controls (`=US`, `US/c`, `word/t`) did. `read_body`
        gives an article's body by id, for checking exact phrases (without it every article that has
        the phrase's words and stems in a row counts); with an `expander`, each word is also searched as
        its translations (noted in `via`: (field, term) -> (query word, source)). A query of plain words
        puts in `plain` its words and the query of its other clauses (see `parsing.plain_words`)."""
        text = rewrite_date_query(check_query(text))
        if text.strip() == "*":  # every article: not a wildcard over every term of every field
            return wq.Every(), QueryControls()
        check_controls(text)
        titles, texts, langs = self._layout()
        searcher = self.searcher()
        reader = searcher.reader()
        parser = multifield_parser(titles, texts, searcher.schema)  # the index's would read its TOC again
        parser.add_plugin(FuzzyTermPlugin())
        parser.add_plugin(GtLtPlugin())
        exact_fields = self._searched_fields(reader, "exact")
        controls = ControlsPlugin(reader, exact_fields, lambda query, allowed: self._holding(query, allowed, read_body))
        parser.add_plugin(controls)
        if "date" in text.lower():  # only a date: field needs it; building its English grammar takes 8 ms
            from whoosh.qparser.dateparse import DateParserPlugin

            parser.add_plugin(DateParserPlugin(dateparser=None))
        expand = plain_clause
        known: dict[str, bool] = {}  # each word translated: whether it is in an article or translated
        if expander is not None:
            fields = set(titles + texts)
            expand = lambda clause: _translated(clause, expander, fields, {} if via is None else via,  # noqa: E731
                                                partial(holds, searcher), known)
        try:
            raw = parser.parse(text, normalize=False)
            words = plain_words(raw, text) if plain is not None and not controls.found.terms else None
            if words is not None and any(_known(clause, searcher, expander) for clause in words[2]):
                rest = _field_values(wq.And(words[1]).normalize(), resolve_entity) if words[1] else None
                plain.append((words[0], rest))
            parsed = ignore_stop_words(raw,
                                       lambda name: [lang for lang in langs
                                                     if analysis_lang(lang) == field_code(name)], expand).normalize()
        except QueryError:
            raise
        except Exception as exc:
            raise QueryError(f"cannot parse the query: {exc}") from None
        parsed = widen_patterns(_field_values(parsed, resolve_entity), reader, text, exact_fields,
                                controls.found.notes)
        if any(known.values()):  # beside words that were searched: say which ones were left out
            controls.found.notes += [f"'{word}' is in no article and has no translation: left out of the search"
                                     for word, found in known.items() if not found]
        problem = _first_error(parsed)
        if problem:
            raise QueryError(problem)
        return parsed, controls.found

    def _holding(self, query, allowed: list[frozenset[str]],
                 read_body: Callable[[str], str | None] | None) -> list[str]:
        """Ids of the articles `query` matches whose title and body hold the exact phrase `allowed`."""
        searcher = self.searcher()
        ids = []
        for doc in sorted(_doc_set(searcher, query)):
            fields = searcher.stored_fields(doc)
            body = read_body(fields["id"]) if read_body is not None else None
            if body is None or holds_phrase(f"{fields.get('heading', '')}\n\n{body}", allowed):
                ids.append(fields["id"])
        return ids

    def segment_vocabularies(self) -> list[tuple[str, Callable[[], Iterator[tuple[str, Iterator[str]]]]]]:
        """For each segment of the index, its id and its vocabularies: (analysis language, terms) of each
        language's text field, read when called."""
        return [(leaf.segment().segment_id(), partial(self._vocabularies, leaf))
                for leaf, _ in self.searcher().reader().leaf_readers() if leaf.segment() is not None]  # empty: none

    def _vocabularies(self, reader) -> Iterator[tuple[str, Iterator[str]]]:
        for name in self._searched_fields(reader, "text"):
            yield field_code(name), (term.decode("utf-8") for term in reader.lexicon(name))

    def has_term(self, code: str, term: str) -> bool:
        """Whether the text field of analysis language `code` holds `term`, in the searcher a search has
        just opened or refreshed (the freshness check lists the index folder: 0.5 ms at a million
        articles, and a query's translations ask this many times)."""
        return holds(self._searcher or self.searcher(), text_field(code), term)

    def langs(self) -> list[str]:
        """The article languages in the index."""
        return list(self._layout()[2])

    def search(self, text: str, *, limit: int | None = 20, lang: str | None = None,
               tag: str | None = None, resolve_entity: Callable[[str], list[str]] | None = None,
               sort: str = "relevance", count: bool = True,
               read_body: Callable[[str], str | None] | None = None, expander: Expander | None = None,
               meaning: Meaning | None = None) -> IndexResults:
        """Run a query; `lang` and `tag` restrict the results; `sort="date"` puts the newest first, undated last.

        With `count=False` the total is left out (None) unless it comes free (every hit listed). With
        `meaning`, a query of plain words ranked by relevance is fused with the articles nearest to it in
        meaning (noted in `via` as (MEANING_FIELD, article id) -> (words, "semantic") for hits the words
        did not match).
        """
        via: dict = {}
        plain: list = []
        parsed, controls = self.parse_controlled(text, resolve_entity, read_body, expander, via,
                                                 plain if meaning is not None and sort == "relevance" else None)
        searcher = self.searcher()
        filters = _filters(lang, tag)
        memo: dict = {}  # wildcard expansions, looked up once for the ranking and the highlighting terms
        terms = _query_terms(parsed, searcher, memo)
        if sort == "relevance" and can_rank(parsed):  # scored from posting blocks: much faster
            allowed = _doc_set(searcher, filters) if filters is not None else None
            ranker = self._ranker(searcher, memo)
            if plain:
                ranked = ranker.rank(parsed, allowed, max(limit or 0, FUSION_DEPTH))[0]
                typed = _matched(ranker, searcher, self.parse(text, resolve_entity, read_body), allowed) \
                    if expander else None
                return self._fused(searcher, ranked, _near(searcher, plain[0], filters, meaning),
                                   ranker.matched(parsed, allowed), limit,
                                   IndexResults(None, [], terms, controls, via), plain[0][0], typed)
            ranked, total = ranker.rank(parsed, allowed, limit)
            return IndexResults(total, [_stored_hit(searcher.stored_fields(doc), score) for doc, score in ranked],
                                terms, controls, via)
        if isinstance(parsed, wq.Every) and sort == "relevance":  # no ranking to keep: newest first, stable
            sort = "date"
        if sort == "date":
            return self._by_date(searcher, parsed, filters, limit, IndexResults(None, [], terms, controls, via))
        parsed, filters = _unscored_parts_as_filters(parsed, filters)
        results = searcher.search(parsed, limit=limit, filter=filters)
        hits = [_stored_hit(hit.fields(), hit.score) for hit in results]
        total = len(results) if results.has_exact_length() else _count(searcher, parsed, filters) if count else None
        return IndexResults(total, hits, terms, controls, via)

    @staticmethod
    def _by_date(searcher, parsed, filters, limit: int | None, results: IndexResults) -> IndexResults:
        """`results` with the query's matches newest first (no score), counted."""
        order = date_order(searcher)
        if isinstance(parsed, wq.Every) and filters is None:
            matches, results.total = iter(order), len(order)
        else:
            matched = _doc_set(searcher, parsed)
            if filters is not None:
                matched &= _doc_set(searcher, filters)
            matches, results.total = filter(matched.__contains__, order), len(matched)
        results.hits = [_stored_hit(searcher.stored_fields(doc), 0.0) for doc in islice(matches, limit)]
        return results

    def _ranker(self, searcher, memo: dict) -> Ranker:
        """The ranker of a query on `searcher` (`memo`: its wildcard expansions, shared with the
        highlighting terms)."""
        return _ranker_class(searcher)(searcher, lambda q: _doc_set(searcher, q), memo, _folder(self._ix))

    @staticmethod
    def _fused(searcher, ranked: list[tuple[int, float]], near: dict[int, float], matched: set[int],
               limit: int | None, results: IndexResults, words: str, typed: set[int] | None) -> IndexResults:
        """`results` with the words' ranking and the meaning's fused (see semantic.fusion); `matched`: the
        documents the words match. The articles that have every word as typed (`typed`: the query's
        matches without translations) come first, in the words' order, scoring above 1: exact matches are
        never drowned. The others are fused by reciprocal ranks, each ranking counting once, so the
        meaning lifts what the translations found weakly and adds what they missed."""
        from reader.core.semantic.fusion import RRF_K, fuse

        exact = matched & typed if typed is not None else set()
        order = [doc for doc, _ in ranked]
        fused = [(doc, 1.0 + 1.0 / (RRF_K + rank)) for rank, doc in enumerate((d for d in order if d in exact), 1)]
        fused += fuse([([doc for doc in order if doc not in exact], 1.0),
                       ([doc for doc in near if doc not in exact], MEANING_WEIGHT)])
        fused = fused[:limit]
        results.total = len(matched | set(near))
        results.hits = [_stored_hit(searcher.stored_fields(doc), score) for doc, score in fused]
        for hit, (doc, _) in zip(results.hits, fused):
            if doc not in matched:
                results.via[(MEANING_FIELD, hit.id)] = (words, "semantic")
        return results

    def count(self, text: str, *, lang: str | None = None, tag: str | None = None,
              resolve_entity: Callable[[str], list[str]] | None = None,
              read_body: Callable[[str], str | None] | None = None, expander: Expander | None = None,
              meaning: Meaning | None = None) -> int:
        """How many articles a query matches (with `meaning`, as `search` would count them)."""
        return len(self._matching(text, lang, tag, resolve_entity, read_body, expander, meaning))

    def _matching(self, text: str, lang: str | None, tag: str | None, resolve_entity, read_body,
                  expander: Expander | None, meaning: Meaning | None) -> set[int]:
        """The numbers of the documents a query matches, and with `meaning` those it is fused with."""
        plain: list = []
        parsed, _ = self.parse_controlled(text, resolve_entity, read_body, expander, None,
                                          plain if meaning is not None else None)
        searcher, filters = self.searcher(), _filters(lang, tag)
        allowed = _doc_set(searcher, filters) if filters is not None else None
        docs = _matched(self._ranker(searcher, {}), searcher, parsed, allowed)
        return docs | set(_near(searcher, plain[0], filters, meaning)) if plain and can_rank(parsed) else docs

    def matching_fields(self, text: str, *, lang: str | None = None, tag: str | None = None,
                        resolve_entity: Callable[[str], list[str]] | None = None,
                        read_body: Callable[[str], str | None] | None = None,
                        expander: Expander | None = None, meaning: Meaning | None = None) -> Iterator[dict]:
        """The stored fields of every document the query matches (for counting facets)."""
        searcher = self.searcher()
        for docnum in sorted(self._matching(text, lang, tag, resolve_entity, read_body, expander, meaning)):
            yield searcher.stored_fields(docnum)


def _near(searcher, plain: tuple[str, object], filters, meaning: Meaning) -> dict[int, float]:
    """Document number: similarity of the articles nearest in meaning to a query's words that its other
    clauses (`plain`: words, query of the rest) and `filters` allow, best first: at most NEAR_DEPTH, none
    more than SIMILARITY_GAP less similar than the nearest (a cut relative to the query, as how similar
    unrelated articles look varies with the query and the corpus)."""
    words, rest = plain
    allowed = None
    for query in (rest, filters):
        if query is not None:
            docs = _doc_set(searcher, query)
            allowed = docs if allowed is None else allowed & docs
    numbers: dict[str, int] = {}

    def admitted(article_id: str) -> bool:
        doc = searcher.document_number(id=article_id)
        if doc is None or (allowed is not None and doc not in allowed):
            return False
        numbers[article_id] = doc
        return True

    near = meaning(words, admitted, NEAR_DEPTH)
    return {numbers[article_id]: score for article_id, score in near if score >= near[0][1] - SIMILARITY_GAP}


def _count(searcher, parsed, filters) -> int:
    """How many documents match: set operations on each term's postings, much faster than Whoosh's
    re-run of the whole query when the top hits were found by skipping blocks."""
    docs = _doc_set(searcher, parsed)
    if filters is not None:
        docs &= _doc_set(searcher, filters)
    return len(docs)


def _folder(ix) -> Path | None:
    """The folder of a Whoosh index (None: it is in memory)."""
    folder = getattr(ix.storage, "folder", None)
    return Path(folder) if folder else None


def _ranker_class(searcher) -> type[Ranker]:
    """How a searcher ranks: on NumPy arrays (several times faster on common words) once NumPy is loaded
    (the app loads it) or the index is large enough to repay its import (60 ms, as long as a query on
    100,000 articles), else on dictionaries."""
    if "numpy" not in sys.modules and searcher.doc_count_all() < ARRAY_RANKING_DOCS:
        return Ranker
    from reader.core.search.array_ranking import ArrayRanker

    return ArrayRanker


def _matched(ranker: Ranker, searcher, query, allowed: set[int] | None) -> set[int]:
    """The documents a query matches within `allowed`: from the scores the ranker keeps when it can
    rank the query (a search just scored it, or its words), else read from the postings."""
    if can_rank(query):
        return ranker.matched(query, allowed)
    docs = _doc_set(searcher, query)
    return docs if allowed is None else docs & allowed


def _doc_set(searcher, query) -> set[int]:
    """The numbers of the (undeleted) documents a query matches."""
    if isinstance(query, (wq.Or, wq.DisjunctionMax)):
        return set().union(*(_doc_set(searcher, q) for q in query.subqueries))
    if isinstance(query, wq.And):
        sets = sorted((_doc_set(searcher, q) for q in query.subqueries), key=len)
        return sets[0].intersection(*sets[1:]) if sets else set()
    if isinstance(query, wq.AndNot):
        return _doc_set(searcher, query.a) - _doc_set(searcher, query.b)
    if isinstance(query, wq.Not):
        return set(searcher.reader().all_doc_ids()) - _doc_set(searcher, query.query)
    if isinstance(query, wq.MultiTerm):  # wildcards and prefixes: the union of the terms they expand to
        try:
            expanded = query.simplify(searcher.reader())
        except Exception:  # noqa: BLE001 - some Whoosh versions cannot simplify every kind
            expanded = query
        if isinstance(expanded, wq.Or):
            return _doc_set(searcher, expanded)
    if type(query) is wq.Term:
        return _term_docs(searcher, query.fieldname, query.text)
    if type(query) is wq.Phrase and can_rank(query):
        return phrase_docs(searcher, query.fieldname, query.words)
    return set(searcher.docs_for_query(query))


def _term_docs(searcher, fieldname: str, text) -> set[int]:
    """The numbers of the live documents with a term, read a posting block at a time (Whoosh's
    `all_ids` costs a Python call per posting)."""
    docs: set[int] = set()
    for offset, ids, _, _ in term_blocks(searcher, fieldname, text):
        docs.update(map(offset.__add__, ids) if offset else ids)
    return docs


def _filters(lang: str | None, tag: str | None):
    filters = []
    if lang:
        filters.append(wq.Term("lang", _field_value("lang", lang)))
    if tag:
        filters.append(wq.Term("tag", _field_value("tag", tag)))
    return wq.And(filters) if filters else None


def _unscored_parts_as_filters(parsed, filters):
    """The query without the parts of its top AND boosted to 0 (`at least one of the words` of a
    translated query), and the filters with them: they only select, and Whoosh's collectors lose
    matches of an AND holding such a part."""
    if type(parsed) is wq.AndNot:  # `-word`: the AND is its first part
        kept, filters = _unscored_parts_as_filters(parsed.a, filters)
        return wq.AndNot(kept, parsed.b).with_boost(parsed.boost), filters
    unscored = [q for q in parsed.subqueries if q.boost == 0.0] if type(parsed) is wq.And else []
    if not unscored or len(unscored) == len(parsed.subqueries):
        return parsed, filters
    scored = [q for q in parsed.subqueries if q.boost != 0.0]
    return wq.And(scored, boost=parsed.boost), wq.And(unscored + ([filters] if filters is not None else []))


def _query_terms(parsed, searcher, memo: dict) -> frozenset[tuple[str, str]]:
    """(field, term) pairs the query looks for, with wildcard/fuzzy/prefix terms expanded."""
    terms: set[tuple[str, str]] = set()
    for leaf in [parsed] if parsed.is_leaf() else parsed.leaves():
        if hasattr(leaf, "_btexts"):  # multi-term queries: expand against the index's terms
            pairs = ((leaf.fieldname, t) for t in expansions(leaf, searcher, memo))
        else:
            pairs = leaf.iter_all_terms()
        for name, value in pairs:
            terms.add((name, value.decode("utf-8") if isinstance(value, bytes) else str(value)))
    return frozenset(terms)


def _known(clause, searcher, expander: Expander | None) -> bool:
    """Whether a query word is in the index (as typed, in some language's analysis) or has translations:
    a query with no known word (keys struck at random) finds nothing, by its letters or by its meaning."""
    return any(holds(searcher, *pair) for pair in plain_clause(clause).iter_all_terms()) or \
        (expander is not None and bool(expander.translations(clause.word)))


def _translated(clause, expander: Expander, fields: set[str], via: dict, has: Callable[[str, str], bool],
                known: dict[str, bool]):
    """A word clause and its translations, each searched in its language's title and text fields
    boosted below the word as typed; a document scores its best alternative, so translations never
    add up to more than the word. Wildcards and fuzzy words are not translated.

    A word found in the index (or translated) but neither translated into a language nor found in
    its fields is ignored there, as a stop word is (`dropped`): it does not exclude that language's
    articles from an AND. In a language it reaches only through translations, the words of an AND
    are alternatives (`optional`): the articles that match more of them rank higher. A word in no
    article, translated into nothing and no language's stop word is ignored everywhere (`known` notes
    it False): the other words of an AND are searched (an inflected form no article of its language
    happens to hold, a typo); a query of such words alone still finds nothing."""
    plain = plain_clause(clause)
    if not clause.word or not all(type(q) in (wq.Term, wq.Phrase) for q in clause.subqueries):
        return plain
    own = set(plain.iter_all_terms())
    translations = expander.translations(clause.word)
    found_own = {(name, term) for name, term in own if has(name, term)}
    present = {field_code(name) for name, _ in found_own}
    translated = {analysis_lang(found.lang) for found in translations} - present
    clause.dropped = clause.dropped | {name for name in fields if field_code(name) not in present | translated}
    clause.optional = frozenset(name for name in fields if field_code(name) in translated)
    known[clause.word] = bool(present or translations or clause.stopped)
    # the word's terms no field holds match nothing: left out, they are not looked up again in each segment
    alternatives = [wq.Or([q for q in clause.subqueries
                           if type(q) is not wq.Term or (q.fieldname, q.text) in found_own] or clause.subqueries)]
    for found in translations:
        names = [name for name in (title_field(found.lang), text_field(found.lang)) if name in fields]
        if not names:
            continue
        alternatives.append(wq.Or([wq.Term(name, found.terms[0]) if len(found.terms) == 1
                                   else wq.Phrase(name, list(found.terms)) for name in names],
                                  # a phrase: its words' mean
                                  boost=TRANSLATED_BOOST * found.weight / len(found.terms)))
        for name in names:
            for term in found.terms:
                if (name, term) not in own:
                    via.setdefault((name, term), (found.via, found.source))
    return wq.DisjunctionMax(alternatives, boost=clause.boost) if len(alternatives) > 1 else \
        alternatives[0].with_boost(clause.boost)


def _stored_hit(fields: dict, score: float) -> StoredHit:
    tags = [t for t in (fields.get("tag") or "").split(",") if t]
    return StoredHit(fields["id"], fields.get("heading", ""), fields.get("lang", ""),
                     fields.get("date_text") or "", tags, float(score), fields.get("source") or "")


def _field_values(parsed, resolve_entity: Callable[[str], list[str]] | None):
    """Replace each `entity:` term by the alternatives the gazetteer knows for it, and write `lang:` and
    `tag:` values as articles have them (`lang:FR`, `tag:"Dual Use"` find `fr`, `dual-use`)."""
    if isinstance(parsed, wq.Term) and parsed.fieldname == "entity" and resolve_entity is not None:
        values = resolve_entity(str(parsed.text))
        return wq.Or([wq.Term("entity", v) for v in values]) if len(values) > 1 else \
            wq.Term("entity", values[0] if values else parsed.text)
    if isinstance(parsed, wq.Term) and parsed.fieldname in ("lang", "tag"):
        return wq.Term(parsed.fieldname, _field_value(parsed.fieldname, str(parsed.text)), boost=parsed.boost)
    if parsed.is_leaf():
        return parsed
    return parsed.apply(lambda q: _field_values(q, resolve_entity))


def _field_value(fieldname: str, value: str) -> str:
    """A `lang` or `tag` value written as the index holds it."""
    if fieldname == "lang":
        return language_code(value) or value.lower()
    try:
        return normalise_tag(value)
    except ValueError:
        return value.lower()


def _first_error(parsed) -> str:
    """The message of the first part of the query Whoosh could not make sense of, or ''."""
    stack = [parsed]
    while stack:
        node = stack.pop()
        if getattr(node, "error", None):
            return f"cannot understand the query: {node.error}"
        stack.extend(node.children())
    return ""


def translated_matches(via: dict[tuple[str, str], tuple[str, str]], text: str, lang: str) -> list[Matched]:
    """The words of `text` (in `lang`) that matched through a translation, once each, in order."""
    fields = (text_field(lang), title_field(lang))
    wanted = {term: found for (name, term), found in via.items() if name in fields}
    if not wanted:
        return []
    analyzer = analyzer_for(lang)
    matched: dict[str, Matched] = {}
    for word in TOKEN_RE.findall(text):
        term = analyzer.term(word)
        if term in wanted and term not in matched:
            matched[term] = Matched(word, *wanted[term])
    return list(matched.values())


def match_spans(terms: frozenset[tuple[str, str]], text: str, lang: str) -> list[tuple[int, int]]:
    """Character spans of `text` whose analysed form matched the query (for highlighting): words whose
    stem matched, and words written as an exact term of the query asks."""
    fields = (text_field(lang), title_field(lang))  # both analysed in the article's language
    matched = {value for name, value in terms if name in fields}
    exact = {value for name, value in terms if name == exact_field(lang)}
    if not (matched or exact):
        return []
    analyzer, exact_analyzer = analyzer_for(lang), _EXACT_ANALYZER
    wanted = {word for word in set(TOKEN_RE.findall(text))  # each word once
              if analyzer.term(word) in matched or (exact and exact_analyzer.term(word) in exact)}
    if not wanted:
        return []
    return [match.span() for match in TOKEN_RE.finditer(text) if match.group() in wanted]


_EXACT_ANALYZER = ExactAnalyzer()
