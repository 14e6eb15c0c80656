"""Files of the formats reader reads, written from scratch for tests: PDF, DOCX, ODT, mail, feeds, dumps."""

from __future__ import annotations

import io
import json
import zipfile
from email.message import EmailMessage
from pathlib import Path


def pdf(lines: list[str], title: str = "", created: str = "", text_layer: bool = True) -> bytes:
    """A one-page PDF showing `lines` in Helvetica (no text layer: a drawn rectangle only, like a scan)."""
    escaped = [line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") for line in lines]
    stream = ("BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(f"({line}) '" for line in escaped) + " ET"
              if text_layer else "0 0 1 rg 72 72 400 600 re f")
    info = "".join(f"/{k} ({v})" for k, v in (("Title", title), ("CreationDate", created)) if v)
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< {info} >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 6 0 R >>\nstartxref\n{xref}\n%%EOF\n"
              .encode())
    return out.getvalue()


def zipped(parts: dict[str, str | bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def docx(paragraphs: list[str], title: str = "", created: str = "") -> bytes:
    """A minimal Word document: its paragraphs, and core properties with a title and creation date."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    core = ('<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/">'
            f"<dc:title>{title}</dc:title><dc:creator>Desk</dc:creator>"
            f"<dcterms:created>{created}</dcterms:created></cp:coreProperties>")
    return zipped({"[Content_Types].xml": "<Types/>", "word/document.xml":
                 f'<w:document xmlns:w="{w}"><w:body>{body}</w:body></w:document>', "docProps/core.xml": core})


def odt(paragraphs: list[str], title: str = "") -> bytes:
    """A minimal OpenDocument text: its paragraphs and a title."""
    text = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    body = "".join(f"<text:p>{p}</text:p>" for p in paragraphs)
    meta = (f'<office:document-meta xmlns:office="{office}" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<office:meta><dc:title>{title}</dc:title></office:meta></office:document-meta>")
    return zipped({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml":
                 f'<office:document-content xmlns:office="{office}" xmlns:text="{text}"><office:body>'
                 f"<office:text>{body}</office:text></office:body></office:document-content>", "meta.xml": meta})


def email(subject: str, body: str, sender: str, date: str, message_id: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"], message["From"], message["Date"], message["Message-ID"] = subject, sender, date, message_id
    message.set_content(body)
    return message


def mbox(messages: list[EmailMessage]) -> bytes:
    """An mbox mailbox of `messages`."""
    return b"".join(b"From sender@example.org Mon Jan  1 00:00:00 2024\n" + m.as_bytes().replace(b"\nFrom ", b"\n>From ")
                    + b"\n" for m in messages)


def rss(title: str, items: list[dict]) -> str:
    """An RSS 2.0 feed: items with title, description, link, guid, pubDate."""
    body = "".join("<item>" + "".join(f"<{k}>{v}</{k}>" for k, v in item.items()) + "</item>" for item in items)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>{body}</channel></rss>'


def atom(title: str, entries: list[dict]) -> str:
    """An Atom feed: entries with title, id, updated, summary and a link."""
    body = "".join(f"<entry><title>{e['title']}</title><id>{e['id']}</id><updated>{e['updated']}</updated>"
                   f"<link href=\"{e['link']}\"/><summary>{e['summary']}</summary></entry>" for e in entries)
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>{title}</title>'
            f"<id>urn:feed</id><updated>2024-01-01T00:00:00Z</updated>{body}</feed>")


def jsonl(records: list[dict]) -> str:
    return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)


def write_all_formats(root: Path) -> None:
    """A corpus of one file of every format, with a broken PDF and a file of unknown type."""
    from tests.conftest import write

    write(root, "report.pdf", pdf(["Pipeline explosion near Tallinn", "Investigators blamed sabotage of the "
                                   "pipeline on Tuesday."], title="Pipeline report", created="D:20240312090000Z"))
    write(root, "memo.docx", docx(["The harbour authority closed the quay after the storm.",
                                   "Shipping resumes Friday."], title="Harbour memo", created="2024-02-10T08:00:00Z"))
    write(root, "memo.odt", odt(["The observatory recorded a meteorite shower over Lapland."], title="Sky memo"))
    write(root, "tip.eml", email("Tip about the smuggling route", "A source describes the smuggling route "
                                 "through the marshes.", "Anna Source <anna@example.org>",
                                 "Tue, 05 Mar 2024 10:00:00 +0000", "<tip-1@example.org>").as_bytes())
    write(root, "inbox.mbox", mbox([
        email("Ferry delayed", "The ferry to Helsinki was delayed by ice.", "ops@example.org",
              "Mon, 01 Jan 2024 08:00:00 +0000", "<m1@example.org>"),
        email("Bridge reopened", "The bridge reopened to traffic after repairs.", "city@example.org",
              "Tue, 02 Jan 2024 09:00:00 +0000", "<m2@example.org>")]))
    write(root, "wire.rss", rss("Wire Service", [
        {"title": "Vineyard frost", "description": "Frost damaged the vineyards of the valley.",
         "link": "https://example.org/frost", "guid": "frost-1", "pubDate": "Wed, 06 Mar 2024 07:00:00 GMT"},
        {"title": "Glacier retreat", "description": "&lt;p&gt;The glacier retreated forty metres.&lt;/p&gt;",
         "link": "https://example.org/glacier", "guid": "https://example.org/glacier",
         "pubDate": "Thu, 07 Mar 2024 07:00:00 GMT"}]))
    write(root, "science.atom", atom("Science Feed", [
        {"title": "Comet sighted", "id": "urn:uuid:comet", "updated": "2024-04-01T12:00:00Z",
         "link": "https://example.org/comet", "summary": "Astronomers sighted a comet near Jupiter."}]))
    write(root, "dump.jsonl", jsonl([
        {"id": "a1", "title": "Orchard harvest", "text": "The orchard harvest broke records.", "date": "2024-05-01",
         "url": "https://example.org/orchard", "source": "Farm News"},
        {"id": "a2", "headline": "Lighthouse restored", "body": "Volunteers restored the lighthouse.",
         "published": "2024-05-02", "lang": "en"}]))
    write(root, "broken.pdf", b"%PDF-1.4\nthis is not a PDF at all\n")
    write(root, "photo.bmp", b"BM\x00\x00")
