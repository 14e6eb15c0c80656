"""Export files from the app: format by extension, CSV/Markdown like the CLI, JSONL rows."""

from __future__ import annotations

import csv
import io
import json

from reader.exports import export_format, render_export

ROW = {"id": "a.txt", "title": "=HYPERLINK(\"x\") | pipe", "lang": "fr", "date": "2024-05-07",
       "tags": "x;y", "notes": "line one\nline two", "snippet": "snip", "path": "/c/a.txt"}


def test_format_follows_the_extension():
    assert export_format("out.CSV") == "csv"
    assert export_format("a/b.jsonl") == "jsonl"
    assert export_format("r.md") == export_format("r.markdown") == "md"
    assert export_format("r.txt") is None and export_format("noext") is None


def test_each_format_holds_every_field():
    rows = list(csv.reader(io.StringIO(render_export([ROW], "csv"))))
    assert rows[0][:7] == ["id", "title", "lang", "date", "tags", "notes", "snippet"]
    assert rows[1][1].startswith("'=HYPERLINK")  # formula-escaped
    assert json.loads(render_export([ROW], "jsonl")) == ROW
    table = render_export([ROW], "md").splitlines()
    assert len(table) == 3 and "\\| pipe" in table[2] and "line one line two" in table[2]
