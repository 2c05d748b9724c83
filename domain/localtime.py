"""Readers' local time: which zone a chat lives in, its local hours as UTC instants, and times as people read them.

Zones come from the IANA database (zoneinfo). Local wall times that a DST change skips or repeats are resolved
here once, so digests, quiet hours and scheduled broadcasts agree: a skipped time means the instant the clock
jumps to, a repeated one its first occurrence (or the first still ahead, when a future time is asked for).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

KAZAKHSTAN = "Asia/Almaty"  # one zone, UTC+5, for the whole country since March 2024
# Zones of the member countries named in facts.md, offered as buttons; any other IANA zone can be typed.
COMMON_ZONES: tuple[str, ...] = (
    "Asia/Almaty",
    "Asia/Shanghai",
    "Asia/Jakarta",
    "Asia/Kuala_Lumpur",
    "Asia/Riyadh",
    "Europe/Istanbul",
    "Europe/Sofia",
    "Europe/Budapest",
    "Europe/Berlin",
    "Pacific/Auckland",
    "UTC",
)
# Digests are checked every quarter of an hour: every zone's offset is a whole number of quarters.
DIGEST_TICK = timedelta(minutes=15)
# The furthest ahead a broadcast may be scheduled: a year covers any real plan and keeps dates far from overflow.
MAX_AHEAD = timedelta(days=366)
_INPUT_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%d.%m.%Y %H:%M")
_MOMENT_PATTERNS = {"ru": "d MMMM y, HH:mm", "kk": "y 'жылғы' d MMMM, HH:mm", "en": "d MMMM y, HH:mm"}


@cache
def zone(name: str) -> ZoneInfo:
    """The zone with this IANA name; ValueError when there is none."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}") from None


def known_zone(name: str) -> str | None:
    """The zone's canonical spelling when `name` is an IANA zone (in any case), else None."""
    return _zone_names().get(name.strip().casefold())


@cache
def _zone_names() -> dict[str, str]:
    return {name.casefold(): name for name in available_timezones()}


def suggested_zone(language: str, bot_zone: str) -> str:
    """The zone a chat starts in: Kazakhstan for Russian and Kazakh readers, the bot's zone for the others."""
    return KAZAKHSTAN if language in ("ru", "kk") else bot_zone


def chat_zone(chosen: str | None, language: str, bot_zone: str) -> str:
    """The zone a chat lives in: the one it chose, else the one its language suggests."""
    return chosen or suggested_zone(language, bot_zone)


def zone_choices(language: str, bot_zone: str) -> tuple[str, ...]:
    """The zones offered as buttons, the suggested one first."""
    first = suggested_zone(language, bot_zone)
    return (first, *(name for name in COMMON_ZONES if name != first))


def _offset(moment: datetime, tz: tzinfo) -> str:
    offset = moment.astimezone(tz).utcoffset() or timedelta()
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "") if minutes else "UTC"


def _city(name: str, language: str) -> str:
    from babel.dates import get_timezone_location  # babel: only what writes a time for a reader imports it

    return name if name == "UTC" else str(get_timezone_location(zone(name), locale=language, return_city=True))


def zone_label(name: str, language: str, at: datetime) -> str:
    """A zone as readers know it: its city in their language and its offset at `at`, e.g. "Берлин (UTC+1)"."""
    city, offset = _city(name, language), _offset(at, zone(name))
    return city if city == offset else f"{city} ({offset})"


def format_moment(moment: datetime, language: str, zone_name: str) -> str:
    """A date and time in the reader's zone, the zone shown: "2 декабря 2026, 16:00 (Алматы, UTC+5)"."""
    from babel.dates import format_datetime

    tz = zone(zone_name)
    pattern = _MOMENT_PATTERNS.get(language, _MOMENT_PATTERNS["en"])
    text = format_datetime(moment, pattern, tzinfo=tz, locale=language)
    city, offset = _city(zone_name, language), _offset(moment, tz)
    return f"{text} ({city})" if city == offset else f"{text} ({city}, {offset})"


