"""Headless output: text, JSON, JSONL and path formats, terminal-safe, coloured only on a terminal."""

from __future__ import annotations

import json
import os
import re
import sys
from typing import IO, Iterable

from reader.core.engine import Hit
from reader.core.results.snippets import plain
from reader.core.text import safe_text
from reader.core.translation.expansion import matched_line

BOLD, DIM, MATCH, RESET = "\x1b[1m", "\x1b[2m", "\x1b[1;33m", "\x1b[0m"


def use_colour(stream: IO[str]) -> bool:
    """Colour only on a terminal, never with NO_COLOR set or TERM=dumb."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return hasattr(stream, "isatty") and stream.isatty()


def hit_record(hit: Hit) -> dict:
    """The stable JSON schema of one search hit (docs/cli.md); an article added by `--with-stories`
    also says whose story it tells (`story_of`) and how (`story`: translation or rewrite); `controls` comes
    only when the query has exact controls (docs/query-syntax.md)."""
    record = {
        "id": safe_text(hit.id),
        "path": safe_text(str(hit.path)),
        "title": safe_text(hit.title),
        "lang": hit.lang,
        "date": safe_text(hit.date) or None,
        "score": round(hit.score, 4),
        "snippet": plain(hit.snippet),
        "tags": [safe_text(t) for t in hit.tags],
        "matched": [{"term": safe_text(m.term), "via": safe_text(m.via), "source": m.source} for m in hit.matched],
    }
    if hit.controls:
        record["controls"] = [{**term, "term": safe_text(term["term"]), "forms": [safe_text(f) for f in term["forms"]]}
                              for term in hit.controls]
    if hit.story_of:
        record.update(story_of=safe_text(hit.story_of), story=hit.story_kind)
    return record


def story_mark(hit: Hit) -> str:
    """`↳ translation of 002_….txt` for an article added as another telling of a hit's story."""
    return f"↳ {hit.story_kind} of {safe_text(hit.story_of)}" if hit.story_of else ""


def format_hit_text(hit: Hit, colour: bool) -> str:
    """One block of `text` output: title, then id · lang · date · tags, then the snippet."""
    details = " · ".join(filter(None, [safe_text(hit.id), hit.lang, safe_text(hit.date),
                                       ", ".join(safe_text(t) for t in hit.tags), story_mark(hit)]))
    via = f"\n  via {matched_line(hit.matched)}" if hit.matched else ""
    if colour:
        snippet = "".join(f"{MATCH}{t}{RESET}" if m else t for t, m in hit.snippet)
        return f"{BOLD}{safe_text(hit.title)}{RESET}\n  {DIM}{details}{RESET}\n  {snippet}{DIM}{via}{RESET}\n"
    snippet = "".join(f"**{t}**" if m else t for t, m in hit.snippet)
    return f"{safe_text(hit.title)}\n  {details}\n  {snippet}{via}\n"



def write_hits(hits: Iterable[Hit], fmt: str, stream: IO[str] = sys.stdout) -> None:
    """Print hits in one of the formats text, json, jsonl, paths."""
    if fmt == "json":
        json.dump([hit_record(h) for h in hits], stream, ensure_ascii=False, indent=2)
        stream.write("\n")
    elif fmt == "jsonl":
        for hit in hits:
            stream.write(json.dumps(hit_record(hit), ensure_ascii=False) + "\n")
    elif fmt == "paths":
        for hit in hits:
            stream.write(safe_text(str(hit.path)) + "\n")
    else:
        colour = use_colour(stream)
        stream.write("\n".join(format_hit_text(h, colour) for h in hits))


def facet_record(facets: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """Facet counts with terminal-safe values."""
    return {name: {safe_text(value): count for value, count in counts.items()} for name, counts in facets.items()}


def write_facets_text(facets: dict[str, dict[str, int]], total: int, stream: IO[str] = sys.stdout) -> None:
    """Facet counts after text hits: one line per facet, values most frequent first."""
    stream.write(f"\n{total:,} matching articles\n")
    for name, counts in facet_record(facets).items():
        values = " · ".join(f"{value} {count}" for value, count in counts.items())
        stream.write(f"  {name:<7} {values or '-'}\n")


CSV_COLUMNS = ("id", "title", "lang", "date", "tags", "notes", "snippet", "path")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def export_row(hit: Hit, notes: str) -> dict[str, str]:
    """One hit as the flat text fields of the CSV and Markdown exports."""
    return {"id": safe_text(hit.id), "title": safe_text(hit.title), "lang": hit.lang,
            "date": safe_text(hit.date), "tags": ";".join(safe_text(t) for t in hit.tags),
            "notes": safe_text(notes), "snippet": plain(hit.snippet), "path": safe_text(str(hit.path))}


def _csv_cell(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (`=HYPERLINK(…)` in a title stays text)."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _md_cell(value: str) -> str:
    """A Markdown table cell: one line, pipes escaped, no raw HTML."""
    text = " ".join(value.split()).replace("\\", "\\\\").replace("|", "\\|")
    return text.replace("<", "&lt;").replace(">", "&gt;") or " "


def write_export(rows: Iterable[dict[str, str]], fmt: str, stream: IO[str] = sys.stdout) -> None:
    """Export rows as CSV (header line, RFC 4180 quoting) or as a Markdown table."""
    if fmt == "csv":
        import csv

        writer = csv.writer(stream, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        for row in rows:
            writer.writerow([_csv_cell(row[name]) for name in CSV_COLUMNS])
        return
    stream.write("| " + " | ".join(CSV_COLUMNS) + " |\n| " + " | ".join(["---"] * len(CSV_COLUMNS)) + " |\n")
    for row in rows:
        stream.write("| " + " | ".join(_md_cell(row[name]) for name in CSV_COLUMNS) + " |\n")


# Characters JSON may leave raw that a terminal acts on: DEL and C1 controls, bidi overrides and isolates,
# invisible marks, line and paragraph separators.
_JSON_INERT = re.compile("[\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")


def _json(value: object, indent: int | None) -> str:
    """`value` as JSON, every string exact, with the characters above written as \\u escapes."""
    return _JSON_INERT.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, ensure_ascii=False, indent=indent))


def write_json(value: object, stream: IO[str] = sys.stdout, lines: bool = False) -> None:
    """Print a JSON document (or, with `lines`, one JSON object per line of a list)."""
    if lines and isinstance(value, list):
        for item in value:
            stream.write(_json(item, None) + "\n")
    else:
        stream.write(_json(value, 2) + "\n")


class ProgressBar:
    """A one-line progress bar on a terminal stream: files, rate and ETA. Silent elsewhere."""

    def __init__(self, stream: IO[str] = sys.stderr, label: str = "Indexing", unit: str = "files") -> None:
        import time

        self._clock = time.monotonic
        self.stream = stream
        self.label, self.unit = label, unit
        self.enabled = hasattr(stream, "isatty") and stream.isatty() and os.environ.get("TERM") != "dumb"
        self._start = self._clock()
        self._last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = self._clock()
        if not self.enabled or (now - self._last < 0.1 and done < total):
            return
        self._last = now
        elapsed = max(now - self._start, 1e-6)
        rate = done / elapsed
        eta = (total - done) / rate if rate else 0
        width = 30
        filled = int(width * done / total) if total else width
        bar = "█" * filled + "░" * (width - filled)
        self.stream.write(f"\r{self.label} {bar} {done:,}/{total:,} {self.unit}  {rate:,.0f}/s  "
                          f"ETA {int(eta) // 60}:{int(eta) % 60:02d} ")
        self.stream.flush()

    def finish(self) -> None:
        if self.enabled and self._last:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
