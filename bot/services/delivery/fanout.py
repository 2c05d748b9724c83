"""Fan-out: new entries become outbox rows for every matching subscriber, or digest items; digests at their hour."""

from __future__ import annotations

import asyncio
import bisect
import functools
import hashlib
import logging
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import aclosing
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime
from typing import Any

from bot.rendering.dates import local_day
from bot.services.delivery.matching import audience_of, choose_version, entry_text, reading_order, wants_topic
from bot.services.delivery.snapshot import dump_entry, load_entry
from domain.clock import utcnow
from domain.entries import StoredEntry
from domain.localtime import KAZAKHSTAN, chat_zone, digest_due, digest_tick, quiet_until
from domain.subscriptions import Subscriber
from storage.entries import EntryRepository, one_per_story
from storage.outbox import Outbox, Recipient, StoryCopy
from storage.subscriptions import AudienceChunk, DigestCopy, DigestItem, SubscriptionRepository

logger = logging.getLogger(__name__)
# Subscribers queued per transaction: the first chunk small, so that the sender starts on it within milliseconds;
# each next one twice the last up to MAX_CHUNK_SIZE, so that a million subscribers take a few dozen statements
# (at 5,000 a chunk, its four statements and two commits cost 2.5 s of CPU per million, a fifth of the whole).
CHUNK_SIZE = 5000
MAX_CHUNK_SIZE = 100_000
# The subscribers matched in Python (keyword filters, quiet hours, ...) are read this many at a time, and a chunk is
# cut where it would skip more chats that have the story (a list sent with its statements) than this.
PAGE_SIZE = 5000


@dataclass(frozen=True, slots=True)
class _Rendering:
    """Recipients who see the same message: one interface language, one local day, fallback or not."""

    language: str
    day: date
    zone: str
    fallback: bool


@dataclass(slots=True)
class _Copies:
    """What the readers already have of a story (outbox messages, digest items), and a count of what was decided for
    those who have one (logged once per entry: every hold, skip and replacement has its reason)."""

    outbox: dict[int, StoryCopy]
    digests: dict[int, DigestCopy]
    decisions: dict[str, int] = field(default_factory=dict)

    def decide(self, decision: str) -> None:
        self.decisions[decision] = self.decisions.get(decision, 0) + 1


def _revision(stored: StoredEntry) -> str:
    """A short digest of what the entry shows: one correction message per text."""
    entry = stored.entry
    parts = (entry.title, entry.summary_html, entry.url, entry.image_url, entry.document_url, entry.published_at)
    return hashlib.sha1("\x1f".join(map(str, parts)).encode(), usedforsecurity=False).hexdigest()[:12]


class _EntryMessages:
    """The outbox messages of one entry, one per rendering, rendered and stored when first needed."""

    def __init__(
        self, outbox: Outbox, stored: StoredEntry, versions: Mapping[str, str], *, revision: str | None = None
    ) -> None:
        self._outbox = outbox
        self._stored = stored
        self._versions = versions  # the story's address per language, for the rich message's "Read in ..." buttons
        self._revision = revision  # a correction: the digest of the entry's new content (one message per text)
        self._ids: dict[_Rendering, int] = {}
        self.keys: list[str] = []
        self.new: set[int] = set()  # the messages this process stored (others were there: a repeated announcement)

    def key(self, rendering: _Rendering) -> str:
        fallback = ":fallback" if rendering.fallback else ""
        revision = f":fix:{self._revision}" if self._revision else ""
        return f"entry:{self._stored.id}:{rendering.language}:{rendering.day.isoformat()}{fallback}{revision}"

    async def id(self, rendering: _Rendering) -> int:
        if rendering not in self._ids:
            key = self.key(rendering)
            from bot.rendering.entry import render_entry_off_loop  # translations, sanitizer: at the first entry

            rendered = await render_entry_off_loop(
                self._stored, rendering.language, rendering.zone, fallback=rendering.fallback, versions=self._versions
            )
            payload = asdict(rendered)
            message_id, new = await self._outbox.new_message(
                "entry", dedup_key=key, payload=payload, story=(self._stored.story, self._stored.entry.language)
            )
            self._ids[rendering] = message_id
            self.keys.append(key)
            if new:
                self.new.add(message_id)
        return self._ids[rendering]


