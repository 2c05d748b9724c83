"""Local time over every IANA zone and instants around DST changes: digests once a day, quiet hours, scheduling."""

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import available_timezones

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.localtime import (
    DIGEST_TICK,
    digest_due,
    digest_tick,
    example_time,
    in_quiet_hours,
    parse_local,
    quiet_until,
    zone,
)

# The bot lives from now on: instants from 2024 (Kazakhstan's single zone) to 2040, every zone of the database.
ZONES = st.sampled_from(sorted(available_timezones()))
DST_ZONES = st.sampled_from(
    ["Europe/Berlin", "Europe/Budapest", "Europe/Sofia", "Pacific/Auckland", "America/New_York"]
)
# hypothesis takes naive bounds and attaches the zone itself
INSTANTS = st.datetimes(min_value=datetime(2024, 3, 2), max_value=datetime(2040, 1, 1), timezones=st.just(UTC))  # noqa: DTZ001
HOURS = st.integers(min_value=0, max_value=23)


def _ticks(start: datetime, days: int) -> list[datetime]:
    first = digest_tick(start)
    return [first + DIGEST_TICK * i for i in range(days * 96)]


@settings(max_examples=150, deadline=None)
@given(zone_name=st.one_of(ZONES, DST_ZONES), start=INSTANTS, hour=HOURS)
def test_a_daily_digest_is_due_once_per_local_day_at_its_hour(zone_name: str, start: datetime, hour: int) -> None:
    tz = zone(zone_name)
    due = [tick for tick in _ticks(start, 4) if digest_due(tick, zone_name, hour, weekly=False)]
    days = [tick.astimezone(tz).date() for tick in due]
    assert len(days) == len(set(days)), f"two digests on one local day: {due}"
    assert len(due) in (3, 4, 5), due  # four days of ticks: one per local day, never a day skipped
    for tick in due:
        local = tick.astimezone(tz)
        # At the hour, or the first quarter after it when the hour was skipped or the offset is not whole.
        assert (local - timedelta(minutes=15)).hour == hour % 24 or local.hour == hour or local.minute != 0, local
    gaps = [later - earlier for earlier, later in itertools.pairwise(due)]
    assert all(timedelta(hours=22) <= gap <= timedelta(hours=26) for gap in gaps), gaps


@settings(max_examples=60, deadline=None)
@given(zone_name=st.one_of(ZONES, DST_ZONES), start=INSTANTS, hour=HOURS)
def test_a_weekly_digest_is_due_once_a_week_on_a_local_monday(zone_name: str, start: datetime, hour: int) -> None:
    due = [tick for tick in _ticks(start, 14) if digest_due(tick, zone_name, hour, weekly=True)]
    assert len(due) == 2 or (len(due) in (1, 3) and (due[-1] - due[0]).days <= 14), due
    assert all(tick.astimezone(zone(zone_name)).weekday() in (0, 1) for tick in due)


@settings(max_examples=200, deadline=None)
@given(zone_name=st.one_of(ZONES, DST_ZONES), now=INSTANTS, start=HOURS, end=HOURS)
def test_news_in_quiet_hours_waits_for_the_local_morning(zone_name: str, now: datetime, start: int, end: int) -> None:
    until = quiet_until(now, zone_name, start, end)
    if not in_quiet_hours(now, zone_name, start, end):
        assert until is None
        return
    assert until is not None and now < until <= now + timedelta(days=1, hours=2)
    assert not in_quiet_hours(until, zone_name, start, end)  # it goes out once the quiet hours are over
    local = until.astimezone(zone(zone_name))
    assert local.hour >= end or local.date() > now.astimezone(zone(zone_name)).date()


@settings(max_examples=300, deadline=None)
@given(zone_name=st.one_of(ZONES, DST_ZONES), now=INSTANTS)
def test_the_example_time_of_the_schedule_prompt_is_accepted_and_ahead(zone_name: str, now: datetime) -> None:
    due = parse_local(example_time(now, zone_name), zone_name, now)
    assert due is not None, example_time(now, zone_name)
    assert now < due <= now + timedelta(hours=2, minutes=1)


@settings(max_examples=200, deadline=None)
@given(zone_name=st.one_of(ZONES, DST_ZONES), moment=INSTANTS, now=INSTANTS)
def test_a_typed_local_time_means_the_instant_the_clock_shows_it(
    zone_name: str, moment: datetime, now: datetime
) -> None:
    text = f"{moment.astimezone(zone(zone_name)):%Y-%m-%d %H:%M}"
    due = parse_local(text, zone_name, now, max_ahead=timedelta(days=366 * 20))  # bound: test_schedule_dates.py
    exact = moment.replace(second=0, microsecond=0)
    if exact > now:
        assert due is not None and due <= exact  # the wall time seen twice in autumn may mean its first showing
        assert f"{due.astimezone(zone(zone_name)):%Y-%m-%d %H:%M}" == text
    elif due is not None:
        assert due > now and due - exact <= timedelta(hours=3)  # only the second showing of a repeated time


@given(text=st.text(max_size=40))
def test_anything_else_typed_is_no_time(text: str) -> None:
    due = parse_local(text, "Asia/Almaty", datetime(2026, 1, 1, tzinfo=UTC))
    assert due is None or due > datetime(2026, 1, 1, tzinfo=UTC)
