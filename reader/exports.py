"""Export files written from the app: the format a file name asks for, and the file's text."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from reader.core.text import safe_text

if TYPE_CHECKING:
    from reader.core.engine import Hit

EXPORT_FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".md": "md", ".markdown": "md"}


def export_format(path: Path | str) -> str | None:
    """csv, jsonl or md for the file name's extension; None for any other."""
    return EXPORT_FORMATS.get(Path(path).suffix.lower())


def render_export(hits: Iterable[tuple[Hit, str]], fmt: str) -> str:
    """The text of an export file from (hit, notes) pairs: CSV or Markdown as `reader search --format
    csv|md` writes them, or JSONL: `reader search --format jsonl`'s record of each hit with its notes."""
    from reader.output import export_row, hit_record, write_export

    hits = list(hits)
    if fmt == "jsonl":
        return "".join(json.dumps({**hit_record(hit), "notes": safe_text(notes)}, ensure_ascii=False) + "\n"
                       for hit, notes in hits)
    buffer = io.StringIO()
    write_export([export_row(hit, notes) for hit, notes in hits], fmt, buffer)
    return buffer.getvalue()
