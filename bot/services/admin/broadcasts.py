"""Broadcasts: an admin's message copied (copyMessage) to an audience through the outbox, now or at a time.

A scheduled broadcast is a database row with a due time; the leader's job starts it, and the conditional
status change (scheduled -> sending) makes sure two replicas never start it twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.services.admin.record import OfficialRecord
from domain.audit import Actor, AuditTrail, record
from domain.broadcasts import Audience
from domain.clock import Clock, utcnow
from storage.broadcasts import Broadcast, BroadcastRepository
from storage.outbox import MessageCounters, Outbox

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a running broadcast stands, for the live report."""

    broadcast: Broadcast
    counters: MessageCounters
    rate: float  # sent per second since the start
    eta_seconds: int | None  # None while nothing is sent yet

    @property
    def done(self) -> bool:
        return self.counters.done

    @property
    def final(self) -> bool:
        """The broadcast is over (done or cancelled): its report has no Cancel button and is not edited again."""
        return self.broadcast.status not in ("sending", "scheduled")


class Approval(StrEnum):
    """What became of an admin's approval of a pending broadcast."""

    SENT = "sent"
    OWN = "own"  # the drafter cannot approve their own broadcast
    EXPIRED = "expired"  # nobody approved it within BROADCAST_APPROVAL_HOURS
    GONE = "gone"  # approved, rejected or cancelled already


@dataclass(frozen=True, slots=True)
class ApprovalPolicy:
    """BROADCAST_APPROVALS and BROADCAST_APPROVAL_HOURS: with 2, a broadcast to everyone needs a second admin."""

    approvals: int = 1
    hours: float = 24.0

    def needs_second_admin(self, audience: str | None) -> bool:
        return self.approvals >= 2 and audience == Audience.ALL.value

    def expires_at(self, broadcast: Broadcast) -> datetime | None:
        if broadcast.requested_at is None:
            return None
        return broadcast.requested_at + timedelta(hours=self.hours)


