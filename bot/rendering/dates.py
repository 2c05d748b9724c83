"""Dates as readers in each language write them: "12 июня 2025", "2025 жылғы 12 маусым", "12 June 2025"."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from domain.localtime import KAZAKHSTAN, zone

_DAY_PATTERNS = {"ru": "d MMMM y", "kk": "y 'жылғы' d MMMM", "en": "d MMMM y"}


def _format_date(day: date, pattern: str, language: str) -> str:
    from babel.dates import format_date  # babel: only what writes a date for a reader imports it

    return str(format_date(day, pattern, locale=language))


def local_day(moment: datetime, zone_name: str = KAZAKHSTAN) -> date:
    """The calendar day of `moment` on the reader's clock, Kazakhstan's by default (a naive time is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone(zone_name)).date()


def format_day(day: date, language: str) -> str:
    """A full date in `language`, month written out."""
    return _format_date(day, _DAY_PATTERNS.get(language, _DAY_PATTERNS["en"]), language)


def format_week(monday: date, language: str) -> str:
    """The range Monday to Sunday, e.g. "9–15 июня 2025" or "30 June 2025 – 6 July 2025"."""
    sunday = monday + timedelta(days=6)
    if (monday.year, monday.month) == (sunday.year, sunday.month):
        if language == "kk":
            return _format_date(sunday, f"y 'жылғы {monday.day}–'d MMMM", "kk")
        return f"{monday.day}–{format_day(sunday, language)}"
    return f"{format_day(monday, language)} – {format_day(sunday, language)}"
