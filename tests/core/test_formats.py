"""Every format reader reads, through the engine: searchable, members apart, dated, skipped files named;
member tags in keyed sidecars that survive a re-index and an append."""

from __future__ import annotations

import json

import pytest

from reader.core.engine import Engine
from reader.core.userdata.sidecars import read_sidecar, update_sidecar
from tests.conftest import write
from tests.format_files import jsonl, write_all_formats


@pytest.fixture
def formats_corpus(tmp_path):
    root = tmp_path / "formats"
    write_all_formats(root)
    return root


def first_id(engine: Engine, query: str) -> str:
    hits = engine.search(query, snippets=False).hits
    assert len(hits) == 1, [hit.id for hit in hits]
    return hits[0].id


@pytest.mark.parametrize("query, article_id, date", [
    ("sabotage", "report.pdf", "2024-03-12"),
    ("quay", "memo.docx", "2024-02-10T08:00:00Z"),
    ("meteorite", "memo.odt", ""),
    ("marshes", "tip.eml", "2024-03-05T10:00:00+00:00"),
    ("Helsinki", "inbox.mbox#m1@example.org", "2024-01-01T08:00:00+00:00"),
    ("repairs", "inbox.mbox#m2@example.org", "2024-01-02T09:00:00+00:00"),
    ("vineyards", "wire.rss#frost-1", "2024-03-06T07:00:00+00:00"),
    ("comet", "science.atom#urn:uuid:comet", "2024-04-01T12:00:00+00:00"),
    ("orchard", "dump.jsonl#a1", "2024-05-01"),
    ("lighthouse", "dump.jsonl#a2", "2024-05-02"),
])
def test_every_format_is_searchable_with_its_date(formats_corpus, query, article_id, date):
    engine = Engine(formats_corpus)
    engine.update()
    assert first_id(engine, query) == article_id
    assert engine.stored(article_id).date == date


def test_titles_sources_and_links_come_from_the_format(formats_corpus):
    engine = Engine(formats_corpus)
    engine.update()
    assert engine.article("report.pdf").title == "Pipeline report"
    assert engine.article("memo.docx").title == "Harbour memo"
    mail = engine.article("tip.eml")
    assert (mail.title, mail.source) == ("Tip about the smuggling route", "Anna Source")
    item = engine.article("wire.rss#frost-1")
    assert (item.title, item.url, item.source) == ("Vineyard frost", "https://example.org/frost", "Wire Service")
    glacier = engine.article(first_id(engine, "glacier"))
    assert glacier.body == "The glacier retreated forty metres."  # an item's HTML read as text
    assert engine.article("dump.jsonl#a1").source == "Farm News"
    assert engine.article("dump.jsonl#a2").title == "Lighthouse restored"  # `headline`, `body`, `published`


def test_files_not_read_are_named_with_the_reason(formats_corpus):
    report = Engine(formats_corpus).update()
    reasons = {item.name: item.reason for item in report.skipped}
    assert set(reasons) == {"broken.pdf", "photo.bmp"}
    assert reasons["broken.pdf"].startswith("broken PDF")
    assert reasons["photo.bmp"].startswith("unknown type (.bmp)")
    assert report.total - len(report.skipped) == 11
    assert [item.name for item in Engine(formats_corpus).last_skipped()] == ["photo.bmp", "broken.pdf"]


def test_member_tags_survive_a_reindex_and_an_append(formats_corpus):
    engine = Engine(formats_corpus)
    engine.update()
    update_sidecar(formats_corpus / "dump.jsonl#a2", add_tags=["lead"], notes="call the volunteers")
    engine.reindex(["dump.jsonl#a2"])
    assert first_id(engine, "tag:lead") == "dump.jsonl#a2"
    sidecar = (formats_corpus / "dump.jsonl.yaml").read_text(encoding="utf-8")
    assert sidecar.startswith("a2:\n  tags:\n")  # one keyed sidecar per file: member key -> its entry
    with open(formats_corpus / "dump.jsonl", "a", encoding="utf-8") as handle:
        handle.write(jsonl([{"id": "a3", "title": "Ferry strike", "text": "Ferry crews went on strike."}]))
    report = engine.update()
    assert (report.added, report.changed, report.removed) == (1, 0, 0)  # only the new record is read
    assert first_id(engine, "strike") == "dump.jsonl#a3"
    assert first_id(engine, "tag:lead") == "dump.jsonl#a2"
    engine.update(rebuild=True)
    assert first_id(engine, "tag:lead") == "dump.jsonl#a2"
    assert read_sidecar(formats_corpus / "dump.jsonl#a2")["notes"] == "call the volunteers"
    assert engine.article("dump.jsonl#a1").tags == []


def test_a_record_removed_from_a_dump_leaves_the_index(formats_corpus):
    engine = Engine(formats_corpus)
    engine.update()
    write(formats_corpus, "dump.jsonl", jsonl([{"id": "a2", "title": "Lighthouse restored", "text": "Volunteers."}]))
    report = engine.update()
    assert report.removed == 1 and report.changed == 1
    assert engine.search("orchard", snippets=False).hits == []
    assert engine.related("dump.jsonl#a2") is not None


def test_member_keys_without_ids_are_stable_hashes(tmp_path):
    root = tmp_path / "c"
    records = [{"title": "One", "text": "first text"}, {"url": "https://example.org/x/y", "text": "second text"}]
    write(root, "d.jsonl", jsonl(records))
    engine = Engine(root)
    engine.update()
    before = engine.all_ids()
    write(root, "d.jsonl", jsonl([*records, {"text": "third text"}]))
    engine.update()
    assert set(before) < set(engine.all_ids())
    assert all(len(i.split("#")[1]) == 12 for i in before)


def test_a_corpus_field_mapping_names_other_fields(tmp_path):
    root = tmp_path / "c"
    write(root, "export.json", json.dumps({"data": [{"doc_no": "X-1", "story": {"head": "Dam breach"},
                                                     "copy": "The dam breached at dawn.", "when": "2024-06-01"}]}))
    write(root, "json-fields.yaml", "id: doc_no\ntitle: story.head\ntext: copy\ndate: [when]\n")
    engine = Engine(root)
    engine.update()
    assert first_id(engine, "breached") == "export.json#X-1"
    article = engine.article("export.json#X-1")
    assert (article.title, article.date) == ("Dam breach", "2024-06-01")
    write(root, "json-fields.yaml", "title: copy\ntext: story.head\n")
    assert engine.is_stale()
    engine.update()
    assert engine.article(first_id(engine, "breached")).title == "The dam breached at dawn."


def test_a_pdf_without_a_text_layer_is_named_a_scan(tmp_path):
    from tests.format_files import pdf

    root = tmp_path / "c"
    write(root, "scan.pdf", pdf([], text_layer=False))
    report = Engine(root).update()
    assert [str(item) for item in report.skipped] == ["scan.pdf: PDF has no text layer (a scan? OCR is not done)"]
