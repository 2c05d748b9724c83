"""Fan-out: new entries become outbox rows for every matching subscriber, or digest items; digests at their hour."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime

from bot.delivery.matching import choose_version, entry_text, reading_order, wants_topic
from bot.delivery.snapshot import dump_entry, load_entry
from bot.localtime import KAZAKHSTAN, chat_zone, digest_due, digest_tick, quiet_until
from bot.rendering import render_digest, render_entry_off_loop
from bot.rendering.dates import local_day
from domain.clock import utcnow
from domain.entries import StoredEntry
from storage.entries import one_per_story
from storage.outbox import Outbox, Recipient
from storage.subscriptions import DigestItem, Subscriber, SubscriptionRepository

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _Rendering:
    """Recipients who see the same message: one interface language, one local day, fallback or not."""

    language: str
    day: date
    zone: str
    fallback: bool


class Delivery:
    """Turns entries into outbox rows. `announce` is what ingestion calls once per poll."""

    def __init__(
        self,
        subscriptions: SubscriptionRepository,
        outbox: Outbox,
        *,
        official_channel_id: int | None = None,
        official_language: str = "ru",
        timezone: str = KAZAKHSTAN,
        wake: Callable[[], None] | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._subscriptions = subscriptions
        self._outbox = outbox
        self._official_channel_id = official_channel_id
        self._official_language = official_language
        self._timezone = timezone
        self._wake = wake
        self._clock = clock

    def zone_of(self, listener: Subscriber) -> str:
        """The zone the subscriber's chat lives in."""
        return chat_zone(listener.chat_timezone, listener.chat_language, self._timezone)

    async def announce(self, entries: Sequence[StoredEntry]) -> int:
        """Queue every new entry for every subscriber who wants it (idempotent); returns the new outbox rows.

        Instant subscribers get one rendered message per entry, language and local day, shared by all of them;
        digest subscribers get the entry into their next digest. Oldest entries are queued first. A story a
        reader already has is not sent again: a version in a language they prefer edits their message in place.
        During a reader's quiet hours the row waits for their morning.
        """
        if not entries:
            return 0
        listeners = await self._subscriptions.listeners()
        now = self._clock()
        queued = 0
        digest: list[DigestItem] = []
        for stored in sorted(entries, key=lambda s: (s.published, s.id)):
            text = entry_text(stored)
            copies = await self._outbox.story_copies(stored.story)
            groups: dict[_Rendering, list[Recipient]] = defaultdict(list)
            for listener in listeners:
                subscription = listener.subscription
                if not wants_topic(subscription, stored, text):
                    continue
                had = copies.get(subscription.chat_id)
                version = choose_version(subscription, listener.chat_language, stored, had.language if had else None)
                if version is None:
                    continue
                if subscription.mode != "instant":
                    digest.append(DigestItem(subscription.chat_id, stored.id, dump_entry(stored)))
                    continue
                zone_name = self.zone_of(listener)
                quiet = subscription.quiet_hours
                recipient = Recipient(
                    subscription.chat_id,
                    subscription.message_thread_id,
                    # An edit is silent (Telegram does not notify it): it need not wait for the morning.
                    not_before=quiet_until(now, zone_name, *quiet) if quiet and not version.edit else None,
                    replaces_id=had.delivery_id if version.edit and had else None,
                )
                rendering = _Rendering(
                    listener.chat_language, local_day(stored.published, zone_name), zone_name, version.fallback
                )
                groups[rendering].append(recipient)
            channel = self._official_channel_id
            reached = {r.chat_id for recipients in groups.values() for r in recipients}
            if stored.is_alliance and channel is not None and channel not in reached and channel not in copies:
                official = _Rendering(
                    self._official_language, local_day(stored.published, self._timezone), self._timezone, False
                )
                groups[official].append(Recipient(channel))
            for rendering, recipients in groups.items():
                fallback = ":fallback" if rendering.fallback else ""
                message_id = await self._outbox.add_message(
                    "entry",
                    dedup_key=f"entry:{stored.id}:{rendering.language}:{rendering.day.isoformat()}{fallback}",
                    payload=asdict(
                        await render_entry_off_loop(
                            stored, rendering.language, rendering.zone, fallback=rendering.fallback
                        )
                    ),
                    story=(stored.story, stored.entry.language),
                )
                queued += await self._outbox.add_deliveries(message_id, recipients)
        if digest:
            await self._subscriptions.add_digest_items(digest)
        logger.info("delivery.announced", extra={"entries": len(entries), "rows": queued, "digest_items": len(digest)})
        if queued and self._wake is not None:
            self._wake()
        return queued

    async def send_due_digests(self, now: datetime) -> int:
        """Queue the digests due in the quarter hour ending at `now`: each subscriber's at their local hour (daily,
        and weekly on their Monday); returns the messages queued."""
        tick = digest_tick(now)
        queued = 0
        for listener in await self._subscriptions.digest_listeners():
            subscription = listener.subscription
            zone_name = self.zone_of(listener)
            if not digest_due(tick, zone_name, subscription.digest_hour, weekly=subscription.mode == "weekly"):
                continue
            items = await self._subscriptions.digest_items(subscription.chat_id)
            if not items:
                continue
            period = "week" if subscription.mode == "weekly" else "day"
            order = reading_order(subscription, listener.chat_language)
            entries = one_per_story([load_entry(item.entry) for item in items], order)
            recipient = Recipient(subscription.chat_id, subscription.message_thread_id)
            for part, rendered in enumerate(render_digest(entries, listener.chat_language, period, zone_name)):
                message_id = await self._outbox.add_message(
                    "digest",
                    dedup_key=f"digest:{subscription.chat_id}:{tick:%Y-%m-%dT%H:%M}:{part}",
                    payload=asdict(rendered),
                )
                queued += await self._outbox.add_deliveries(message_id, [recipient])
            await self._subscriptions.drop_digest_items(subscription.chat_id, [item.entry_id for item in items])
        if queued:
            logger.info("delivery.digests", extra={"messages": queued})
            if self._wake is not None:
                self._wake()
        return queued
