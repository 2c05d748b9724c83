"""A clock a test moves: real time plus an offset the test advances, so a lease expires or a broadcast falls due
at once instead of after a real wait (and nothing depends on how fast the machine is)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class MovableClock:
    """Callable like `domain.clock.utcnow`; `advance()` jumps it ahead."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, **delta: float) -> None:
        """Jump ahead by `timedelta(**delta)`."""
        self.offset += timedelta(**delta)
