"""Subscription management for handlers: subscribe, change preferences, stop; no Telegram types here."""

from __future__ import annotations

from collections.abc import Sequence

from bot.config import LANGUAGES
from bot.delivery.matching import parse_words
from storage.outbox import Outbox
from storage.subscriptions import MODES, SCOPES, Subscription, SubscriptionRepository


class SubscriptionService:
    """What /start, /settings, /stop and membership updates do to a chat's subscription."""

    def __init__(self, subscriptions: SubscriptionRepository, outbox: Outbox) -> None:
        self._subscriptions = subscriptions
        self._outbox = outbox

    async def get(self, chat_id: int) -> Subscription | None:
        """The chat's subscription, or None."""
        return await self._subscriptions.get(chat_id)

    async def subscribe(
        self, chat_id: int, language: str, *, message_thread_id: int | None = None, by: int | None = None
    ) -> tuple[Subscription, bool]:
        """Subscribe with the defaults (alliance announcements in `language`); True when it is new."""
        return await self._subscriptions.subscribe(
            chat_id, languages=[language], message_thread_id=message_thread_id, subscribed_by=by
        )

    async def stop(self, chat_id: int) -> bool:
        """Leave: the subscription goes and queued messages are cancelled; False when there was none."""
        removed = await self._subscriptions.unsubscribe(chat_id)
        await self._outbox.cancel_chat(chat_id)
        return removed

    async def chat_gone(self, chat_id: int, reason: str) -> None:
        """The bot was blocked or removed: nothing more goes to this chat until it comes back."""
        await self._outbox.block_chat(chat_id, reason)

    async def set_scope(self, chat_id: int, scope: str) -> Subscription | None:
        """Alliance announcements only, or all ministry news."""
        if scope not in SCOPES:
            raise ValueError(f"unknown scope {scope!r}")
        return await self._subscriptions.update(chat_id, scope=scope)

    async def toggle_language(self, chat_id: int, language: str) -> Subscription | None:
        """Add or remove a news language; the last one cannot be removed."""
        if language not in LANGUAGES:
            raise ValueError(f"unknown language {language!r}")
        current = await self._subscriptions.get(chat_id)
        if current is None:
            return None
        chosen = set(current.languages) ^ {language}
        if not chosen:
            return current
        return await self._subscriptions.update(chat_id, languages=[code for code in LANGUAGES if code in chosen])

    async def set_mode(self, chat_id: int, mode: str) -> Subscription | None:
        """Instant, daily digest or weekly digest."""
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}")
        return await self._subscriptions.update(chat_id, mode=mode)

    async def shift_hour(self, chat_id: int, hours: int) -> Subscription | None:
        """Move the digest hour (UTC) by `hours`, wrapping around midnight."""
        current = await self._subscriptions.get(chat_id)
        if current is None:
            return None
        return await self._subscriptions.update(chat_id, digest_hour=(current.digest_hour + hours) % 24)

    async def set_paused(self, chat_id: int, paused: bool) -> Subscription | None:
        """Pause or resume deliveries."""
        return await self._subscriptions.update(chat_id, paused=paused)

    async def set_words(
        self, chat_id: int, *, include: str | None = None, exclude: str | None = None
    ) -> Subscription | None:
        """Replace the include or exclude words with the plain words found in the text (empty text clears)."""
        include_words: Sequence[str] | None = parse_words(include) if include is not None else None
        exclude_words: Sequence[str] | None = parse_words(exclude) if exclude is not None else None
        return await self._subscriptions.update(chat_id, include_words=include_words, exclude_words=exclude_words)
