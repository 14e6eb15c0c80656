"""Dates: written forms in several languages, header detection, ISO normalisation, query rewriting."""

from __future__ import annotations

import datetime as dt

import pytest

from reader.core.corpus.articles import load_article
from reader.core.corpus.dates import detect_date, normalise_date, rewrite_date_query
from tests.conftest import write


@pytest.mark.parametrize("text,expected", [
    ("Paris, 2024-05-07 — Le ministre", "2024-05-07"),
    ("LONDON, 7 May 2024 (Reuters) - Officials", "2024-05-07"),
    ("WASHINGTON, May 7, 2024 — Officials", "2024-05-07"),
    ("Jan. 5, 2023: markets", "2023-01-05"),
    ("Sept 3rd 2021", "2021-09-03"),
    ("Paris, le 7 mai 2024. Le ministre", "2024-05-07"),
    ("Paris, le 1er août 2023", "2023-08-01"),
    ("Berlin, 7. Mai 2024. Der Minister", "2024-05-07"),
    ("Berlin, 7. März 2024", "2024-03-07"),
    ("Москва, 7 мая 2024 г. Министр", "2024-05-07"),
    ("26 апреля 2024 года", "2024-04-26"),
])
def test_detect_date_in_many_languages(text, expected):
    assert detect_date(text) == expected


@pytest.mark.parametrize("text", [
    "No date here at all",
    "7 May 2024 and 8 May 2024 were both busy",   # two dates: not reliable
    "31 February 2024",                            # impossible date
    "7 May 1066",                                  # outside the plausible range
    "07/05/2024",                                  # day/month order unknown
    "x" * 400 + " 7 May 2024",                     # beyond the header
])
def test_detect_date_refuses_unreliable_headers(text):
    assert detect_date(text) == ""


@pytest.mark.parametrize("value,expected", [
    ("2024", "2024"), ("2024-5", "2024-05"), ("2024-05-07", "2024-05-07"),
    ("2024-05-07T10:00:00Z", "2024-05-07"), ("2024-05-07 10:00", "2024-05-07"),
    ("7 mai 2024", "2024-05-07"), ("May 7, 2024", "2024-05-07"),
    (dt.date(2024, 5, 7), "2024-05-07"), (dt.datetime(2024, 5, 7, 9), "2024-05-07"),
    ("2024-13", ""), ("garbage", ""), ("", ""), (None, ""), ("0001-01-01", ""),
])
def test_normalise_date(value, expected):
    assert normalise_date(value) == expected


@pytest.mark.parametrize("query,expected", [
    ("date:2024-05-07", "date:20240507"),
    ("date:[2023-01-01 to 2023-12-31]", "date:[20230101 to 20231231]"),
    ("date:>2024", "date:[20250101 to]"),
    ("date:>=2024-05", "date:[20240501 to]"),
    ("date:<2024-05-07", "date:[to 20240506]"),
    ("date:<=2024-02", "date:[to 20240229]"),
    ("drones AND (date:>2024-12)", "drones AND (date:[20250101 to])"),
    ("title:2024-05-07", "title:2024-05-07"),
])
def test_rewrite_date_query(query, expected):
    assert rewrite_date_query(query) == expected


def test_articles_without_metadata_date_get_the_header_date(tmp_path):
    dated = write(tmp_path, "a.txt", "Drones\n\nMoscow, 7 мая 2024 г. — Text.\n")
    undated = write(tmp_path, "b.txt", "Drones\n\nText without a date.\n")
    front = write(tmp_path, "c.md", "---\ndate: 2023-02-01\n---\nTitle\n\nParis, 7 mai 2024.\n")
    written = write(tmp_path, "d.md", "---\ndate: 7 May 2024\n---\nTitle\n\nBody.\n")
    assert load_article(tmp_path, dated).date == "2024-05-07"
    assert load_article(tmp_path, undated).date == ""
    assert load_article(tmp_path, front).date == "2023-02-01"
    assert load_article(tmp_path, written).date == "2024-05-07"
