"""Article dates: normalise metadata dates to ISO and find a publication date in an article's header."""

from __future__ import annotations

import datetime as dt
import re

from reader.core.text import fold

HEADER_CHARS = 300  # a dateline sits in the title or the first lines; later dates are events, not publication
MIN_YEAR, MAX_YEAR = 1900, 2100

_MONTHS = {
    1: ("january", "jan", "janvier", "janv", "januar", "jänner", "января", "январь"),
    2: ("february", "feb", "fevrier", "fevr", "fev", "februar", "февраля", "февраль"),
    3: ("march", "mar", "mars", "marz", "maerz", "марта", "март"),
    4: ("april", "apr", "avril", "avr", "апреля", "апрель"),
    5: ("may", "mai", "мая", "май"),
    6: ("june", "jun", "juin", "juni", "июня", "июнь"),
    7: ("july", "jul", "juillet", "juil", "juli", "июля", "июль"),
    8: ("august", "aug", "aout", "августа", "август"),
    9: ("september", "sep", "sept", "septembre", "сентября", "сентябрь"),
    10: ("october", "oct", "octobre", "oktober", "okt", "октября", "октябрь"),
    11: ("november", "nov", "novembre", "ноября", "ноябрь"),
    12: ("december", "dec", "decembre", "dezember", "dez", "декабря", "декабрь"),
}
MONTH_NUMBERS = {fold(name): number for number, names in _MONTHS.items() for name in names}
_MONTH = "(?P<month>" + "|".join(sorted(map(re.escape, MONTH_NUMBERS), key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<year>\d{4})(?!\d)"

_FOUR_DIGITS_RE = re.compile(r"\d{4}")
_PATTERNS = [
    # 2024-05-07, 2024-05-07T10:00:00Z
    re.compile(r"(?<!\d)(?P<year>\d{4})-(?P<mon>\d{1,2})-(?P<day>\d{1,2})(?!\d)"),
    # 7 May 2024, 7 mai 2024, 1er mai 2024, 7. Mai 2024, 7 мая 2024 г.
    re.compile(r"(?<!\w)(?P<day>\d{1,2})(?:er|st|nd|rd|th)?\.?\s+" + _MONTH + r",?\s+" + _YEAR),
    # May 7, 2024; May 7th 2024
    re.compile(r"(?<!\w)" + _MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+" + _YEAR),
]


def _iso(year: int, month: int, day: int) -> str:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return ""
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return ""


def _dates_in(text: str) -> list[str]:
    """ISO dates written in `text`, in order of appearance."""
    folded = fold(text)
    if not _FOUR_DIGITS_RE.search(folded):  # every pattern has a year: most headers have none
        return []
    found: list[tuple[int, str]] = []
    for pattern in _PATTERNS:
        for match in pattern.finditer(folded):
            groups = match.groupdict()
            month = int(groups["mon"]) if groups.get("mon") else MONTH_NUMBERS.get(groups.get("month") or "", 0)
            iso = _iso(int(groups["year"]), month, int(groups["day"]))
            if iso:
                found.append((match.start(), iso))
    return [iso for _, iso in sorted(found)]


def detect_date(text: str) -> str:
    """The date of an article from its header (title and first ~300 characters), ISO, or ''.

    Only a header that names exactly one date counts: two different dates leave it undecided.
    """
    dates = set(_dates_in(text[:HEADER_CHARS]))
    return dates.pop() if len(dates) == 1 else ""


_ISO_PREFIX = re.compile(r"\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?=$|[T\s]|[+-]\d|Z)")


def normalise_date(value: object) -> str:
    """An ISO date (`2024-05-07`, or `2024-05` / `2024` when only that much is known) for a date value, or ''.

    Accepts date objects, ISO strings with or without a time, and the written forms detect_date knows.
    """
    if isinstance(value, (dt.date, dt.datetime)):
        return value.strftime("%Y-%m-%d")
    text = str(value or "").strip()
    match = _ISO_PREFIX.match(text)
    if match:
        year, month, day = match.groups()
        if not MIN_YEAR <= int(year) <= MAX_YEAR:
            return ""
        if day:
            return _iso(int(year), int(month), int(day))
        if month:
            return f"{year}-{int(month):02d}" if 1 <= int(month) <= 12 else ""
        return year
    dates = _dates_in(text)
    return dates[0] if dates else ""



_DATE_CLAUSE = re.compile(r"(?<![\w:])(date:)(\[[^\]}]*[\]}]|\{[^\]}]*[\]}]|[^\s()\[{]+)", re.IGNORECASE)
_COMPARISON = re.compile(r"(<=|>=|<|>)(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_ISO_IN_QUERY = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})(?:-(\d{1,2}))?(?![\d-])")


def _period(year: int, month: int | None, day: int | None) -> tuple[dt.date, dt.date]:
    """First and last day of a year, a month or a day."""
    if day:
        start = dt.date(year, month or 1, day)
        return start, start
    if month:
        start = dt.date(year, month, 1)
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        return start, following - dt.timedelta(days=1)
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _compact(day: dt.date) -> str:
    return day.strftime("%Y%m%d")


def _comparison(operator: str, year: str, month: str | None, day: str | None) -> str:
    first, last = _period(int(year), int(month) if month else None, int(day) if day else None)
    if operator == ">":
        return f"[{_compact(last + dt.timedelta(days=1))} to]"
    if operator == "<":
        return f"[to {_compact(first - dt.timedelta(days=1))}]"
    return f"[{_compact(first)} to]" if operator == ">=" else f"[to {_compact(last)}]"


def rewrite_date_query(query: str) -> str:
    """`date:` values in the forms Whoosh's date parser understands.

    ISO dates become `20240507` / `202405` (Whoosh reads no dashes), and `date:>2024` becomes the
    range after the whole of 2024 (Whoosh would compare with its first instant); likewise <, <=, >=.
    """
    def clause(match: re.Match[str]) -> str:
        prefix, value = match.groups()
        try:
            comparison = _COMPARISON.fullmatch(value)
            if comparison:
                return prefix + _comparison(*comparison.groups())
            return prefix + _ISO_IN_QUERY.sub(
                lambda m: m.group(1) + "".join(f"{int(g):02d}" for g in m.groups()[1:] if g), value)
        except (ValueError, OverflowError):
            return match.group()

    return _DATE_CLAUSE.sub(clause, query)
