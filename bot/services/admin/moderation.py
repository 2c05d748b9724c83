"""Moderation: with MODERATION on, alliance entries wait for an admin (approve, edit title, skip); each decision is
audited here."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable, Sequence

from bot.services.admin.record import OfficialRecord
from bot.services.delivery import Delivery
from domain.audit import Actor, AuditTrail, record
from domain.clock import Clock, utcnow
from domain.entries import StoredEntry
from storage.entries import EntryRepository
from storage.moderation import HeldEntryRepository

logger = logging.getLogger(__name__)
OnHeld = Callable[[StoredEntry], Awaitable[None]]


async def _nobody(_entry: StoredEntry) -> None:
    return None


class ModerationQueue:
    """Stands between ingestion and delivery: `announce` is what the poller calls."""

    def __init__(
        self,
        held: HeldEntryRepository,
        entries: EntryRepository,
        delivery: Delivery,
        audit: AuditTrail,
        *,
        enabled: bool,
        on_held: OnHeld = _nobody,
        record: OfficialRecord | None = None,
        clock: Clock = utcnow,
    ) -> None:
        self._held = held
        self._entries = entries
        self._delivery = delivery
        self._audit = audit
        self.enabled = enabled
        self.on_held = on_held
        self._record = record
        self._clock = clock

    async def announce(self, entries: Sequence[StoredEntry]) -> int:
        """Deliver what needs no approval; hold alliance entries (when moderation is on) and tell the admins."""
        if not self.enabled:
            queued = await self._delivery.announce(entries)
            if self._record is not None:
                await self._record.record_announcements(entries)
            return queued
        held = [entry for entry in entries if entry.is_alliance]
        queued = await self._delivery.announce([entry for entry in entries if not entry.is_alliance])
        for entry in held:
            if await self._held.hold(entry.id):
                logger.info("moderation.held", extra={"entry": entry.id})
                await self.on_held(entry)
        return queued

    async def correct(self, entries: Sequence[StoredEntry]) -> int:
        """Entries whose content changed at the source: those published (never held, or approved, with the admin's
        title kept) rewrite their official channel posts and join the record; a held or skipped one waits for its
        decision, which reads the stored, corrected entry. Returns the edits queued."""
        published: list[StoredEntry] = []
        for stored in entries:
            if not stored.is_alliance:
                continue
            held = await self._held.get(stored.id)
            if held is not None and held.status != "approved":
                logger.info("moderation.correction_waits", extra={"entry": stored.id, "status": held.status})
                continue
            if held is not None and held.title:
                published.append(dataclasses.replace(stored, entry=dataclasses.replace(stored.entry, title=held.title)))
            else:
                published.append(stored)
        if not published:
            return 0
        queued = await self._delivery.correct(published)
        if self._record is not None:
            await self._record.record_announcements(published)
        return queued

    async def entry(self, entry_id: int) -> tuple[StoredEntry, str] | None:
        """A held entry with the admin's title applied, and its status; None when it was never held."""
        held = await self._held.get(entry_id)
        stored = await self._entries.get(entry_id)
        if held is None or stored is None:
            return None
        if held.title:
            stored = dataclasses.replace(stored, entry=dataclasses.replace(stored.entry, title=held.title))
        return stored, held.status

    async def approve(self, entry_id: int, actor: Actor) -> int | None:
        """Send a held entry to its subscribers; returns the rows queued, None when it was already decided."""
        found = await self.entry(entry_id)
        if found is None or not await self._held.decide(entry_id, "approved", actor.user_id):
            return None
        rows = await self._delivery.announce([found[0]])
        await record(self._audit, actor, "moderation.approve", entry=entry_id, rows=rows)
        if self._record is not None:
            await self._record.record_announcements([found[0]], approved=actor, approved_at=self._clock())
        return rows

    async def skip(self, entry_id: int, actor: Actor) -> bool:
        """Never send a held entry; False when it was already decided."""
        if not await self._held.decide(entry_id, "skipped", actor.user_id):
            return False
        await record(self._audit, actor, "moderation.skip", entry=entry_id)
        return True

    async def retitle(self, entry_id: int, title: str, actor: Actor) -> bool:
        """Give a held entry a new title; False when it is no longer held."""
        if not await self._held.set_title(entry_id, title.strip()):
            return False
        await record(self._audit, actor, "moderation.title", entry=entry_id, title=title.strip())
        return True
