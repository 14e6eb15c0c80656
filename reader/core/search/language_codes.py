"""A language code per document, for translated queries: a word counts in the languages it has no
translation into, so a query asks which documents are written in which language.

Reading every language's postings took about 20 ms a language at a million articles, in every new
process and after every commit. A segment never changes (deletions only hide documents), so each
segment's codes are kept in a small file of the index folder, `language-codes/<segment>.bin`: the
segment's languages on the first line, then one byte per document (1 + the language's place in that
line; 0: none, or deleted when the file was made). Any process that finds a segment without its file
writes it, when it can; one it cannot read is made again.
"""

from __future__ import annotations

import contextlib
import json
from collections import deque
from itertools import repeat
from pathlib import Path

from reader.core.userdata.files import replace_file

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
    from its postings and kept, the files of segments not among the index's `segments` removed."""
    path = folder / FOLDER / f"{segment}.bin" if folder is not None and segment else None
    size = reader.doc_count_all()
    if path is not None:
        with contextlib.suppress(OSError, ValueError):
            head, _, codes = path.read_bytes().partition(b"\n")
            langs = json.loads(head)
            if isinstance(langs, list) and all(isinstance(lang, str) for lang in langs) and \
                    len(langs) <= MAX_LANGUAGES and len(codes) == size and \
                    not codes.translate(None, bytes(range(len(langs) + 1))):  # no code beyond the list
                return langs, codes
    langs = [term.decode("utf-8") for term in reader.lexicon("lang")][:MAX_LANGUAGES]
    made = bytearray(size)
    for place, lang in enumerate(langs, 1):
        deque(map(made.__setitem__, term_docs(reader, lang), repeat(place)), maxlen=0)
    if path is not None:
        with contextlib.suppress(OSError):
            path.parent.mkdir(exist_ok=True)
            _forget_others(path.parent, segments)
            replace_file(path, json.dumps(langs).encode("utf-8") + b"\n" + bytes(made))
    return langs, bytes(made)


def _forget_others(folder: Path, segments: set[str]) -> None:
    """Remove the files of segments the index no longer has (merged away)."""
    with contextlib.suppress(OSError):
        for path in folder.glob("*.bin"):
            if path.stem not in segments:
                path.unlink(missing_ok=True)
