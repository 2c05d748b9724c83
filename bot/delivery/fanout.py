"""Fan-out: new entries become outbox rows for every matching subscriber, or digest items; digests at their hour."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import datetime

from bot.delivery.matching import entry_text, wants
from bot.delivery.snapshot import dump_entry, load_entry
from bot.rendering import render_digest, render_entry
from domain.entries import StoredEntry
from storage.outbox import Outbox, Recipient
from storage.subscriptions import DigestItem, SubscriptionRepository

logger = logging.getLogger(__name__)
WEEKLY_DIGEST_WEEKDAY = 0  # Monday


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
    ) -> None:
        self._subscriptions = subscriptions
        self._outbox = outbox
        self._official_channel_id = official_channel_id
        self._official_language = official_language
        self._wake = wake

    async def announce(self, entries: Sequence[StoredEntry]) -> int:
        """Queue every new entry for every subscriber who wants it (idempotent); returns the new outbox rows.

        Instant subscribers get one rendered message per entry and language, shared by all of them;
        digest subscribers get the entry into their next digest. Oldest entries are queued first.
        """
        if not entries:
            return 0
        listeners = await self._subscriptions.listeners()
        queued = 0
        digest: list[DigestItem] = []
        for stored in sorted(entries, key=lambda s: (s.published, s.id)):
            text = entry_text(stored)
            by_language: dict[str, list[Recipient]] = defaultdict(list)
            for listener in listeners:
                subscription = listener.subscription
                if not wants(subscription, stored, text):
                    continue
                if subscription.mode == "instant":
                    recipient = Recipient(subscription.chat_id, subscription.message_thread_id)
                    by_language[listener.chat_language].append(recipient)
                else:
                    digest.append(DigestItem(subscription.chat_id, stored.id, dump_entry(stored)))
            channel = self._official_channel_id
            reached = {r.chat_id for recipients in by_language.values() for r in recipients}
            if stored.is_alliance and channel is not None and channel not in reached:
                by_language[self._official_language].append(Recipient(channel))
            for language, recipients in by_language.items():
                message_id = await self._outbox.add_message(
                    "entry",
                    dedup_key=f"entry:{stored.id}:{language}",
                    payload=asdict(render_entry(stored, language)),
                )
                queued += await self._outbox.add_deliveries(message_id, recipients)
        if digest:
            await self._subscriptions.add_digest_items(digest)
        logger.info("delivery.announced", extra={"entries": len(entries), "rows": queued, "digest_items": len(digest)})
        if queued and self._wake is not None:
            self._wake()
        return queued

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
