"""Dates: the words of a date expression resolved against the article's publication date."""

from __future__ import annotations

import datetime as dt
import re

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_YEAR = r"(1[89]\d\d|20\d\d)"
_DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+{_YEAR}\b")
_MONTH_DAY_YEAR = re.compile(rf"\b([a-z]+)\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+{_YEAR}\b")
_MONTH_DAY = re.compile(r"\b([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b")
_DAY_MONTH = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\b")
_MONTH_YEAR = re.compile(rf"\b([a-z]+)\.?,?\s+{_YEAR}\b")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_AGO = re.compile(
    r"\b(a|one|two|three|four|five|six|seven|eight|nine|ten|\d+)\s+(day|week|month|year)s?\s+ago\b"
)
_NUMBERS = {
    "a": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}


def _month_before(month: int, published: dt.date) -> str:
    """A month named without a year: the latest such month not after publication."""
    year = published.year if month <= published.month else published.year - 1
    return f"{year:04d}-{month:02d}"


def _day_of(month: int, day: int, published: dt.date, ahead: bool) -> str | None:
    """A day of a month named without a year: in the latest such month up to publication, or
    ahead, the first such day from publication on."""
    if ahead:
        year = published.year + ((month, day) < (published.month, published.day))
    else:
        year = int(_month_before(month, published)[:4])  # "May 28" on 25 May: this May's
    return _date(year, month, day)


def _shift_months(day: dt.date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


def resolve(expression: str, published: dt.date | None, ahead: bool = False) -> str | None:
    """An ISO date (YYYY-MM-DD), month (YYYY-MM) or year (YYYY) for the expression, or None.

    Relative expressions ("on Friday", "last week", "in November") need the publication date.
    A weekday or a day of a month named alone is the latest one up to publication, or with
    `ahead` (what is to come: "will meet on Tuesday") the first one from publication on.
    """
    text = expression.lower().strip()
    if match := _ISO.search(text):
        return match.group(0)
    if (match := _DAY_MONTH_YEAR.search(text)) and match[2] in MONTHS:
        return _date(int(match[3]), MONTHS[match[2]], int(match[1]))
    if (match := _MONTH_DAY_YEAR.search(text)) and match[1] in MONTHS:
        return _date(int(match[3]), MONTHS[match[1]], int(match[2]))
    if (match := _MONTH_YEAR.search(text)) and match[1] in MONTHS:
        return f"{int(match[2]):04d}-{MONTHS[match[1]]:02d}"
    if published is not None:
        relative = _relative(text, published, ahead)
        if relative:
            return relative
    if match := re.fullmatch(rf"(?:in\s+|the\s+)?{_YEAR}", text):
        return match[1]
    return None


def _date(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _relative(text: str, published: dt.date, ahead: bool = False) -> str | None:
    words = set(re.findall(r"[a-z]+", text))
    if "today" in words or "tonight" in words:
        return published.isoformat()
    if "yesterday" in words:
        return (published - dt.timedelta(days=1)).isoformat()
    if "tomorrow" in words:
        return (published + dt.timedelta(days=1)).isoformat()
    for number, weekday in enumerate(WEEKDAYS):
        if weekday in words:
            back = (published.weekday() - number) % 7
            if "next" in words or (ahead and "last" not in words):
                forward = (number - published.weekday()) % 7
                # "next Tuesday" is never today; "will meet on Tuesday", written on a
                # Tuesday, is today.
                if forward == 0 and "next" in words:
                    forward = 7
                return (published + dt.timedelta(days=forward)).isoformat()
            if "last" in words and back == 0:
                back = 7
            return (published - dt.timedelta(days=back)).isoformat()
    if (match := _MONTH_DAY.search(text)) and match[1] in MONTHS:
        return _day_of(MONTHS[match[1]], int(match[2]), published, ahead)
    if (match := _DAY_MONTH.search(text)) and match[2] in MONTHS:
        return _day_of(MONTHS[match[2]], int(match[1]), published, ahead)
    for name, month in MONTHS.items():
        if name in words and name != "may":
            return _month_before(month, published)
    if match := _AGO.search(text):
        count = _NUMBERS.get(match[1]) or int(match[1])
        unit = match[2]
        if unit == "day":
            return (published - dt.timedelta(days=count)).isoformat()
        if unit == "week":
            return (published - dt.timedelta(weeks=count)).isoformat()[:7]
        if unit == "month":
            year, month = _shift_months(published, -count)
            return f"{year:04d}-{month:02d}"
        return f"{published.year - count:04d}"
    if "week" in words and ("last" in words or "past" in words):
        return (published - dt.timedelta(weeks=1)).isoformat()[:7]
    if "week" in words and "this" in words:
        return published.isoformat()[:7]
    if "month" in words and "last" in words:
        year, month = _shift_months(published, -1)
        return f"{year:04d}-{month:02d}"
    if "month" in words and "this" in words:
        return published.isoformat()[:7]
    if "year" in words and "last" in words:
        return f"{published.year - 1:04d}"
    if "year" in words and "next" in words:
        return f"{published.year + 1:04d}"
    if "year" in words and "this" in words:
        return f"{published.year:04d}"
    return None
