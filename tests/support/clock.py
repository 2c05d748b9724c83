"""A clock a test moves: real time plus an offset the test advances, so a lease expires or a broadcast falls due
at once instead of after a real wait (and nothing depends on how fast the machine is).

What sleeps on it (`sleep`, passed where the code takes a sleep function: a lease's renewal loop) wakes when the
clock reads the end of the sleep, by real time passing or at once by `advance()`; `sleeping(n)` is the event a test
waits for before it advances: the n-th sleep has begun. `frozen=True` stands still between `advance()` calls, for a
rule about how close two moments are (two ticks on a loaded machine may be seconds apart in real time).
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta


class MovableClock:
    """Callable like `domain.clock.utcnow`; `advance()` jumps it ahead."""

    def __init__(self, *, frozen: bool = False) -> None:
        self.offset = timedelta()
        self._frozen_at = datetime.now(UTC) if frozen else None
        self.sleeps = 0  # sleeps begun on this clock
        self._moved: set[asyncio.Event] = set()
        self._counted: set[asyncio.Event] = set()

    def __call__(self) -> datetime:
        return (self._frozen_at or datetime.now(UTC)) + self.offset

    def advance(self, **delta: float) -> None:
        """Jump ahead by `timedelta(**delta)`, waking every sleep that ends by then."""
        self.offset += timedelta(**delta)
        for event in self._moved:
            event.set()

    async def sleep(self, seconds: float) -> None:
        """`asyncio.sleep` on this clock: returns once the clock reads `seconds` later."""
        deadline = self() + timedelta(seconds=seconds)
        self.sleeps += 1
        for event in self._counted:
            event.set()
        while (remaining := (deadline - self()).total_seconds()) > 0:
            moved = asyncio.Event()
            self._moved.add(moved)
            try:
                # A frozen clock moves only by advance(); a running one by real time too.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(moved.wait(), None if self._frozen_at else remaining)
            finally:
                self._moved.discard(moved)

    async def sleeping(self, count: int) -> None:
        """Return once `count` sleeps in all have begun on this clock."""
        while self.sleeps < count:
            counted = asyncio.Event()
            self._counted.add(counted)
            try:
                await counted.wait()
            finally:
                self._counted.discard(counted)
