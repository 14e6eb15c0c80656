"""Hostile files of the binary and container formats: bounded time and memory, a one-line reason, nothing
executed or fetched. The index runs as a subprocess under a memory limit and a timeout."""

from __future__ import annotations

import json
import resource
import subprocess
import sys

import pytest

from reader.core.engine import Engine
from tests.conftest import write
from tests.format_files import zipped

MEMORY_LIMIT = 2 * 1024**3  # the indexing process's address space
SECONDS = 120

LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lololololololololol">'
          + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10))
          + "]>")


def _bounded() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def index_json(root) -> dict:
    """`reader index --format json` on `root` under the memory limit and timeout."""
    done = subprocess.run([sys.executable, "-m", "reader.cli", "--corpus", str(root), "index", "--format", "json"],
                          capture_output=True, text=True, timeout=SECONDS, preexec_fn=_bounded, check=False)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return json.loads(done.stdout)


@pytest.fixture
def hostile(tmp_path):
    root = tmp_path / "hostile"
    zeros = b"<w:document xmlns:w='http://schemas.openxmlformats.org/wordprocessingml/2006/main'>" + b" " * 300_000_000
    write(root, "bomb.docx", zipped({"word/document.xml": zeros}))
    write(root, "laughs.docx", zipped({"word/document.xml": LAUGHS + "<w:document xmlns:w='http://schemas.openxml"
                                     "formats.org/wordprocessingml/2006/main'><w:p><w:r><w:t>&lol9;</w:t></w:r>"
                                     "</w:p></w:document>"}))
    write(root, "xxe.docx", zipped({"word/document.xml": '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM '
                                  '"file:///etc/passwd">]><w:document xmlns:w="http://schemas.openxmlformats.org/'
                                  'wordprocessingml/2006/main"><w:p><w:r><w:t>secret &x; xxemarker</w:t></w:r></w:p>'
                                  "</w:document>"}))
    write(root, "laughs.rss", LAUGHS + "<rss version='2.0'><channel><title>t</title><item><title>&lol9;</title>"
                                       "<description>laughmarker</description></item></channel></rss>")
    write(root, "loop.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages "
                            b"/Kids [2 0 R] /Count 1000000000 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
    write(root, "not-a-zip.docx", b"PK\x03\x04 garbage")
    write(root, "page.html", "<html><head><title>Scripted page</title><script>document.write('scriptmarker')"
                             "</script></head><body onload=\"alert('onloadmarker')\"><article><h1>Scripted page</h1><p>"
                             + "The council approved the new harbour budget after a long debate. " * 8
                             + "</p><script>var s = 'scriptmarker';</script><noscript>noscriptmarker</noscript>"
                             "</article></body></html>")
    return root


def test_hostile_files_are_skipped_or_read_within_bounds(hostile):
    report = index_json(hostile)
    reasons = {item["name"]: item["reason"] for item in report["skipped"]}
    assert reasons["bomb.docx"] == "unpacks to more than 32 MB (zip bomb?)"
    assert reasons["not-a-zip.docx"].startswith("broken document")
    assert "loop.pdf" in reasons and "\n" not in reasons["loop.pdf"]
    engine = Engine(hostile)
    assert engine.search("lololololololololol", snippets=False).hits == []  # entities never expanded
    for marker in ("scriptmarker", "onloadmarker", "noscriptmarker"):  # as typed: what the index holds
        assert engine.search(marker, snippets=False, as_typed=True).hits == []
    assert [hit.id for hit in engine.search("harbour", snippets=False).hits] == ["page.html"]
    xxe = [hit.id for hit in engine.search("xxemarker", snippets=False).hits]
    if xxe:  # read without the entity: no file was fetched into it
        assert "root:" not in engine.article("xxe.docx").body


def test_a_pdf_that_reads_too_long_is_stopped(tmp_path, monkeypatch):
    from reader.core.corpus import pdf_text
    from tests.format_files import pdf

    monkeypatch.setattr(pdf_text, "PDF_SECONDS", 0.001)
    write(tmp_path / "c", "slow.pdf", pdf(["Some text"]))
    report = Engine(tmp_path / "c").update()
    assert [str(item) for item in report.skipped] == [
        "slow.pdf: PDF took longer than 0.001 s to read (hostile or damaged?)"]


def test_an_encrypted_word_file_is_named(tmp_path):
    write(tmp_path / "c", "locked.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))  # an OLE container
    report = Engine(tmp_path / "c").update()
    reasons = {item.name: item.reason for item in report.skipped}
    assert reasons["locked.docx"].startswith("encrypted document")
