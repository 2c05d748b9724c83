"""Typed broadcast times over every year a person can type: an answer, never an exception from zone arithmetic."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.localtime import COMMON_ZONES, MAX_AHEAD, TooFarAheadError, parse_local

NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


@given(
    moment=st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59)),  # noqa: DTZ001
    pattern=st.sampled_from(["%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%d.%m.%Y %H:%M"]),
    zone_name=st.sampled_from([*COMMON_ZONES, "Pacific/Kiritimati", "Pacific/Pago_Pago"]),
)
def test_any_typed_date_is_a_time_within_a_year_or_a_clear_refusal(
    moment: datetime, pattern: str, zone_name: str
) -> None:
    # Written as a person types it: four-digit years also below 1000 (strftime would drop the zeros).
    typed = moment.strftime(pattern.replace("%Y", f"{moment.year:04d}"))
    if moment > datetime(2027, 12, 10):  # noqa: DTZ001 - a wall time, as typed
        with pytest.raises(TooFarAheadError) as refused:
            parse_local(typed, zone_name, NOW)
        assert refused.value.latest == NOW + MAX_AHEAD
        return
    try:
        due = parse_local(typed, zone_name, NOW)
    except TooFarAheadError:
        assert moment > datetime(2027, 12, 6)  # noqa: DTZ001 - only times about a year ahead
        return
    if due is not None:
        assert NOW < due <= NOW + MAX_AHEAD


def test_the_bound_is_a_year_to_the_minute() -> None:
    inside = NOW + MAX_AHEAD - timedelta(minutes=1)
    assert parse_local(f"{inside:%Y-%m-%d %H:%M}", "UTC", NOW) == inside
    beyond = NOW + MAX_AHEAD + timedelta(minutes=1)
    with pytest.raises(TooFarAheadError):
        parse_local(f"{beyond:%Y-%m-%d %H:%M}", "UTC", NOW)
