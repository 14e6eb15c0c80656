"""Text of one-article document files: Word .docx, OpenDocument .odt, e-mail .eml and messages of a mailbox.

Each reader returns (title, body, metadata) with metadata keys among date, source, url, lang, author
and id (a Message-ID). Untrusted input stays bounded: zip parts are read up to a size, XML without
entities, DTDs or network.
"""

from __future__ import annotations

import zipfile
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parseaddr, parsedate_to_datetime
from pathlib import Path

from reader.core.corpus.articles import ArticleSkipped, read_bytes

MAX_PART_BYTES = 32 * 1024 * 1024  # one unpacked XML part of a document (zip bombs stop here)

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_DCTERMS = "{http://purl.org/dc/terms/}"
_META = "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_DOCX_BREAKS = {f"{_W}tab": "\t", f"{_W}br": "\n", f"{_W}cr": "\n"}


def _xml(data: bytes):
    """Parse untrusted XML: no entity expansion, no DTD, no network, no huge trees."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             remove_comments=True, remove_pis=True)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ArticleSkipped(f"broken document: {exc}") from None


def _part(archive: zipfile.ZipFile, name: str, required: bool = True) -> bytes | None:
    """One part of a zip, unpacked up to MAX_PART_BYTES whatever its header claims."""
    try:
        with archive.open(name) as handle:
            data = handle.read(MAX_PART_BYTES + 1)
    except KeyError:
        if required:
            raise ArticleSkipped(f"broken document: no {name} inside") from None
        return None
    if len(data) > MAX_PART_BYTES:
        raise ArticleSkipped(f"unpacks to more than {MAX_PART_BYTES // (1024 * 1024)} MB (zip bomb?)")
    return data


def read_office(path: Path) -> tuple[str, str, dict]:
    """Paragraphs and core properties (title, creator, created) of a .docx or .odt file."""
    docx = Path(path).suffix.lower() == ".docx"
    try:
        with open(path, "rb") as handle:
            if handle.read(4) == _OLE_MAGIC:  # Office saves password-protected documents in an OLE container
                raise ArticleSkipped("encrypted document (password-protected), or an old binary .doc")
        with zipfile.ZipFile(path) as archive:
            body_xml = _part(archive, "word/document.xml" if docx else "content.xml")
            meta_xml = _part(archive, "docProps/core.xml" if docx else "meta.xml", required=False)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ArticleSkipped(f"broken document: {exc}") from None
    except RuntimeError as exc:  # an encrypted zip
        raise ArticleSkipped(f"encrypted: {exc}") from None
    root = _xml(body_xml)
    if docx:  # runs of text, tabs and line breaks in each paragraph (tables' cells hold paragraphs too)
        lines = ["".join((node.text or "") if node.tag == f"{_W}t" else _DOCX_BREAKS.get(node.tag, "")
                         for node in block.iter()) for block in root.iter(f"{_W}p")]
    else:
        lines = ["".join(block.itertext()) for block in root.iter(f"{_TEXT}p", f"{_TEXT}h")]
    lines = [line.strip() for line in lines]
    meta: dict = {}
    if meta_xml:
        props = _xml(meta_xml)
        for key, tags in (("title", (f"{_DC}title",)), ("author", (f"{_DC}creator", f"{_META}initial-creator")),
                          ("date", (f"{_DCTERMS}created", f"{_META}creation-date", f"{_DC}date"))):
            found = next((n.text.strip() for t in tags for n in props.iter(t) if n.text and n.text.strip()), "")
            if found:
                meta[key] = found
    return meta.pop("title", ""), "\n\n".join(line for line in lines if line), meta


def read_eml(path: Path) -> tuple[str, str, dict]:
    """Subject, text and headers of one e-mail file."""
    data = read_bytes(path, MAX_PART_BYTES)
    return message_article(BytesParser(policy=policy.default).parsebytes(data))


def message_article(message: EmailMessage) -> tuple[str, str, dict]:
    """(subject, body text, {date, source, author, id}) of an e-mail message; HTML-only mail as text."""
    from reader.core.corpus.html_text import page_text

    def header(name: str) -> str:
        try:
            return " ".join(str(message.get(name, "") or "").split())
        except (ValueError, TypeError, IndexError):  # a malformed header
            return ""

    part = message.get_body(preferencelist=("plain", "html"))
    body = ""
    if part is not None:
        try:
            body = part.get_content()
        except (LookupError, ValueError, AssertionError):  # an unknown charset or broken encoding
            payload = part.get_payload(decode=True) or b""
            body = payload.decode("utf-8", "replace")
        if part.get_content_type() == "text/html":
            body = page_text(body)[1]
    meta: dict = {}
    name, address = parseaddr(header("from"))
    if name or address:
        meta["source"] = name or address
        meta["author"] = f"{name} <{address}>" if name and address else address or name
    try:
        meta["date"] = parsedate_to_datetime(header("date")).isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    if header("message-id"):
        meta["id"] = header("message-id").strip("<>")
    return header("subject"), body.replace("\r\n", "\n").strip(), meta
