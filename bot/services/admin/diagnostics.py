"""/why: what became of one entry (fetched, classified, moderated, queued, sent) and, for one subscriber, why they
did or did not get it. The "why not" reasons come from the same matching rules fan-out applies."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.i18n import Localizer
from bot.services.delivery.channels import ChannelPosts
from bot.services.delivery.matching import choose_version, entry_text, wants_topic
from domain.entries import StoredEntry
from domain.localtime import format_moment
from storage.chats import ChatRepository
from storage.diagnostics import ChannelStep, DiagnosticsRepository, EntryTrail
from storage.entries import EntryRepository
from storage.outbox import PENDING, Outbox
from storage.subscriptions import SubscriptionRepository

MAX_ERROR = 200  # characters of one error text shown
MAX_TITLE = 200
# How delivery statuses are counted for the admin: cancelled rows are those of chats that left (/stop).
_BUCKETS = {"sent": "sent", "failed": "failed", "blocked": "blocked", "cancelled": "left"}


@dataclass(frozen=True, slots=True)
class EntryReport:
    """One entry and its trail through moderation, the outbox and the digest queue."""

    entry: StoredEntry
    trail: EntryTrail

    def count(self, bucket: str) -> int:
        """Deliveries in one of sent, failed, blocked, left, pending."""
        statuses = self.trail.statuses
        if bucket == "pending":
            return sum(statuses.get(status, 0) for status in PENDING)
        return sum(count for status, count in statuses.items() if _BUCKETS.get(status) == bucket)


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether one subscriber got the entry: a reason key (admin-why-user-<reason>) and its arguments."""

    reason: str
    when: datetime | None = None
    args: dict[str, str] = field(default_factory=dict)


class DeliveryDiagnostics:
    """Answers /why from stored state only; it sends nothing and changes nothing."""

    def __init__(
        self,
        repository: DiagnosticsRepository,
        entries: EntryRepository,
        chats: ChatRepository,
        subscriptions: SubscriptionRepository,
        outbox: Outbox,
        *,
        channels: ChannelPosts | None = None,
    ) -> None:
        self._repository = repository
        self._entries = entries
        self._chats = chats
        self._subscriptions = subscriptions
        self._outbox = outbox
        self._channels = channels

    async def by_url(self, url: str) -> EntryReport | None:
        """The newest entry with this link, or None when no entry has it."""
        for entry_id in await self._repository.entry_ids_for_url(url.strip()):
            report = await self.by_id(entry_id)
            if report is not None:
                return report
        return None

    async def by_id(self, entry_id: int) -> EntryReport | None:
        stored = await self._entries.get(entry_id)
        if stored is None:
            return None
        return EntryReport(stored, await self._repository.trail(entry_id))

    async def versions(self, report: EntryReport) -> list[EntryReport]:
        """Every version of the entry's story (other languages, sources, guids), first seen first; the entry alone
        when it is a story of one."""
        found = [await self.by_id(entry_id) for entry_id in await self._repository.story_entry_ids(report.entry.story)]
        return [version for version in found if version is not None] or [report]

    async def channel_steps(self, report: EntryReport) -> list[tuple[str, ChannelStep]]:
        """The story's post in each official channel and every edit of it (a better version, a correction), each
        with the channel as configured."""
        labels = self._channels.labels() if self._channels is not None else {}
        steps = await self._repository.channel_steps(report.entry.story, sorted(labels))
        return [(labels[step.chat_id], step) for step in steps]

    async def verdict(self, report: EntryReport, chat_id: int) -> Verdict:
        """Whether the chat got the entry and when; if not, the first reason that explains it."""
        stored = report.entry
        row = await self._repository.delivery(stored.id, chat_id)
        if row is not None:
            if row.status == "sent":
                return Verdict("sent", row.sent_at)
            if row.status in PENDING:
                # A row that waits past its creation without a try waits for the chat's quiet hours to end.
                waiting = row.attempts == 0 and row.next_attempt_at > row.created_at
                return Verdict("quiet" if waiting else "pending", row.next_attempt_at)
            if row.status == "cancelled":
                return Verdict("left", args={"error": (row.error or "")[:MAX_ERROR]})
            if row.status == "superseded":
                # A better version took the place of this one before it went out: the chat gets that instead.
                now = (await self._outbox.story_copies(stored.story)).get(chat_id)
                return Verdict("superseded", args={"language": now.language if now else "—"})
            return Verdict(row.status, row.next_attempt_at, {"error": (row.error or "—")[:MAX_ERROR]})
        in_digest, digest_sent = await self._repository.in_digest(stored.id, chat_id)
        if in_digest:
            return Verdict("digest-sent", digest_sent) if digest_sent else Verdict("digest")
        moderation = report.trail.moderation
        if moderation is not None and moderation.status != "approved":
            return Verdict("held" if moderation.status == "held" else "skipped")
        chat = await self._chats.get(chat_id)
        subscription = await self._subscriptions.get(chat_id)
        if chat is None or subscription is None:
            return Verdict("not-subscribed")
        if not chat.active:
            return Verdict("inactive")
        if subscription.paused:
            return Verdict("paused")
        text = entry_text(stored)
        # The same rule fan-out applies, asked once without the word filters to tell the scope from the words.
        if not wants_topic(dataclasses.replace(subscription, include_words=(), exclude_words=()), stored, text):
            return Verdict("scope")
        if not wants_topic(subscription, stored, text):
            return Verdict(
                "keywords",
                args={
                    "include": " ".join(subscription.include_words) or "—",
                    "exclude": " ".join(subscription.exclude_words) or "—",
                },
            )
        had = (await self._outbox.story_copies(stored.story)).get(chat_id)
        digested = (await self._subscriptions.digest_copies(stored.story)).get(chat_id)
        if digested is not None and digested.sent:
            return Verdict("had-digest", args={"language": digested.language})
        had_language = had.language if had else digested.language if digested else None
        if choose_version(subscription, chat.language, stored, had_language) is None:
            if had is not None and had.waiting:
                return Verdict("had-waiting", had.due, {"language": had.language})
            if had_language is not None:
                return Verdict("had", args={"language": had_language})
            return Verdict(
                "language", args={"languages": ", ".join(subscription.languages), "language": stored.entry.language}
            )
        queued = report.trail.queued_at
        if queued is not None and subscription.created_at > queued:
            return Verdict("later", subscription.created_at)
        if report.trail.announced_at is None:
            return Verdict("unannounced")
        return Verdict("unexplained")


