"""Per-user throttling of questions: a small token bucket per user."""

from __future__ import annotations

import enum
import time
from dataclasses import dataclass

MAX_USERS = 10_000


class Verdict(enum.Enum):
    ALLOW = "allow"
    REFUSE_WITH_NOTICE = "notice"  # the first refusal in a row: tell the user once
    REFUSE_SILENTLY = "silent"  # further refusals: answering each would itself be a flood


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float
    noticed: bool = False


class QuestionThrottle:
    """Lets each user ask `rate` questions per second on average, `burst` at once."""

    def __init__(self, *, rate: float = 2.0, burst: int = 3) -> None:
        self._rate = rate
        self._burst = float(burst)
        self._buckets: dict[int, _Bucket] = {}

    def check(self, user_id: int, *, now: float | None = None) -> Verdict:
        """Take a token for this user's question, or say how to refuse it."""
        now = time.monotonic() if now is None else now
        bucket = self._buckets.get(user_id)
        if bucket is None:
            if len(self._buckets) >= MAX_USERS:
                self._forget_idle(now)
            bucket = self._buckets[user_id] = _Bucket(self._burst, now)
        bucket.tokens = min(self._burst, bucket.tokens + (now - bucket.updated) * self._rate)
        bucket.updated = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            bucket.noticed = False
            return Verdict.ALLOW
        if bucket.noticed:
            return Verdict.REFUSE_SILENTLY
        bucket.noticed = True
        return Verdict.REFUSE_WITH_NOTICE

    def _forget_idle(self, now: float) -> None:
        # A bucket that would be full again holds no state worth keeping.
        idle = [user for user, b in self._buckets.items() if b.tokens + (now - b.updated) * self._rate >= self._burst]
        for user in idle:
            del self._buckets[user]
        if len(self._buckets) >= MAX_USERS:
            self._buckets.clear()
