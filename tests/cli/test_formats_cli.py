"""`reader index` on a corpus of many formats, as a subprocess: files not read named on stderr and in
JSON, exit 0; members shown and tagged by id."""

from __future__ import annotations

import json

from tests.cli.test_cli import run
from tests.format_files import write_all_formats


def test_index_names_the_files_it_could_not_read(tmp_path):
    write_all_formats(tmp_path / "c")
    done = run("index", "--format", "json", corpus=tmp_path / "c")
    assert done.returncode == 0
    report = json.loads(done.stdout)
    assert report["articles"] == 11
    assert {item["name"] for item in report["skipped"]} == {"broken.pdf", "photo.bmp"}
    assert "skipped: photo.bmp: unknown type (.bmp), not read" in done.stderr
    assert "skipped: broken.pdf: broken PDF" in done.stderr
    text = run("index", corpus=tmp_path / "c")  # nothing changed: still named
    assert text.returncode == 0 and "2 files not indexed" in text.stderr and text.stdout == ""


def test_members_are_shown_and_tagged_by_id(tmp_path):
    write_all_formats(tmp_path / "c")
    shown = run("show", "inbox.mbox#m2", corpus=tmp_path / "c")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("Bridge reopened\n") and "city@example.org" in shown.stdout
    container = run("show", "dump.jsonl", corpus=tmp_path / "c")  # the file is not an article: its members are
    assert container.returncode == 2
    assert "'dump.jsonl' matches 2 articles: dump.jsonl#a1, dump.jsonl#a2" in container.stderr
    tagged = run("tag", "wire.rss#frost-1", "+frost", corpus=tmp_path / "c")
    assert tagged.returncode == 0, tagged.stderr
    found = run("search", "tag:frost", "--format", "paths", corpus=tmp_path / "c")
    assert found.stdout.strip().endswith("wire.rss#frost-1")
