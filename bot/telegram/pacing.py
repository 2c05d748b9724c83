"""Per-chat pacing: at most one message a second to a private chat, twenty a minute to a group or channel."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

PRIVATE_INTERVAL = 1.0
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
        group_limit: int = GROUP_LIMIT,
        group_window: float = GROUP_WINDOW,
    ) -> None:
        self._clock = clock
        self._private_interval = private_interval
        self._group_limit = group_limit
        self._group_window = group_window
        self._private: dict[int, float] = {}
        self._groups: dict[int, deque[float]] = {}
        self._last_prune = clock()

    def wait(self, chat_id: int) -> float:
        """Seconds until this chat may receive its next message (0 when it may now)."""
        now = self._clock()
        if is_private(chat_id):
            last = self._private.get(chat_id)
            return 0.0 if last is None else max(0.0, last + self._private_interval - now)
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
            self._private[chat_id] = now
        else:
            self._groups.setdefault(chat_id, deque()).append(now)
        if now - self._last_prune > self._group_window:
            self._prune(now)

    def _prune(self, now: float) -> None:
        # Forget chats that are past their limits so a big fan-out does not keep memory forever.
        self._last_prune = now
        self._private = {c: t for c, t in self._private.items() if t > now - self._private_interval}
        self._groups = {c: q for c, q in self._groups.items() if q and q[-1] > now - self._group_window}
