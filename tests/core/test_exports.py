"""Export files from the app: format by extension, CSV/Markdown like the CLI, JSONL rows."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path

from reader.core.engine import Hit
from reader.exports import export_format, render_export
from reader.output import hit_record

HIT = Hit(id="a.txt", path=Path("/c/a.txt"), title="=HYPERLINK(\"x\") | pipe", lang="fr", date="2024-05-07",
          score=1.5, snippet=[("snip", False)], tags=["x", "y"])
NOTES = "line one\nline two"


def test_format_follows_the_extension():
    assert export_format("out.CSV") == "csv"
    assert export_format("a/b.jsonl") == "jsonl"
    assert export_format("r.md") == export_format("r.markdown") == "md"
    assert export_format("r.txt") is None and export_format("noext") is None


def test_each_format_holds_every_field():
    rows = list(csv.reader(io.StringIO(render_export([(HIT, NOTES)], "csv"))))
    assert rows[0][:7] == ["id", "title", "lang", "date", "tags", "notes", "snippet"]
    assert rows[1][1].startswith("'=HYPERLINK")  # formula-escaped
    table = render_export([(HIT, NOTES)], "md").splitlines()
    assert len(table) == 3 and "\\| pipe" in table[2] and "line one line two" in table[2]


def test_jsonl_export_is_the_search_record_with_notes():
    undated = replace(HIT, date="")
    record = json.loads(render_export([(undated, NOTES)], "jsonl"))
    assert record == {**hit_record(undated), "notes": NOTES}
    assert record["tags"] == ["x", "y"] and record["date"] is None and record["score"] == 1.5
