"""Date histogram of a result list."""

from __future__ import annotations

from reader.core.results.date_histogram import date_histogram


def test_no_dates_no_histogram():
    assert date_histogram(["", "", "not a date"]) is None


def test_short_span_counts_per_day():
    found = date_histogram(["2024-05-07", "", "2024-05-09", "2024-05-07T10:00:00Z"])
    assert (found.unit, found.first, found.last, found.counts, found.dated) == \
        ("day", "2024-05-07", "2024-05-09", (2, 0, 1), 3)


def test_longer_span_counts_per_month_and_partial_dates_count():
    found = date_histogram(["2023-11-30", "2024-02-01", "2024-02", "2024-02-29"])
    assert (found.unit, found.first, found.last, found.counts) == ("month", "2023-11", "2024-02", (1, 0, 0, 3))


def test_decades_count_per_year_and_merge_to_a_width():
    found = date_histogram(["1990-01-01", "2000-06-01", "2024-05-07"])
    assert found.unit == "year" and len(found.counts) == 35 and sum(found.counts) == 3
    merged = found.merged(10)
    assert len(merged) <= 10 and sum(merged) == 3
    assert found.merged(100) == found.counts