class Delivery:
    """Turns entries into outbox rows. `announce` is what ingestion calls once per poll."""

    def __init__(
        self,
        subscriptions: SubscriptionRepository,
        outbox: Outbox,
        *,
        official_channels: Mapping[str, int] | None = None,
        entries: EntryRepository | None = None,
        timezone: str = KAZAKHSTAN,
        wake: Callable[[], None] | None = None,
        clock: Callable[[], datetime] = utcnow,
        chunk_size: int = CHUNK_SIZE,
        max_chunk_size: int = MAX_CHUNK_SIZE,
        page_size: int = PAGE_SIZE,
    ) -> None:
        self._subscriptions = subscriptions
        self._outbox = outbox
        self._official_channels: dict[str, int] = dict(official_channels or {})
        self._entries = entries  # the stories' other versions; None: rich messages without "Read in ..." buttons
        self._timezone = timezone
        self._wake = wake
        self._clock = clock
        self._chunk_size = chunk_size
        self._max_chunk_size = max_chunk_size
        self._page_size = page_size
        # One hand-over at a time: two polls of one round (an article from two sources, a story's ru and kk pages)
        # each see what the other queued, so a reader gets one message per story, not one per poll.
        self._announcing = asyncio.Lock()

    def use_official_channels(self, channels: Mapping[str, int]) -> None:
        """The official channel of each language, by chat id (resolved from @usernames at start)."""
        self._official_channels = dict(channels)
        logger.info("delivery.official_channels", extra={"channels": dict(channels)})

    @property
    def official_channels(self) -> dict[str, int]:
        """The official channel of each language, by chat id."""
        return dict(self._official_channels)

    def zone_of(self, listener: Subscriber) -> str:
        """The zone the subscriber's chat lives in."""
        return chat_zone(listener.chat_timezone, listener.chat_language, self._timezone)

    async def announce(self, entries: Sequence[StoredEntry]) -> int:
        """Queue every new entry for every subscriber who wants it (idempotent); returns the new outbox rows.

        Instant subscribers get one rendered message per entry, language and local day, shared by all of them;
        digest subscribers get the entry into their next digest. Oldest entries are queued first. A story a
        reader already has is not sent again: a version in a language they prefer edits their message in place.
        During a reader's quiet hours the row waits for their morning. The database selects the subscribers
        chunk by chunk and writes the rows of the plain ones itself; the sender is woken after the first chunk,
        so the first pushes go out while the rest is still being queued.
        """
        queued = digest = 0
        async with self._announcing:
            for stored in sorted(entries, key=lambda s: (s.published, s.id)):
                rows, items = await self._announce(stored)
                queued, digest = queued + rows, digest + items
        if entries:
            logger.info("delivery.announced", extra={"entries": len(entries), "rows": queued, "digest_items": digest})
        return queued

    async def _announce(self, stored: StoredEntry) -> tuple[int, int]:
        versions = await self._entries.story_versions(stored.story) if self._entries and stored.is_alliance else {}
        messages = _EntryMessages(self._outbox, stored, versions)
        snapshot = dump_entry(stored)
        copies = _Copies(
            await self._outbox.story_copies(stored.story), await self._subscriptions.digest_copies(stored.story)
        )
        having = sorted(set(copies.outbox) | set(copies.digests))
        queued = digest = 0
        # Closed on the way out, error or not: on PostgreSQL the walk holds a connection of its own.
        chunks = self._subscriptions.audience(
            audience_of(stored), chunk_size=self._chunk_size, max_chunk_size=self._max_chunk_size
        )
        async with aclosing(chunks):
            async for whole in chunks:
                for chunk in self._with_skips(whole, having):
                    rows = await self._plain(chunk, stored, messages)
                    digest += await self._subscriptions.queue_digest(chunk, stored.id, snapshot)
                    more, items = await self._others(chunk, stored, messages, copies, snapshot)
                    digest += items
                    queued += rows + more
                    if rows + more:
                        self._wake_sender()
        if stored.is_alliance:
            for language, channel in self._official_channels.items():
                rows = await self._to_channel(language, channel, stored, messages, copies.outbox.get(channel))
                queued += rows
                if rows:
                    self._wake_sender()
        if copies.decisions:
            logger.info(
                "delivery.story_versions",
                extra={"entry": stored.id, "story": stored.story, "language": stored.entry.language}
                | dict(copies.decisions),
            )
        return queued, digest

    def _with_skips(self, whole: AudienceChunk, having: Sequence[int]) -> Iterator[AudienceChunk]:
        """The chunk with the chats of it that have the story (`having`, sorted) as its `skip`, cut into ranges of
        at most `page_size` of them: a later version of a story that a million readers have is sent as pieces, each
        skipping a list of bounded length."""
        low = bisect.bisect_left(having, whole.first)
        high = len(having) if whole.end is None else bisect.bisect_left(having, whole.end)
        first = whole.first
        while high - low > self._page_size:
            cut = having[low + self._page_size]
            yield replace(whole, first=first, end=cut, skip=tuple(having[low : low + self._page_size]))
            first, low = cut, low + self._page_size
        yield replace(whole, first=first, skip=tuple(having[low:high]))

    async def correct(self, entries: Sequence[StoredEntry]) -> int:
        """Rewrite the official channels' posts of alliance entries whose content changed at the source (the same
        key, another text: a correction); returns the edits queued.

        A channel whose post carries this entry (its latest copy of the story is this entry's message) gets one
        edit per new text: the same correction polled again queues nothing. A channel showing another version of
        the story keeps it; readers keep the message they got (a correction is not news to push again).
        """
        queued = 0
        async with self._announcing:
            for stored in entries:
                if stored.is_alliance and self._official_channels:
                    queued += await self._correct(stored)
        return queued

    async def _correct(self, stored: StoredEntry) -> int:
        versions = await self._entries.story_versions(stored.story) if self._entries else {}
        messages = _EntryMessages(self._outbox, stored, versions, revision=_revision(stored))
        copies = await self._outbox.story_copies(stored.story)
        queued = 0
        for language, channel in self._official_channels.items():
            had = copies.get(channel)
            if had is None or not (had.key or "").startswith(f"entry:{stored.id}:"):
                reason = "not posted" if had is None else f"shows the {had.language} version"
                logger.info(
                    "delivery.channel_correction_skip", extra={"channel": channel, "entry": stored.id, "reason": reason}
                )
                continue
            zone_name = self._timezone
            rendering = _Rendering(
                language, local_day(stored.published, zone_name), zone_name, stored.entry.language != language
            )
            if had.key == messages.key(rendering):
                continue  # the channel has (or is about to get) this very text
            replaces: int | None = had.delivery_id
            if had.queued and had.delivery_id in await self._outbox.supersede([had.delivery_id], "corrected"):
                replaces = had.replaces_id  # not sent yet: the corrected text goes in its place
            rows = await self._outbox.add_deliveries(
                await messages.id(rendering), [Recipient(channel, replaces_id=replaces)]
            )
            if rows:
                logger.info(
                    "delivery.channel",
                    extra={"channel": channel, "entry": stored.id, "language": language, "as": "correction"},
                )
                self._wake_sender()
            queued += rows
        return queued

    async def _to_channel(
        self, language: str, channel: int, stored: StoredEntry, messages: _EntryMessages, had: StoryCopy | None
    ) -> int:
        """An official channel gets each alliance story once, in its language: the version that exists first,
        saying so, then rewritten in place when the version in its language arrives (the rule of personal
        delivery for a reader of that one language)."""
        version = stored.entry.language
        if had is not None and (had.language == language or version != language):
            logger.info(
                "delivery.channel_skip",
                extra={"channel": channel, "entry": stored.id, "has": had.language, "version": version},
            )
            return 0
        if await self._outbox.queued_for(channel, messages.keys):
            return 0
        zone_name = self._timezone
        rendering = _Rendering(language, local_day(stored.published, zone_name), zone_name, version != language)
        recipient = Recipient(channel, replaces_id=had.delivery_id if had is not None else None)
        rows = await self._outbox.add_deliveries(await messages.id(rendering), [recipient])
        if rows:
            reason = "edit" if had is not None else ("fallback" if version != language else "own")
            logger.info(
                "delivery.channel", extra={"channel": channel, "entry": stored.id, "language": language, "as": reason}
            )
        return rows

    async def _plain(self, chunk: AudienceChunk, stored: StoredEntry, messages: _EntryMessages) -> int:
        """The chunk's plain instant subscribers, queued by the database (INSERT ... SELECT): readers of the entry's
        language and, for alliance news, those who get the version in another (the fallback), who were matched one
        by one in Python before (a Kazakh entry to a million Russian readers: 48.9 s, 27 s of it in this process)."""
        kinds = await self._subscriptions.instant_languages(chunk)
        if not kinds:
            return 0
        ids: dict[tuple[str, bool], int] = {}
        for language, fallback in kinds:
            zone_name = chat_zone(None, language, self._timezone)
            rendering = _Rendering(language, local_day(stored.published, zone_name), zone_name, fallback)
            ids[(language, fallback)] = await messages.id(rendering)
        # Chunks are disjoint and this path is the first to queue a chunk's chats: a message stored by this very
        # announcement has no row for them yet.
        new = all(message_id in messages.new for message_id in ids.values())
        return await self._outbox.add_deliveries_from(
            self._subscriptions.instant_recipients(chunk, ids), new_messages=new
        )

    async def _others(
        self,
        chunk: AudienceChunk,
        stored: StoredEntry,
        messages: _EntryMessages,
        copies: _Copies,
        snapshot: dict[str, Any],
    ) -> tuple[int, int]:
        """The chunk's other subscribers, read a page at a time and matched in Python (`_match`); returns the rows
        and the digest items queued."""
        queued = digest = 0
        text = functools.cache(functools.partial(entry_text, stored))  # made once, when first needed
        page = chunk
        while True:
            listeners = await self._subscriptions.other_candidates(page, limit=self._page_size)
            rows, items = await self._match(listeners, stored, messages, copies, snapshot, text)
            queued += rows
            digest += await self._subscriptions.add_digest_items(items) if items else 0
            if len(listeners) < self._page_size:
                return queued, digest
            page = replace(page, first=listeners[-1].subscription.chat_id + 1)

    async def _match(
        self,
        listeners: Sequence[Subscriber],
        stored: StoredEntry,
        messages: _EntryMessages,
        copies: _Copies,
        snapshot: dict[str, Any],
        text: Callable[[], str],
    ) -> tuple[int, list[DigestItem]]:
        """Subscribers matched one by one: keyword filters, the version they get of the story, quiet hours and
        their own time zone.

        One message per story: a reader who has a version gets a better one as an edit of their message; when that
        message has not gone out yet, the better version takes its place instead (also for the morning after quiet
        hours). A digest reader's waiting items show one version per story (the best); a story already in a sent
        digest is not sent again (a digest cannot be edited)."""
        now = self._clock()
        groups: dict[_Rendering, list[Recipient]] = defaultdict(list)
        replacing: dict[_Rendering, list[tuple[Recipient, StoryCopy]]] = defaultdict(list)
        items: list[DigestItem] = []
        for listener in listeners:
            subscription = listener.subscription
            if not wants_topic(subscription, stored, text()):
                continue
            had = copies.outbox.get(subscription.chat_id)
            digested = copies.digests.get(subscription.chat_id)
            if digested is not None and digested.sent:
                copies.decide("in_sent_digest")
                continue
            if subscription.mode != "instant":
                # Waiting items are rendered one per story, the best version, so every wanted version may wait.
                version = choose_version(subscription, listener.chat_language, stored, had.language if had else None)
                if version is None:
                    copies.decide("not_preferred" if had else "not_wanted")
                    continue
                items.append(DigestItem(subscription.chat_id, stored.id, snapshot))
                continue
            had_language = had.language if had else digested.language if digested else None
            version = choose_version(subscription, listener.chat_language, stored, had_language)
            if version is None:
                copies.decide("not_preferred" if had_language else "not_wanted")
                continue
            if version.edit and had is None:
                copies.decide("in_digest")  # it switched from a digest, which holds the story
                continue
            zone_name = self.zone_of(listener)
            quiet = subscription.quiet_hours
            rendering = _Rendering(
                listener.chat_language, local_day(stored.published, zone_name), zone_name, version.fallback
            )
            held = quiet_until(now, zone_name, *quiet) if quiet else None
            recipient = Recipient(subscription.chat_id, subscription.message_thread_id, not_before=held)
            if version.edit and had is not None and had.queued:
                replacing[rendering].append((recipient, had))
            elif version.edit and had is not None:
                # An edit is silent (Telegram does not notify it): it need not wait for the morning.
                groups[rendering].append(replace(recipient, not_before=None, replaces_id=had.delivery_id))
                copies.decide("edit")
            else:
                groups[rendering].append(recipient)
        for rendering, pairs in replacing.items():
            taken = await self._outbox.supersede(
                [had.delivery_id for _, had in pairs], f"superseded by entry {stored.id} ({stored.entry.language})"
            )
            for recipient, had in pairs:
                if had.delivery_id in taken and had.replaces_id is not None:
                    # The copy taken back was itself an edit of a sent message: this version edits that message.
                    groups[rendering].append(replace(recipient, not_before=None, replaces_id=had.replaces_id))
                    copies.decide("superseded")
                elif had.delivery_id in taken:
                    groups[rendering].append(recipient)
                    copies.decide("superseded")
                else:  # the sender claimed it meanwhile: it goes out, and this version edits it
                    groups[rendering].append(replace(recipient, not_before=None, replaces_id=had.delivery_id))
                    copies.decide("edit")
        queued = 0
        for rendering, recipients in groups.items():
            queued += await self._outbox.add_deliveries(await messages.id(rendering), recipients)
        return queued, items

    def _wake_sender(self) -> None:
        if self._wake is not None:
            self._wake()

    async def send_due_digests(self, now: datetime) -> int:
        """Queue the digests due in the quarter hour ending at `now`: each subscriber's at their local hour (daily,
        and weekly on their Monday); returns the messages queued."""
        from bot.rendering.entry import render_digest

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
            await self._subscriptions.mark_digest_sent(subscription.chat_id, [item.entry_id for item in items])
        if queued:
            logger.info("delivery.digests", extra={"messages": queued})
            self._wake_sender()
        return queued
