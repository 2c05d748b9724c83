"""Fan-out: new entries become outbox rows for every matching subscriber, or digest items; digests at their hour."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import datetime

from bot.config import LANGUAGES
from bot.delivery.matching import audience_of, entry_text, wants
from bot.delivery.snapshot import dump_entry, load_entry
from bot.rendering import render_digest, render_entry
from domain.entries import StoredEntry
from storage.outbox import Outbox, Recipient
from storage.subscriptions import DigestItem, RecipientQuery, SubscriptionRepository

logger = logging.getLogger(__name__)
WEEKLY_DIGEST_WEEKDAY = 0  # Monday
# Subscribers queued per transaction: small enough that the sender starts on the first chunk within
# milliseconds and other writers wait little, large enough that the per-chunk queries cost nothing.
CHUNK_SIZE = 5000


class _EntryMessages:
    """The outbox messages of one entry, one per interface language, rendered and stored when first needed."""

    def __init__(self, outbox: Outbox, stored: StoredEntry) -> None:
        self._outbox = outbox
        self._stored = stored
        self._ids: dict[str, int] = {}
        self.keys = [self._key(language) for language in LANGUAGES]

    def _key(self, language: str) -> str:
        return f"entry:{self._stored.id}:{language}"

    async def id(self, language: str) -> int:
        if language not in self._ids:
            payload = asdict(render_entry(self._stored, language))
            self._ids[language] = await self._outbox.add_message(
                "entry", dedup_key=self._key(language), payload=payload
            )
        return self._ids[language]


class Delivery:
    """Turns entries into outbox rows. `announce` is what ingestion calls once per poll."""

    def __init__(
        self,
        subscriptions: SubscriptionRepository,
        outbox: Outbox,
        *,
        official_channel_id: int | None = None,
        official_language: str = "ru",
        wake: Callable[[], None] | None = None,
        chunk_size: int = CHUNK_SIZE,
    ) -> None:
        self._subscriptions = subscriptions
        self._chunk_size = chunk_size
        self._outbox = outbox
        self._official_channel_id = official_channel_id
        self._official_language = official_language
        self._wake = wake

    async def announce(self, entries: Sequence[StoredEntry]) -> int:
        """Queue every new entry for every subscriber who wants it (idempotent); returns the new outbox rows.

        Instant subscribers get one rendered message per entry and language, shared by all of them;
        digest subscribers get the entry into their next digest. Oldest entries are queued first. The
        database selects the subscribers and writes their rows chunk by chunk; the sender is woken after
        the first chunk, so the first pushes go out while the rest is still being queued.
        """
        queued = digest = 0
        for stored in sorted(entries, key=lambda s: (s.published, s.id)):
            rows, items = await self._announce(stored)
            queued, digest = queued + rows, digest + items
        if entries:
            logger.info("delivery.announced", extra={"entries": len(entries), "rows": queued, "digest_items": digest})
        return queued

    async def _announce(self, stored: StoredEntry) -> tuple[int, int]:
        messages = _EntryMessages(self._outbox, stored)
        snapshot = dump_entry(stored)
        text: str | None = None
        queued = digest = 0
        async for chunk in self._subscriptions.audience(audience_of(stored), chunk_size=self._chunk_size):
            languages = await self._subscriptions.instant_languages(chunk)
            if languages:
                ids = {language: await messages.id(language) for language in languages}
                queued += await self._queued(self._subscriptions.instant_recipients(chunk, ids))
            digest += await self._subscriptions.queue_digest(chunk, stored.id, snapshot)
            # Keyword filters are plain words matched in Python, on the few subscribers that set them.
            by_language: dict[str, list[Recipient]] = defaultdict(list)
            items: list[DigestItem] = []
            for listener in await self._subscriptions.keyword_candidates(chunk):
                subscription = listener.subscription
                text = entry_text(stored) if text is None else text
                if not wants(subscription, stored, text):
                    continue
                if subscription.mode == "instant":
                    recipient = Recipient(subscription.chat_id, subscription.message_thread_id)
                    by_language[listener.chat_language].append(recipient)
                else:
                    items.append(DigestItem(subscription.chat_id, stored.id, snapshot))
            for language, recipients in by_language.items():
                queued += await self._outbox.add_deliveries(await messages.id(language), recipients)
            digest += await self._subscriptions.add_digest_items(items) if items else 0
        channel = self._official_channel_id
        if stored.is_alliance and channel is not None and not await self._outbox.queued_for(channel, messages.keys):
            queued += await self._outbox.add_deliveries(
                await messages.id(self._official_language), [Recipient(channel)]
            )
        if queued:
            self._wake_sender()
        return queued, digest

    async def _queued(self, recipients: RecipientQuery) -> int:
        rows = await self._outbox.add_deliveries_from(recipients)
        if rows:
            self._wake_sender()
        return rows

    def _wake_sender(self) -> None:
        if self._wake is not None:
            self._wake()

    async def send_due_digests(self, now: datetime) -> int:
        """Queue the digests due at this hour (daily ones, and weekly ones on Mondays); returns the messages queued."""
        weekly = now.weekday() == WEEKLY_DIGEST_WEEKDAY
        listeners = await self._subscriptions.digest_listeners(hour=now.hour, weekly_too=weekly)
        queued = 0
        for listener in listeners:
            subscription = listener.subscription
            items = await self._subscriptions.digest_items(subscription.chat_id)
            if not items:
                continue
            period = "week" if subscription.mode == "weekly" else "day"
            entries = [load_entry(item.entry) for item in items]
            recipient = Recipient(subscription.chat_id, subscription.message_thread_id)
            for part, rendered in enumerate(render_digest(entries, listener.chat_language, period)):
                message_id = await self._outbox.add_message(
                    "digest",
                    dedup_key=f"digest:{subscription.chat_id}:{now:%Y-%m-%dT%H}:{part}",
                    payload=asdict(rendered),
                )
                queued += await self._outbox.add_deliveries(message_id, [recipient])
            await self._subscriptions.drop_digest_items(subscription.chat_id, [item.entry_id for item in items])
        if queued:
            logger.info("delivery.digests", extra={"messages": queued})
            if self._wake is not None:
                self._wake()
        return queued
