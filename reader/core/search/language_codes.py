"""A language code per document, for translated queries: a word counts in the languages it has no
translation into, so a query asks which documents are written in which language.

Reading every language's postings took about 20 ms a language at a million articles, in every new
process and after every commit. A segment never changes (deletions only hide documents), so each
segment's codes are kept in a small file of the index folder, `language-codes/<segment>.bin`: the
segment's languages and the codes' checksum on the first line (JSON), then one byte per document
(1 + the language's place among them; 0: none, or deleted when the file was made). Any process
that finds a segment without its file writes it, when it can; one it cannot read is made again.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import zlib
from collections import deque
from itertools import repeat
from pathlib import Path

FOLDER = "language-codes"
MAX_LANGUAGES = 255  # one byte a document, 0 kept for none


def index_codes(leaves: list, folder: Path | None, term_docs) -> tuple[bytes, dict[str, int]]:
    """A code per document of the whole index (its segments' `leaves`, (reader, segment id) pairs, in
    order) and {language: code}. `term_docs(reader, language)` gives the numbers of a segment's
    documents of a language; `folder` is the index folder (None: nothing kept on disk)."""
    numbers: dict[str, int] = {}
    parts = []
    segments = {segment for _, segment in leaves}
    for reader, segment in leaves:
        langs, codes = segment_codes(reader, segment, folder, term_docs, segments)
        table = bytearray(256)
        for place, lang in enumerate(langs, 1):
            if lang not in numbers and len(numbers) < MAX_LANGUAGES:  # language identification knows ~100
                numbers[lang] = len(numbers) + 1
            table[place] = numbers.get(lang, 0)
        parts.append(codes.translate(table))
    return b"".join(parts), numbers


def segment_codes(reader, segment: str | None, folder: Path | None, term_docs,
                  segments: set[str | None]) -> tuple[list[str], bytes]:
    """(the segment's languages, a code per document: 1 + the language's place), from its file or made
    from its postings and kept (see `_keep`: `segments` are the index's)."""
    path = folder / FOLDER / f"{segment}.bin" if folder is not None and segment else None
    size = reader.doc_count_all()
    if path is not None:
        with contextlib.suppress(OSError, ValueError, TypeError, KeyError):
            head, _, codes = path.read_bytes().partition(b"\n")
            stored = json.loads(head)
            langs = stored["languages"]
            if isinstance(langs, list) and all(isinstance(lang, str) for lang in langs) and \
                    len(langs) <= MAX_LANGUAGES and len(codes) == size and stored["crc32"] == zlib.crc32(codes) \
                    and not codes.translate(None, bytes(range(len(langs) + 1))):  # no code beyond the list
                return langs, codes
    langs = [term.decode("utf-8") for term in reader.lexicon("lang")][:MAX_LANGUAGES]
    made = bytearray(size)
    for place, lang in enumerate(langs, 1):
        deque(map(made.__setitem__, term_docs(reader, lang), repeat(place)), maxlen=0)
    if path is not None:
        head = json.dumps({"languages": langs, "crc32": zlib.crc32(made)})
        _keep(path, head.encode("utf-8") + b"\n" + bytes(made), segments)
    return langs, bytes(made)


def _keep(path: Path, data: bytes, segments: set[str | None]) -> None:
    """Write a segment's file whole or not at all (renamed into place; not synced: a torn file fails its
    checksum and is made again), where the index folder may be written; remove the files of
    segments the index no longer has (merged away)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        path.parent.mkdir(exist_ok=True)
        for other in path.parent.glob("*.bin"):
            if other.stem not in segments:
                other.unlink(missing_ok=True)
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