def _moment(moment: datetime | None, l10n: Localizer, zone_name: str) -> str:
    return format_moment(moment, l10n.language, zone_name) if moment is not None else "—"


def report_text(report: EntryReport, l10n: Localizer, zone_name: str) -> str:
    """The whole story of one entry, in the admin's language and zone."""
    stored, trail = report.entry, report.trail
    lines = [
        l10n("admin-why-title", title=stored.entry.title[:MAX_TITLE]),
        l10n("admin-why-fetched", when=_moment(stored.first_seen_at, l10n, zone_name), source=stored.source_title),
        l10n("admin-why-alliance", reason=stored.alliance_reason or "—")
        if stored.is_alliance
        else l10n("admin-why-other"),
    ]
    story = trail.story
    if story is not None and story.merged_into is not None:
        lines.append(l10n("admin-why-story-merged", story=str(story.merged_into), reason=story.reason or "url"))
    elif story is not None and story.like is not None:
        lines.append(l10n("admin-why-story-similar", story=str(story.like), likeness=story.likeness or "text"))
    moderation = trail.moderation
    if moderation is None:
        lines.append(l10n("admin-why-mod-none"))
    else:
        lines.append(
            l10n(
                f"admin-why-mod-{moderation.status}",
                held=_moment(moderation.held_at, l10n, zone_name),
                when=_moment(moderation.decided_at, l10n, zone_name),
            )
        )
    if trail.queued_at is None:
        lines.append(l10n("admin-why-not-queued"))
    else:
        lines.append(
            l10n(
                "admin-why-queued",
                when=_moment(trail.queued_at, l10n, zone_name),
                recipients=trail.recipients,
                versions=trail.messages,
            )
        )
        lines.append(
            l10n(
                "admin-why-counts",
                sent=report.count("sent"),
                failed=report.count("failed"),
                blocked=report.count("blocked"),
                left=report.count("left"),
                pending=report.count("pending"),
            )
        )
    if trail.digest_waiting:
        lines.append(l10n("admin-why-digest", count=trail.digest_waiting))
    if trail.errors:
        lines.append(l10n("admin-why-errors"))
        lines.extend(l10n("admin-why-error", count=count, error=error[:MAX_ERROR]) for error, count in trail.errors)
    return "\n".join(lines)


def story_text(
    versions: list[EntryReport],
    l10n: Localizer,
    zone_name: str,
    channels: Sequence[tuple[str, ChannelStep]] = (),
) -> str:
    """Every version of a story, each with its own trail (a story of one version reads as that version alone),
    then its official channel posts and their edits."""
    if len(versions) == 1:
        parts = [report_text(versions[0], l10n, zone_name)]
    else:
        languages = ", ".join(version.entry.entry.language for version in versions)
        parts = [l10n("admin-why-story", count=len(versions), languages=languages)]
        for version in versions:
            heading = l10n("admin-why-version", language=version.entry.entry.language, id=version.entry.id)
            parts.append(heading + "\n" + report_text(version, l10n, zone_name))
    if channels:
        parts.append("\n".join([l10n("admin-why-channels"), *(_channel_line(*c, l10n, zone_name) for c in channels)]))
    return "\n\n".join(parts)


def _channel_line(label: str, step: ChannelStep, l10n: Localizer, zone_name: str) -> str:
    when = _moment(step.sent_at if step.sent_at is not None else step.due, l10n, zone_name)
    line = l10n(f"admin-why-channel-{step.action}", channel=label, when=when, version=step.version)
    if step.status in PENDING:
        line += " " + l10n("admin-why-channel-pending")
    elif step.status != "sent":
        line += " " + l10n("admin-why-channel-failed", error=(step.error or step.status)[:MAX_ERROR])
    return line


def verdict_text(verdict: Verdict, chat_id: int, l10n: Localizer, zone_name: str) -> str:
    """One line: whether the chat got the entry, and if not why."""
    return l10n(
        f"admin-why-user-{verdict.reason}",
        user=str(chat_id),
        when=_moment(verdict.when, l10n, zone_name),
        **verdict.args,
    )