def _exists(wall: datetime, tz: tzinfo) -> bool:
    return wall.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == wall.replace(tzinfo=None)


def local_instant(day: date, hour: int, tz: tzinfo) -> datetime:
    """The UTC instant the reader's clock shows `hour`:00 on `day`; an hour the clock skips is the moment it jumps."""
    # fold=0 reads a skipped wall time with the offset before the change: the instant the clock jumps past it.
    return datetime.combine(day, time(hour), tzinfo=tz).astimezone(UTC)


def digest_tick(now: datetime) -> datetime:
    """The quarter hour `now` belongs to (the digest job runs at every quarter)."""
    now = now.astimezone(UTC)
    return now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)


def digest_due(tick: datetime, zone_name: str, hour: int, *, weekly: bool) -> bool:
    """True when a digest at local `hour` falls in the quarter ending at `tick`: once per local day (per Monday)."""
    tz = zone(zone_name)
    start = tick - DIGEST_TICK
    for day in sorted({start.astimezone(tz).date(), tick.astimezone(tz).date()}):
        if weekly and day.weekday() != 0:
            continue
        if start < local_instant(day, hour, tz) <= tick:
            return True
    return False


def in_quiet_hours(now: datetime, zone_name: str, start: int, end: int) -> bool:
    """True when the reader's clock is in [start, end) (a window may wrap midnight); start == end is no window."""
    hour = now.astimezone(zone(zone_name)).hour
    if start == end:
        return False
    return start <= hour < end if start < end else hour >= start or hour < end


def quiet_until(now: datetime, zone_name: str, start: int, end: int) -> datetime | None:
    """When news arriving at `now` may be sent: None at once, else the next local `end`:00 (UTC)."""
    if not in_quiet_hours(now, zone_name, start, end):
        return None
    tz = zone(zone_name)
    today = now.astimezone(tz).date()
    return min(
        moment for moment in (local_instant(today + timedelta(days=d), end, tz) for d in range(3)) if moment > now
    )


class TooFarAheadError(ValueError):
    """A typed time later than `latest` (UTC), the furthest a broadcast may be scheduled."""

    def __init__(self, latest: datetime) -> None:
        super().__init__(f"later than {latest.isoformat()}")
        self.latest = latest


def parse_local(text: str, zone_name: str, now: datetime, *, max_ahead: timedelta = MAX_AHEAD) -> datetime | None:
    """A date and time typed in the reader's zone, as UTC; None when it is no such time or not ahead of `now`.

    A time the clock shows twice (autumn) is its first occurrence still ahead; a time it skips is refused.
    Raises TooFarAheadError for a time more than `max_ahead` after `now`. The typed wall time is bounded before any
    zone arithmetic: year 1 or 9999 would overflow `datetime` when moved to UTC.
    """
    tz = zone(zone_name)
    latest = now + max_ahead
    local_now = now.astimezone(tz).replace(tzinfo=None)
    for pattern in _INPUT_FORMATS:
        try:
            naive = datetime.strptime(text.strip(), pattern)  # noqa: DTZ007 - a wall-clock time, placed in its zone below
        except ValueError:
            continue
        # No zone is more than a day from UTC, so a wall time outside these bounds is past or too far either way.
        if naive < local_now - timedelta(days=2):
            return None
        if naive > local_now + max_ahead + timedelta(days=2):
            raise TooFarAheadError(latest)
        walls = [naive.replace(tzinfo=tz, fold=fold) for fold in (0, 1)]
        moments = sorted({wall.astimezone(UTC) for wall in walls if _exists(wall, tz)})
        ahead = [moment for moment in moments if moment > now]
        if ahead and ahead[0] > latest:
            raise TooFarAheadError(latest)
        return ahead[0] if ahead else None
    return None


def example_time(now: datetime, zone_name: str) -> str:
    """A time about an hour ahead, written as the reader would type it; `parse_local` accepts it."""
    local = (now + timedelta(hours=1, minutes=1)).astimezone(zone(zone_name))
    return f"{local:%Y-%m-%d %H:%M}"
