"""The one clock: aware UTC times everywhere (storage stores them, the reader's zone is applied when shown)."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)
