"""Subscription management for handlers: subscribe, change preferences, stop; no Telegram types here."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict

from bot.config import LANGUAGES
from bot.services.delivery.matching import choose_version, parse_words, reading_order
from domain.chats import Chat
from domain.localtime import KAZAKHSTAN, chat_zone, known_zone
from domain.subscriptions import MODES, SCOPES, Subscription
from storage.chats import ChatRepository
from storage.entries import EntryRepository, one_per_story
from storage.outbox import Outbox, Recipient
from storage.subscriptions import SubscriptionRepository

FIRST_TASTE = 3  # announcements a new subscriber may ask for at once
_QUIET = re.compile(r"^\s*(\d{1,2})(?::00)?\s*[-–—]\s*(\d{1,2})(?::00)?\s*$")


def parse_quiet_hours(text: str) -> tuple[int, int] | bool | None:
    """Typed quiet hours: "22-08" (or "22:00-08:00") is (22, 8); "off" or an equal start and end is None; else False."""
    if text.strip().casefold() in ("off", "выкл", "нет", "жоқ", "0"):
        return None
    found = _QUIET.match(text)
    if not found:
        return False
    start, end = int(found[1]), int(found[2])
    if start > 23 or end > 23:
        return False
    return None if start == end else (start, end)


class SubscriptionService:
    """What /start, /settings, /stop and membership updates do to a chat's subscription and its local time."""

    def __init__(
        self,
        subscriptions: SubscriptionRepository,
        outbox: Outbox,
        *,
        chats: ChatRepository | None = None,
        entries: EntryRepository | None = None,
        timezone: str = KAZAKHSTAN,
    ) -> None:
        self._subscriptions = subscriptions
        self._outbox = outbox
        self._chats = chats
        self._entries = entries
        self.timezone = timezone

    def zone_of(self, chat: Chat) -> str:
        """The zone the chat lives in: the one it chose, else the one its language suggests."""
        return chat_zone(chat.timezone, chat.language, self.timezone)

    async def set_timezone(self, chat_id: int, name: str) -> str | None:
        """Move the chat to an IANA zone (any case); returns its canonical name, None when there is no such zone."""
        found = known_zone(name)
        if found is None or self._chats is None:
            return None
        await self._chats.set_timezone(chat_id, found)
        return found

    async def set_quiet_hours(self, chat_id: int, hours: tuple[int, int] | None) -> Subscription | None:
        """Local quiet hours [start, end) for instant news, or None to turn them off."""
        if hours is not None and not all(0 <= hour <= 23 for hour in hours):
            raise ValueError(f"quiet hours must be hours of the day, got {hours!r}")
        return await self._subscriptions.update(chat_id, quiet_hours=hours)

    async def set_own_languages_only(self, chat_id: int, only: bool) -> Subscription | None:
        """True: never a version in a language the reader did not choose, even when no other exists."""
        return await self._subscriptions.update(chat_id, own_languages_only=only)

    async def set_languages(self, chat_id: int, languages: Sequence[str]) -> Subscription | None:
        """Replace the news languages (after a /language change, say); unknown codes are refused."""
        chosen = [code for code in LANGUAGES if code in languages]
        if not chosen or len(chosen) != len(set(languages)):
            raise ValueError(f"unknown or no languages {languages!r}")
        return await self._subscriptions.update(chat_id, languages=chosen)

    async def first_taste(self, chat: Chat) -> int:
        """Queue the latest alliance announcements for a new subscriber who asked for them; returns how many.

        One version per story (the reader's preferred language, else the one there is), each once: pressing
        the button again queues nothing more.
        """
        subscription = await self._subscriptions.get(chat.id)
        if subscription is None or self._entries is None:
            return 0
        order = reading_order(subscription, chat.language)
        latest = await self._entries.latest(limit=FIRST_TASTE * 4, alliance_only=True, languages=order)
        chosen = [
            stored
            for stored in one_per_story(latest, order)
            if choose_version(subscription, chat.language, stored, None) is not None
        ][:FIRST_TASTE]
        from bot.rendering.entry import render_entry  # translations, sanitizer: at the first message

        zone_name = self.zone_of(chat)
        recipient = Recipient(chat.id, subscription.message_thread_id)
        queued = 0
        for stored in reversed(chosen):  # oldest first, as news arrives
            fallback = stored.entry.language not in order
            versions = await self._entries.story_versions(stored.story)
            message_id = await self._outbox.add_message(
                "entry",
                dedup_key=f"taste:{chat.id}:{stored.story}",
                payload=asdict(render_entry(stored, chat.language, zone_name, fallback=fallback, versions=versions)),
                story=(stored.story, stored.entry.language),
            )
            queued += await self._outbox.add_deliveries(message_id, [recipient])
        return queued

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
        """Move the digest hour (the chat's local hour) by `hours`, wrapping around midnight."""
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
