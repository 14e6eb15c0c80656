"""Text layer of a PDF, read in a child process with a time and memory bound (PDFium is C: a hostile
file must not hang or exhaust the indexer). `python -m reader.core.corpus.pdf_text FILE` prints JSON."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

PDF_SECONDS = 60  # one PDF's reading time
PDF_MEMORY = 1536 * 1024 * 1024  # the reading process's address space
MAX_PAGES = 2000
_PDF_DATE = re.compile(r"(?:D:)?(\d{4})(\d{2})?(\d{2})?")


def read_pdf(path: Path) -> tuple[str, str, dict]:
    """(title, text, metadata) of a PDF's text layer. Raises ArticleSkipped naming what is wrong."""
    from reader.core.corpus.articles import ArticleSkipped  # not in the reading process: it starts lean

    try:
        done = subprocess.run([sys.executable, "-m", "reader.core.corpus.pdf_text", str(path)], capture_output=True,
                              timeout=PDF_SECONDS, check=False, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise ArticleSkipped(f"PDF took longer than {PDF_SECONDS} s to read (hostile or damaged?)") from None
    try:
        result = json.loads(done.stdout.decode("utf-8"))
    except ValueError:
        raise ArticleSkipped("PDF reader ran out of memory or crashed (hostile or damaged PDF?)") from None
    if result.get("error"):
        raise ArticleSkipped(result["error"])
    return result["title"], result["text"], result["meta"]


def _extract(path: str) -> dict:
    try:
        import pypdfium2 as pdfium
    except ImportError:
        return {"error": "reading PDF needs the pypdfium2 package (pip install pypdfium2)"}
    try:
        document = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        text = str(exc).lower()
        if "password" in text or "security" in text:
            return {"error": "encrypted PDF (needs a password)"}
        return {"error": f"broken PDF ({' '.join(str(exc).split())})"}
    pages = []
    for number in range(min(len(document), MAX_PAGES)):
        page = document[number]
        textpage = page.get_textpage()
        pages.append(textpage.get_text_bounded().replace("\r\n", "\n").replace("\r", "\n").strip())
    info = document.get_metadata_dict(skip_empty=True)
    if not any(pages):
        return {"error": "PDF has no text layer (a scan? OCR is not done)" if pages else "PDF has no pages"}
    meta = {}
    if info.get("Author"):
        meta["author"] = info["Author"]
    if (found := _PDF_DATE.match(info.get("CreationDate", ""))) and found.group(2):
        meta["date"] = "-".join(part for part in found.groups() if part)
    return {"title": " ".join(info.get("Title", "").split()), "text": "\n\n".join(p for p in pages if p),
            "meta": meta}


def main() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (PDF_MEMORY, PDF_MEMORY))
    try:
        result = _extract(sys.argv[1])
    except MemoryError:
        result = {"error": "PDF needs too much memory to read (hostile or damaged?)"}
    except Exception as exc:  # noqa: BLE001 - reported to the indexer as the file's one-line reason
        result = {"error": f"broken PDF ({type(exc).__name__}: {' '.join(str(exc).split())})"}
    sys.stdout.write(json.dumps(result))


if __name__ == "__main__":
    main()