class BroadcastService:
    """Drafts, audiences, scheduling, start, cancel and progress of broadcasts."""

    def __init__(
        self,
        broadcasts: BroadcastRepository,
        outbox: Outbox,
        *,
        wake: Callable[[], None] | None = None,
        forget: Callable[[int], None] | None = None,
        record: OfficialRecord | None = None,
        audit: AuditTrail | None = None,
        policy: ApprovalPolicy | None = None,
        clock: Clock = utcnow,
    ) -> None:
        self._broadcasts = broadcasts
        self._outbox = outbox
        self._wake = wake
        self._forget = forget  # tells this process's sender to drop claimed rows of a cancelled message
        self._record = record
        self._audit = audit
        self.policy = policy or ApprovalPolicy()
        self._clock = clock
        self._watchers: list[Callable[[], None]] = []

    def watch(self, callback: Callable[[], None]) -> None:
        """Call `callback` when the leader's broadcast job has work: a broadcast scheduled, started, cancelled or
        found expired in this process, or rows queued by any process (the outbox's watchers)."""
        self._watchers.append(callback)
        self._outbox.watch(callback)

    def _changed(self) -> None:
        for callback in self._watchers:
            callback()

    async def draft(
        self,
        admin_id: int,
        source: tuple[int, int],
        language: str,
        text: str | None = None,
        *,
        actor: Actor,
        content: str = "text",
    ) -> Broadcast:
        """Store the admin's message (and its HTML text, for the record) as a draft broadcast, audited; `admin_id`
        is the chat its report goes to, `content` the kind of message (text, photo, ...)."""
        draft = await self._broadcasts.create(created_by=admin_id, source=source, language=language, text=text)
        await self._audit_step(actor, "broadcast.draft", broadcast=draft.id, content=content)
        return draft

    def needs_approval(self, broadcast: Broadcast) -> bool:
        """True when this broadcast may go only with a second admin's approval."""
        return self.policy.needs_second_admin(broadcast.audience)

    async def request_approval(self, broadcast_id: int, actor: Actor) -> Broadcast | None:
        """The drafter asks the other admins to approve; None when it is no longer a draft with an audience."""
        broadcast = await self._broadcasts.get(broadcast_id)
        if broadcast is None or broadcast.audience is None:
            return None
        if not await self._broadcasts.request_approval(broadcast_id, self._clock()):
            return None
        await self._audit_step(actor, "broadcast.approval_requested", broadcast=broadcast_id)
        return await self._broadcasts.get(broadcast_id)

    async def approve(self, broadcast_id: int, actor: Actor) -> tuple[Approval, Broadcast | None]:
        """A second admin's approval: the broadcast goes now. Refused to its drafter, after the expiry, or when it
        was decided already; every outcome is audited."""
        broadcast = await self._broadcasts.get(broadcast_id)
        now = self._clock()
        outcome = Approval.GONE
        if broadcast is not None and broadcast.status == "expired":
            outcome = Approval.EXPIRED
        elif broadcast is None or broadcast.status != "pending":
            outcome = Approval.GONE
        elif actor.user_id == broadcast.created_by:
            outcome = Approval.OWN
        elif (expiry := self.policy.expires_at(broadcast)) is not None and now >= expiry:
            outcome = Approval.EXPIRED  # the leader's job marks it expired and tells the drafter
            self._changed()
        elif actor.user_id is not None and await self._broadcasts.claim_approved(broadcast_id, actor.user_id, now):
            outcome = Approval.SENT
        await self._audit_step(actor, f"broadcast.approve.{outcome.value}", broadcast=broadcast_id)
        if outcome is not Approval.SENT:
            return outcome, broadcast
        return outcome, await self.enqueue(broadcast_id)

    async def expire_overdue(self) -> list[Broadcast]:
        """Pending broadcasts nobody approved within BROADCAST_APPROVAL_HOURS become expired (the leader's job);
        returns them, each audited."""
        now = self._clock()
        expired = []
        for pending in await self._broadcasts.with_status("pending"):
            expiry = self.policy.expires_at(pending)
            if expiry is not None and now >= expiry and await self._broadcasts.expire(pending.id, now):
                logger.info("broadcast.expired", extra={"broadcast": pending.id})
                if self._audit is not None:
                    await self._audit.record("broadcast.expired", broadcast=pending.id)
                expired.append(pending)
        return expired

    async def reject(self, broadcast_id: int, actor: Actor) -> bool:
        """Another admin rejects a pending broadcast; False when it was decided already."""
        rejected = await self._broadcasts.reject(broadcast_id, self._clock())
        await self._audit_step(
            actor, "broadcast.reject" if rejected else "broadcast.reject.gone", broadcast=broadcast_id
        )
        return rejected

    async def _audit_step(self, actor: Actor, action: str, **details: object) -> None:
        if self._audit is not None:
            await record(self._audit, actor, action, **details)

    async def get(self, broadcast_id: int) -> Broadcast | None:
        """The broadcast, or None."""
        return await self._broadcasts.get(broadcast_id)

    async def choose_audience(self, broadcast_id: int, audience: str, *, actor: Actor) -> int | None:
        """Set the audience of a draft, audited; returns the number of recipients, None when it is no longer a
        draft."""
        count = len(await self._broadcasts.recipients(audience))
        if not await self._broadcasts.set_audience(broadcast_id, audience, count):
            return None
        await self._audit_step(actor, "broadcast.audience", broadcast=broadcast_id, audience=audience)
        return count

    async def schedule(self, broadcast_id: int, due_at: datetime, *, actor: Actor) -> bool:
        """Send the draft at `due_at` (UTC), approved by the admin who scheduled it, audited; False when it is no
        longer a draft, or when it needs a second admin's approval (which sends it)."""
        broadcast = await self._broadcasts.get(broadcast_id)
        if broadcast is None or self.needs_approval(broadcast):
            return False
        if not await self._broadcasts.schedule(broadcast_id, due_at):
            return False
        if actor.user_id is not None:
            await self._broadcasts.approve_schedule(broadcast_id, actor.user_id)
        await self._audit_step(actor, "broadcast.schedule", broadcast=broadcast_id, due_at=due_at.isoformat())
        self._changed()
        return True

    async def start(self, broadcast_id: int, actor: Actor | None = None) -> Broadcast | None:
        """Start sending a draft (an admin's "Send now", audited) or a due scheduled broadcast (the leader's job:
        no actor, its scheduling was audited); None when someone else started or cancelled it, or when it needs a
        second admin's approval (`approve` sends it then)."""
        broadcast = await self._broadcasts.get(broadcast_id)
        if broadcast is None or (broadcast.status == "draft" and self.needs_approval(broadcast)):
            return None
        if not await self._broadcasts.claim_start(broadcast_id, actor.user_id if actor else None):
            return None
        started = await self.enqueue(broadcast_id)
        if actor is not None and started is not None:
            await self._audit_step(actor, "broadcast.send", broadcast=broadcast_id, recipients=started.recipients)
        return started

    async def enqueue(self, broadcast_id: int) -> Broadcast | None:
        """Put a sending broadcast into the outbox (idempotent: a repeat after a crash adds nothing)."""
        broadcast = await self._broadcasts.get(broadcast_id)
        if broadcast is None or broadcast.status != "sending" or broadcast.audience is None:
            return broadcast
        message_id = await self._outbox.add_message(
            "broadcast",
            dedup_key=f"broadcast:{broadcast.id}",
            copy_from=(broadcast.source_chat_id, broadcast.source_message_id),
            created_by=broadcast.created_by,
        )
        recipients = await self._broadcasts.recipients(broadcast.audience)
        await self._outbox.add_deliveries(message_id, recipients)
        await self._broadcasts.set_outbox(broadcast.id, message_id, len(recipients))
        logger.info("broadcast.start", extra={"broadcast": broadcast.id, "recipients": len(recipients)})
        if self._record is not None:
            await self._record.record_broadcast(broadcast)
        if self._wake is not None:
            self._wake()
        self._changed()
        return await self._broadcasts.get(broadcast_id)

    async def cancel(self, broadcast_id: int, *, actor: Actor) -> Broadcast | None:
        """Cancel a draft, a scheduled or a running broadcast (queued rows are not sent), audited with the status it
        had; None when it had ended."""
        before = await self._broadcasts.get(broadcast_id)
        if before is None or not await self._broadcasts.cancel(broadcast_id):
            return None
        await self._audit_step(actor, "broadcast.cancel", broadcast=broadcast_id, was=before.status)
        broadcast = await self._broadcasts.get(broadcast_id)
        if broadcast is not None and broadcast.outbox_message_id is not None:
            if self._forget is not None:
                self._forget(broadcast.outbox_message_id)
            dropped = await self._outbox.cancel_message(broadcast.outbox_message_id)
            logger.info("broadcast.cancelled", extra={"broadcast": broadcast_id, "rows": dropped})
        self._changed()
        return broadcast

    async def set_report(self, broadcast_id: int, chat_id: int, message_id: int) -> None:
        """Remember where the live report is."""
        await self._broadcasts.set_report(broadcast_id, chat_id, message_id)

    async def progress(self, broadcast: Broadcast, now: datetime) -> Progress:
        """Counters, rate and ETA of a broadcast."""
        if broadcast.outbox_message_id is None:
            counters = MessageCounters(0, queued=broadcast.recipients, sent=0, failed=0, blocked=0, cancelled=0)
        else:
            counters = await self._outbox.counters(broadcast.outbox_message_id)
        elapsed = (now - broadcast.started_at).total_seconds() if broadcast.started_at else 0.0
        handled = counters.sent + counters.failed + counters.blocked
        rate = handled / elapsed if elapsed > 0 else 0.0
        eta = round(counters.queued / rate) if rate > 0 else None
        return Progress(broadcast, counters, rate, eta)

    async def due(self, now: datetime) -> list[Broadcast]:
        """Scheduled broadcasts whose time has come."""
        return await self._broadcasts.due(now)

    async def next_due(self) -> datetime | None:
        """When the earliest scheduled broadcast falls due (None when none is scheduled)."""
        return await self._broadcasts.next_due()

    async def running(self) -> list[Broadcast]:
        """Broadcasts being sent now."""
        return await self._broadcasts.with_status("sending")

    async def report_progress(self, broadcast: Broadcast) -> Progress:
        """Where a broadcast stands, for its report; a sending one whose rows are all handled is marked done first,
        so its report is final (no Cancel button) as soon as the last send is done, not one report tick later."""
        progress = await self.progress(broadcast, self._clock())
        if broadcast.status != "sending" or not progress.done:
            return progress
        if await self._broadcasts.finish(broadcast.id):
            logger.info("broadcast.done", extra={"broadcast": broadcast.id, "sent": progress.counters.sent})
        current = await self._broadcasts.get(broadcast.id)  # done now, or cancelled meanwhile
        return progress if current is None else await self.progress(current, self._clock())

    async def recipients_count(self, audience: str) -> int:
        """How many chats the audience reaches now."""
        return len(await self._broadcasts.recipients(audience))
