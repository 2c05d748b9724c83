"""One budget for every Bot API call: Telegram's global rate and each chat's own limit, shared by the handlers'
replies, edits, callback answers and alerts and by the sender's bulk sends.

Telegram counts all of a bot's messages against about 30 a second, one a second to a private chat and twenty a
minute to a group; a limiter per kind of call lets each spend the whole budget, and their sum is over it. Here
every call waits for one slot of the global rate (a leaky bucket from aiolimiter, a well-tested implementation)
and, when it is addressed to a chat, for that chat's turn. Waiting replies take the next slot before any bulk
send: a burst of users is answered first and the news waits. A 429 pauses what it names: the chat it was for,
or the whole bot when several chats are refused at once (Telegram's global limit) or the call had no chat; every
waiting call, of either kind, honours the pause.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from aiogram.methods import TelegramMethod
from aiolimiter import AsyncLimiter

logger = logging.getLogger(__name__)
# Set by the sender's workers: their calls are bulk (they yield to replies) and their 429s go back to the outbox.
BULK: contextvars.ContextVar[bool] = contextvars.ContextVar("bulk", default=False)
# A 429 is the chat's own limit unless this many different chats meet one within FLOOD_WINDOW seconds: then it is
# the bot's global limit, and every call holds off.
FLOOD_CHATS = 3
FLOOD_WINDOW = 1.0
# Methods that put a message into a chat or change one there; these count against the chat's own limit.
_CHAT_METHOD_PREFIXES = ("send", "copy", "forward", "edit")
_NOT_MESSAGES = {"sendChatAction"}
PRIVATE_INTERVAL = 1.0  # Telegram: one message a second to a private chat, twenty a minute to a group
# "We may allow short bursts that go over this limit" (the size is not documented): a handler's two or three
# messages in a row go at once, the chat's pace stays one a second.
PRIVATE_BURST = 3
GROUP_LIMIT = 20
GROUP_WINDOW = 60.0


def is_private(chat_id: int) -> bool:
    """Telegram gives users positive ids and groups, supergroups and channels negative ones."""
    return chat_id > 0


class ChatPacer:
    """Remembers recent sends per chat and says how long a chat must wait before the next one."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        *,
        private_interval: float = PRIVATE_INTERVAL,
        private_burst: int = 1,
        group_limit: int = GROUP_LIMIT,
        group_window: float = GROUP_WINDOW,
    ) -> None:
        self._clock = clock
        self._private_interval = private_interval
        self._private_slack = (private_burst - 1) * private_interval
        self._group_limit = group_limit
        self._group_window = group_window
        # Per private chat, when its pace would next allow a message if it never burst (a token bucket kept as
        # one time: the generic cell rate algorithm).
        self._private: dict[int, float] = {}
        self._groups: dict[int, deque[float]] = {}
        self._last_prune = clock()

    def wait(self, chat_id: int) -> float:
        """Seconds until this chat may receive its next message (0 when it may now)."""
        now = self._clock()
        if is_private(chat_id):
            due = self._private.get(chat_id)
            return 0.0 if due is None else max(0.0, due - self._private_slack - now)
        sent = self._groups.get(chat_id)
        if not sent:
            return 0.0
        while sent and sent[0] <= now - self._group_window:
            sent.popleft()
        if len(sent) < self._group_limit:
            return 0.0
        return max(0.0, sent[0] + self._group_window - now)

    def record(self, chat_id: int) -> None:
        """A message to this chat is being sent now."""
        now = self._clock()
        if is_private(chat_id):
            self._private[chat_id] = max(self._private.get(chat_id, now), now) + self._private_interval
        else:
            self._groups.setdefault(chat_id, deque()).append(now)
        if now - self._last_prune > self._group_window:
            self._prune(now)

    def _prune(self, now: float) -> None:
        # Forget chats that are past their limits so a big fan-out does not keep memory forever.
        self._last_prune = now
        self._private = {c: due for c, due in self._private.items() if due > now}
        self._groups = {c: q for c, q in self._groups.items() if q and q[-1] > now - self._group_window}


def chat_of(method: TelegramMethod[Any]) -> int | None:
    """The chat whose own limit a call counts against, or None (a callback answer, getMe, a message by id
    of a user name)."""
    name = method.__api_method__
    if name in _NOT_MESSAGES or not name.startswith(_CHAT_METHOD_PREFIXES):
        return None
    chat_id = getattr(method, "chat_id", None)
    return chat_id if type(chat_id) is int else None


