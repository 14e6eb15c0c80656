"""The compact posting pool writes the same segment as Whoosh's own pool."""

from __future__ import annotations

from pathlib import Path

from whoosh.codec import whoosh3
from whoosh.writing import SegmentWriter

from reader.core.indexing.segment_merge import maintain
from reader.core.search.analysis import WordPresence
from reader.core.search.index import IndexDoc, SearchIndex, analysed
from reader.core.search.posting_pool import _TermWriter
from tests.conftest import DEMO_CORPUS


def _docs(copies: int = 1) -> list[IndexDoc]:
    docs = []
    for copy in range(copies):
        for number, path in enumerate(sorted(DEMO_CORPUS.glob("*.txt"))):
            text = path.read_text(encoding="utf-8")
            lang = "fr" if path.name.startswith(("002", "004")) else "en"
            words = text.split()  # each copy a different length and word order
            text = " ".join(words[copy % 7:] + words[:copy % 7]) if copy else text
            docs.append(IndexDoc(id=f"{copy}-{path.name}", title=text.split("\n", 1)[0], lang=lang, text=text,
                                 date=f"2024-05-0{number + 1}", tags=["a", f"t{number}"], entities=["putin"]))
    return docs


def _everything(index: SearchIndex) -> list:
    reader = index.searcher().reader()
    found = []
    for fieldname, text in reader.all_terms():
        postings = reader.postings(fieldname, text)
        found.append((fieldname, text, list(postings.items_as("positions")) if fieldname.startswith(("text", "title"))
                      else list(postings.all_ids()), reader.doc_frequency(fieldname, text)))
    lengths = [(name, reader.doc_field_length(n, name)) for n in reader.all_doc_ids()
               for name in ("title_en", "title_fr", "text_en", "text_fr")]
    return [found, lengths, [reader.stored_fields(n) for n in reader.all_doc_ids()]]


def _segment_files(folder: Path) -> dict[str, bytes]:
    return {path.name.split(".", 1)[1]: path.read_bytes() for path in folder.glob("MAIN_*.*")}


def _whoosh_writes(folder: Path, docs: list[IndexDoc]) -> SearchIndex:
    index = SearchIndex.create(folder)
    writer = SegmentWriter(index._ix, compound=False)
    for doc in docs:
        writer.add_document(**doc.fields())
    writer.commit()
    return index


def test_the_segment_equals_the_one_whooshs_pool_writes(tmp_path):
    ours = SearchIndex.create(tmp_path / "ours")
    ours.write([analysed(doc) for doc in _docs()], fresh=True)
    theirs = _whoosh_writes(tmp_path / "theirs", _docs())
    assert _everything(ours) == _everything(theirs)
    assert len(_everything(ours)[0]) > 500


def test_postings_of_many_blocks_are_written_byte_for_byte_as_whoosh_writes_them(tmp_path, monkeypatch):
    monkeypatch.setattr(_TermWriter, "min_compressed", 0)  # Whoosh compresses every block
    monkeypatch.setattr(WordPresence, "inline_limit", 0)  # nor inlines postings
    docs = _docs(copies=60)  # common words in 300 documents: three blocks of postings
    ours = SearchIndex.create(tmp_path / "ours")
    ours.write([analysed(doc) for doc in docs], fresh=True)
    _whoosh_writes(tmp_path / "theirs", _docs(copies=60))
    ours_files, their_files = _segment_files(tmp_path / "ours"), _segment_files(tmp_path / "theirs")
    assert set(ours_files) >= {"pst", "trm", "_text_en_len.col", "_stored.col"}
    assert ours_files.pop("arr").endswith(b"RPA2")  # ours alone: the posting arrays (test_posting_arrays)
    assert ours_files == their_files
    reader = ours.searcher().reader()
    assert reader.doc_frequency("text_en", b"the") == 0 and reader.doc_frequency("text_en", b"russia") > 128


def _by_id(index: SearchIndex) -> dict:
    """Every term's postings, field lengths and stored fields, keyed by article id (merging renumbers)."""
    reader = index.searcher().reader()
    ids = {n: reader.stored_fields(n)["id"] for n in reader.all_doc_ids()}
    postings = {}
    for fieldname, text in reader.all_terms():
        found = reader.postings(fieldname, text)
        items = found.items_as("positions") if fieldname.startswith(("text", "title")) else found.items_as("weight")
        info = reader.term_info(fieldname, text)
        postings[fieldname, text] = (sorted((ids[n], value) for n, value in items), info.min_length(),
                                     info.max_length(), info.max_weight(), info.weight(), info.doc_frequency())
    # Whoosh gives None or 0 for a field a document lacks, depending on its segment's columns
    lengths = {(ids[n], name): reader.doc_field_length(n, name) or 0 for n in ids
               for name in ("title_en", "title_fr", "text_en", "text_fr")}
    return {"postings": postings, "lengths": lengths, "stored": {ids[n]: reader.stored_fields(n) for n in ids}}


def test_merged_segments_hold_what_one_write_holds(tmp_path):
    docs = _docs(copies=3)  # 15 documents, one commit each, then merged into one segment
    merged = SearchIndex.create(tmp_path / "merged")
    for doc in docs:
        merged.write([analysed(doc)])
    assert len(merged._ix._segments()) == len(docs)
    assert maintain(tmp_path / "merged", optimize=True).merges == [len(docs)]
    merged = SearchIndex.open(tmp_path / "merged")
    one = SearchIndex.create(tmp_path / "one")
    one.write([analysed(doc) for doc in _docs(copies=3)], fresh=True)
    assert len(merged._ix._segments()) == 1
    assert _by_id(merged) == _by_id(one)
    assert len(_by_id(one)["postings"]) > 500


def test_stored_fields_are_read_through_the_offsets_written_with_them(tmp_path):
    index = SearchIndex.create(tmp_path / "ix")
    index.write([analysed(doc) for doc in _docs(copies=3)], fresh=True)
    index.write([analysed(doc) for doc in _docs()[:2]])  # a second segment, written by Whoosh's writer
    searcher = index.searcher()
    for leaf, _ in searcher.leaf_searchers():
        column = leaf.reader()._perdoc._cached_reader("_stored", whoosh3.STORED_COLUMN)
        assert column._child.had_stored_offsets  # not derived from the lengths in a Python loop
    assert [searcher.stored_fields(n)["id"] for n in range(3)] == [doc.id for doc in _docs(copies=3)[:3]]


def test_term_tables_are_read_as_whoosh_reads_them(tmp_path):
    from whoosh.filedb.filetables import OrderedHashReader

    from reader.core.search.codec import _TermTable

    index = SearchIndex.create(tmp_path / "ix")
    index.write([analysed(doc) for doc in _docs(copies=2)], fresh=True)
    reader = index.searcher().reader()
    assert type(reader._terms._tindex) is _TermTable  # what the index reads with
    (path,) = (tmp_path / "ix").glob("MAIN_*.trm")
    storage = index._ix.storage
    ours, theirs = _TermTable(storage.open_file(path.name), path.stat().st_size), OrderedHashReader.open(storage, path.name)
    for name in ("tables", "extras", "startofdata", "endofdata", "hashtype", "indexbase", "indexlen"):
        assert getattr(ours, name) == getattr(theirs, name), name
    assert list(ours.items()) == list(theirs.items()) and len(list(ours.keys())) > 500
