"""Who wants which news, and how."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, get_args

Scope = Literal["alliance", "all"]
Mode = Literal["instant", "daily", "weekly"]
SCOPES: tuple[Scope, ...] = get_args(Scope)
MODES: tuple[Mode, ...] = get_args(Mode)
# Quiet hours offered by the /settings button, in turn; any other window is typed: /settings quiet 23-07.
QUIET_PRESETS: tuple[tuple[int, int] | None, ...] = (None, (22, 8), (23, 7), (21, 9))
QUIET_PRESET_COUNT = len(QUIET_PRESETS)
DIGEST_MODES = ("daily", "weekly")
DEFAULT_DIGEST_HOUR = 9


@dataclass(frozen=True, slots=True)
class Subscription:
    """One chat's subscription and its preferences."""

    chat_id: int
    scope: str
    languages: tuple[str, ...]
    mode: str
    digest_hour: int
    paused: bool
    include_words: tuple[str, ...]
    exclude_words: tuple[str, ...]
    message_thread_id: int | None
    subscribed_by: int | None
    created_at: datetime
    updated_at: datetime
    quiet_start: int | None = None  # local quiet hours [start, end), None when off
    quiet_end: int | None = None
    own_languages_only: bool = False

    @property
    def quiet_hours(self) -> tuple[int, int] | None:
        """The local quiet hours (start, end), or None when they are off."""
        if self.quiet_start is None or self.quiet_end is None or self.quiet_start == self.quiet_end:
            return None
        return self.quiet_start, self.quiet_end


@dataclass(frozen=True, slots=True)
class Subscriber:
    """A subscription that currently listens (chat active, not paused), with the chat's interface language and
    the time zone it chose (None: the one its language suggests)."""

    subscription: Subscription
    chat_language: str
    chat_timezone: str | None = None