class FloodControl:
    """The shared budget; `acquire(chat_id, bulk=...)` before each call, `rate_limited(...)` on each 429."""

    def __init__(
        self,
        rate: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        private_interval: float = PRIVATE_INTERVAL,
        private_burst: int = PRIVATE_BURST,
        group_limit: int = GROUP_LIMIT,
        group_window: float = GROUP_WINDOW,
    ) -> None:
        self.rate = rate
        self._clock = clock
        # A bucket 20 ms deep: smooth pacing; a deeper burst would break the limit over any window under 1 s.
        self.depth = max(1.0, rate / 50)
        self._bucket = AsyncLimiter(self.depth, self.depth / rate)
        self._pacer = ChatPacer(
            clock,
            private_interval=private_interval,
            private_burst=private_burst,
            group_limit=group_limit,
            group_window=group_window,
        )
        self._paused_until = 0.0
        self._chat_paused: dict[int, float] = {}
        self._recent_429s: deque[tuple[float, int | None]] = deque()
        # Waiting callers, replies first; one task hands out the bucket's slots in that order.
        self._replies: deque[asyncio.Future[None]] = deque()
        self._bulk: deque[asyncio.Future[None]] = deque()
        self._granter: asyncio.Task[None] | None = None
        self._chat_turns: dict[int, asyncio.Lock] = {}
        self._chat_callers: dict[int, int] = {}

    def pause_remaining(self) -> float:
        """Seconds the whole bot must still hold off after a global 429 (0 when it may send)."""
        return max(0.0, self._paused_until - self._clock())

    def chat_wait(self, chat_id: int) -> float:
        """Seconds until this chat may receive its next message: its own pace, a 429 it got, or the bot's pause."""
        paused = self._chat_paused.get(chat_id, 0.0) - self._clock()
        return max(0.0, self._pacer.wait(chat_id), paused, self.pause_remaining())

    async def acquire(self, chat_id: int | None, *, bulk: bool) -> None:
        """Wait until a call may go: a slot of the global rate and, for a chat, its turn. Calls to one chat go in
        the order they asked."""
        if chat_id is None:
            # A 429 may pause the bot between the hand-out of a slot and this call's next step: the slot is given up.
            await self._global_slot(bulk)
            while self.pause_remaining() > 0:
                await self._global_slot(bulk)
            return
        turn = self._chat_turns.setdefault(chat_id, asyncio.Lock())
        self._chat_callers[chat_id] = self._chat_callers.get(chat_id, 0) + 1
        try:
            async with turn:
                while True:
                    # A sleep, not an Event: the wait ends by time alone, and a 429 may extend it meanwhile.
                    while (wait := self.chat_wait(chat_id)) > 0:  # noqa: ASYNC110
                        await asyncio.sleep(wait)
                    await self._global_slot(bulk)
                    # The chat may have been refused while this call queued for its slot: the slot is given up.
                    if self.chat_wait(chat_id) <= 0:
                        break
                self._pacer.record(chat_id)
        finally:
            self._chat_callers[chat_id] -= 1
            if not self._chat_callers[chat_id]:
                del self._chat_callers[chat_id]
                del self._chat_turns[chat_id]

    def rate_limited(self, chat_id: int | None, retry_after: float) -> bool:
        """Telegram answered a call with 429: pause what it names. True when that is the whole bot."""
        now = self._clock()
        self._recent_429s.append((now, chat_id))
        while self._recent_429s and self._recent_429s[0][0] < now - FLOOD_WINDOW:
            self._recent_429s.popleft()
        whole_bot = chat_id is None or len({chat for _, chat in self._recent_429s}) >= FLOOD_CHATS
        if whole_bot:
            self._paused_until = max(self._paused_until, now + retry_after)
        else:
            assert chat_id is not None
            self._chat_paused[chat_id] = max(self._chat_paused.get(chat_id, 0.0), now + retry_after)
            if len(self._chat_paused) > 1000:
                self._chat_paused = {chat: until for chat, until in self._chat_paused.items() if until > now}
        logger.warning(
            "flood.rate_limited", extra={"retry_after": retry_after, "chat_id": chat_id, "global": whole_bot}
        )
        return whole_bot

    async def _global_slot(self, bulk: bool) -> None:
        if not self._replies and not self._bulk and self.pause_remaining() <= 0 and self._bucket.has_capacity():
            await self._bucket.acquire()  # free now: no queue to respect, no wait
            return
        granted: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        (self._bulk if bulk else self._replies).append(granted)
        if self._granter is None or self._granter.done():
            self._granter = asyncio.create_task(self._grant())
        await granted

    async def _grant(self) -> None:
        """Hand the bucket's slots to waiting callers, replies first, none during a pause.

        A slot taken before a pause began is stale: handing it out when the pause ends would send a burst on
        top of the rate (a 429 again); it is dropped and a fresh one taken after the pause.
        """
        while self._replies or self._bulk:
            while (pause := self.pause_remaining()) > 0:  # noqa: ASYNC110 - ends by time; a 429 may extend it
                await asyncio.sleep(pause)
            await self._bucket.acquire()
            if self.pause_remaining() > 0:
                continue
            waiter = self._next_waiter()
            if waiter is not None:
                waiter.set_result(None)

    def _next_waiter(self) -> asyncio.Future[None] | None:
        for queue in (self._replies, self._bulk):
            while queue:
                waiter = queue.popleft()
                if not waiter.done():  # a caller that gave up (cancelled) is skipped
                    return waiter
        return None
