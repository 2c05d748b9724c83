"""The one clock: aware UTC times everywhere (storage stores them, the reader's zone is applied when shown).

Whatever decides by the time (leases, schedules, broadcast windows, polls due) takes a `Clock`, so a test passes a
clock it moves instead of waiting for real time to pass.
"""

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)
