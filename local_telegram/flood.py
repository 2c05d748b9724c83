"""Telegram's flood limits on what a bot sends (and edits), answered like Telegram with 429 and retry_after.

core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this, the only place Telegram states them:
  "When sending messages inside a particular chat, avoid sending more than one message per second. We may allow
  short bursts that go over this limit, but eventually you'll begin receiving 429 errors."
  "If you're sending bulk notifications to multiple users, the API will not allow more than 30 messages per
  second or so."
  "Also note that your bot will not be able to send more than 20 messages per minute to the same group."

So a chat is a token bucket (one message a second sustained, a short burst tolerated), a group or channel at
most 20 messages in any minute and the bot at most ~30 a second overall. The size of a tolerated burst is not
documented; python-telegram-bot's AIORateLimiter does not throttle private chats at all, so the default burst
here is generous rather than tight. Edits count like sends: they are requests on the same chat, and grammY's
flood guide reports a per-group limit on edits (grammy.dev/advanced/flood). Tests switch enforcement on by
setting `stub.rate_limits` and off with None.
"""

from __future__ import annotations

import math
from collections import defaultdict, deque
from dataclasses import dataclass

from local_telegram.errors import ApiError


@dataclass
class RateLimits:
    """Telegram's limits (see the module docstring); `slack` absorbs timing jitter in the bot's favour."""

    global_per_second: int = 30
    private_interval: float = 1.0  # "avoid sending more than one message per second" in a chat
    private_burst: int = 5  # "We may allow short bursts that go over this limit" (size undocumented)
    group_per_minute: int = 20
    slack: float = 0.1


@dataclass
class _Bucket:
    tokens: float
    at: float


class FloodControl:
    """What the bot has sent, per chat and overall; `admit` counts a request or refuses it with 429."""

    def __init__(self) -> None:
        self._sends: deque[float] = deque()
        self._group_sends: dict[int, deque[float]] = defaultdict(deque)
        self._private: dict[int, _Bucket] = {}

    def admit(self, limits: RateLimits, chat_id: int, private: bool, now: float) -> None:
        """Count a send or edit to `chat_id` at `now`, or raise 429 with the wait Telegram would name."""
        waits = [self._global_wait(limits, now)]
        waits.append(self._private_wait(limits, chat_id, now) if private else self._group_wait(limits, chat_id, now))
        wait = max(waits)
        if wait > 0:
            # Telegram's retry_after is whole seconds, at least 1, and it is the wait until a slot frees.
            retry = max(1, math.ceil(wait))
            raise ApiError(429, f"Too Many Requests: retry after {retry}", {"retry_after": retry})
        self._sends.append(now)
        if private:
            self._private[chat_id].tokens -= 1
        else:
            self._group_sends[chat_id].append(now)

    def _global_wait(self, limits: RateLimits, now: float) -> float:
        # "the API will not allow more than 30 messages per second or so": any one-second window.
        window = 1.0 - limits.slack
        while self._sends and now - self._sends[0] >= window:
            self._sends.popleft()
        if len(self._sends) < limits.global_per_second:
            return 0.0
        return window - (now - self._sends[-limits.global_per_second])

    def _group_wait(self, limits: RateLimits, chat_id: int, now: float) -> float:
        # "not able to send more than 20 messages per minute to the same group": any sixty-second window.
        window = 60.0 - limits.slack
        sent = self._group_sends[chat_id]
        while sent and now - sent[0] >= window:
            sent.popleft()
        if len(sent) < limits.group_per_minute:
            return 0.0
        return window - (now - sent[-limits.group_per_minute])

    def _private_wait(self, limits: RateLimits, chat_id: int, now: float) -> float:
        # One token a `private_interval`, at most `private_burst` saved: a burst goes out, the rest is 1/s.
        bucket = self._private.setdefault(chat_id, _Bucket(float(limits.private_burst), now))
        refill = (now - bucket.at) / limits.private_interval
        bucket.tokens, bucket.at = min(float(limits.private_burst), bucket.tokens + refill), now
        needed = 1.0 - limits.slack / limits.private_interval
        if bucket.tokens >= needed:
            return 0.0
        return (needed - bucket.tokens) * limits.private_interval
