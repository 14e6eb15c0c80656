"""How the dates of a result list spread over time: counts per day, month or year, ready for a bar row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable

from reader.core.corpus.dates import normalise_date

DAYS_MAX_SPAN = 62  # up to about two months, one bar per day
MONTHS_MAX_SPAN = 120  # up to ten years, one bar per month; beyond that one bar per year


@dataclass(frozen=True)
class DateHistogram:
    """Counts per period from `first` to `last`, empty periods included; `unit` is day, month or year."""

    unit: str
    first: str
    last: str
    counts: tuple[int, ...]
    dated: int

    def merged(self, width: int) -> tuple[int, ...]:
        """The counts in at most `width` bars, neighbouring periods added together."""
        if width <= 0:
            return ()
        size = -(-len(self.counts) // width)  # periods per bar, rounded up
        return tuple(sum(self.counts[i:i + size]) for i in range(0, len(self.counts), size))


def _day(iso: str) -> dt.date:
    """A (possibly partial) ISO date as the first day of its period."""
    parts = [int(p) for p in iso.split("-")] + [1, 1]
    return dt.date(parts[0], parts[1], parts[2])


def _months(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _label(day: dt.date, unit: str) -> str:
    return {"day": day.isoformat(), "month": day.strftime("%Y-%m"), "year": str(day.year)}[unit]


def date_histogram(dates: Iterable[str]) -> DateHistogram | None:
    """The histogram of the dates given, None when none is dated.

    Undated ('') hits are skipped; a partial date counts on the first day of its period (`2024-05`
    as 2024-05-01). Up to two months of span gives a bar per day, up to ten years one per month.
    """
    known: dict[str, dt.date | None] = {}  # results share dates: each distinct text is parsed once
    days = []
    for text in dates:
        if text not in known:
            iso = normalise_date(text)
            known[text] = _day(iso) if iso else None
        if known[text] is not None:
            days.append(known[text])
    if not days:
        return None
    start, end = min(days), max(days)
    if (end - start).days < DAYS_MAX_SPAN:
        unit, slot, size = "day", (lambda d: (d - start).days), (end - start).days + 1
    elif _months(end) - _months(start) < MONTHS_MAX_SPAN:
        unit, slot, size = "month", (lambda d: _months(d) - _months(start)), _months(end) - _months(start) + 1
    else:
        unit, slot, size = "year", (lambda d: d.year - start.year), end.year - start.year + 1
    counts = [0] * size
    for day in days:
        counts[slot(day)] += 1
    return DateHistogram(unit, _label(start, unit), _label(end, unit), tuple(counts), len(days))
