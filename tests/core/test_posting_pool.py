"""The compact posting pool writes the same segment as Whoosh's own pool."""

from __future__ import annotations

from whoosh.writing import SegmentWriter

from reader.core.index import IndexDoc, SearchIndex, analysed
from tests.conftest import DEMO_CORPUS


def _docs() -> list[IndexDoc]:
    docs = []
    for number, path in enumerate(sorted(DEMO_CORPUS.glob("*.txt"))):
        text = path.read_text(encoding="utf-8")
        lang = "fr" if path.name.startswith(("002", "004")) else "en"
        docs.append(IndexDoc(id=path.name, title=text.split("\n", 1)[0], lang=lang, text=text,
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
               for name in ("title", "text_en", "text_fr")]
    return [found, lengths, [reader.stored_fields(n) for n in reader.all_doc_ids()]]


def test_the_segment_equals_the_one_whooshs_pool_writes(tmp_path):
    ours = SearchIndex.create(tmp_path / "ours")
    ours.write([analysed(doc) for doc in _docs()], fresh=True)
    theirs = SearchIndex.create(tmp_path / "theirs")
    writer = SegmentWriter(theirs._ix)
    for doc in _docs():
        writer.add_document(**doc.fields())
    writer.commit()
    assert _everything(ours) == _everything(theirs)
    assert len(_everything(ours)[0]) > 500
