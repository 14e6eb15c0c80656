"""Export files written from the app: the format a file name asks for, and the file's text."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Iterable

EXPORT_FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".md": "md", ".markdown": "md"}


def export_format(path: Path | str) -> str | None:
    """csv, jsonl or md for the file name's extension; None for any other."""
    return EXPORT_FORMATS.get(Path(path).suffix.lower())


def render_export(rows: Iterable[dict[str, str]], fmt: str) -> str:
    """The text of an export file: CSV or Markdown as `reader search --format csv|md` writes them,
    or JSONL (one object per row, the same fields)."""
    from reader.output import write_export

    rows = list(rows)
    if fmt == "jsonl":
        return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    buffer = io.StringIO()
    write_export(rows, fmt, buffer)
    return buffer.getvalue()
