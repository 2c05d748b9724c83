"""Read-only figures for /stats and the delivery watchdog."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

import sqlalchemy as sa

from domain.questions import MISSED_OUTCOMES
from storage.database import Database
from storage.outbox import PENDING
from storage.schema import chats, outbox_deliveries, qa_log, sources, subscriptions


@dataclass(frozen=True, slots=True)
class Figures:
    """Subscribers, chats and deliveries at one moment."""

    by_language: dict[str, int]
    by_scope: dict[str, int]
    by_mode: dict[str, int]
    active: int
    paused: int
    blocked: int
    chats_by_type: dict[str, int]
    sent_day: int
    sent_week: int
    failed_day: int
    failed_week: int
    queue: int


@dataclass(frozen=True, slots=True)
class History:
    """Day by day (local days of one time zone) over a window, for the /stats charts; every day is present."""

    days: list[date]
    subscribers_by_language: dict[str, list[int]]  # listening subscribers at the end of each day
    sent: list[int]
    failed: list[int]  # failed or blocked, by the day of the last attempt
    answered: list[int]  # questions answered (from the knowledge base, the news, a search)
    not_known: list[int]  # questions the bot could not answer or had to ask back about (the question log's misses)


@dataclass(frozen=True, slots=True)
class ChatDeliveries:
    """One chat's deliveries as a channel's health: the last post, failures over a week and the last error."""

    last_sent_at: datetime | None
    sent_week: int
    failed_week: int
    last_error: str | None


class StatsRepository:
    """Counts over chats, subscriptions and the outbox (bound parameters, grouped in the database)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def figures(self, now: datetime) -> Figures:
        """Everything /stats shows except source health."""
        listening = sa.and_(chats.c.active.is_(True), subscriptions.c.paused.is_(False))
        joined = subscriptions.join(chats, chats.c.id == subscriptions.c.chat_id)
        d = outbox_deliveries
        day, week = now - timedelta(days=1), now - timedelta(days=7)
        failed = d.c.status.in_(("failed", "blocked"))
        async with self._db.connect() as conn:

            async def grouped(column: sa.ColumnElement[str]) -> dict[str, int]:
                query = sa.select(column, sa.func.count()).select_from(joined).where(listening).group_by(column)
                return {str(key): int(count) for key, count in (await conn.execute(query)).all()}

            async def count(query: sa.Select[Any]) -> int:
                return int((await conn.execute(query)).scalar() or 0)

            n = sa.func.count()
            by_language = await grouped(chats.c.language)
            by_scope = await grouped(subscriptions.c.scope)
            by_mode = await grouped(subscriptions.c.mode)
            active = await count(sa.select(n).select_from(joined).where(listening))
            paused = await count(
                sa.select(n).select_from(joined).where(chats.c.active.is_(True), subscriptions.c.paused.is_(True))
            )
            blocked = await count(sa.select(n).select_from(joined).where(chats.c.active.is_(False)))
            types = (await conn.execute(sa.select(chats.c.type, n).group_by(chats.c.type))).all()
            sent_day = await count(sa.select(n).where(d.c.status == "sent", d.c.sent_at >= day))
            sent_week = await count(sa.select(n).where(d.c.status == "sent", d.c.sent_at >= week))
            # A row given up keeps the time of its last attempt in next_attempt_at.
            failed_day = await count(sa.select(n).where(failed, d.c.next_attempt_at >= day))
            failed_week = await count(sa.select(n).where(failed, d.c.next_attempt_at >= week))
            queue = await count(sa.select(n).where(d.c.status.in_(PENDING)))
        return Figures(
            by_language=by_language,
            by_scope=by_scope,
            by_mode=by_mode,
            active=active,
            paused=paused,
            blocked=blocked,
            chats_by_type={str(kind): int(c) for kind, c in types},
            sent_day=sent_day,
            sent_week=sent_week,
            failed_day=failed_day,
            failed_week=failed_week,
            queue=queue,
        )

    async def history(self, first_day: date, last_day: date, zone: tzinfo = UTC) -> History:
        """Subscribers by language (counted from when each current subscription began), deliveries and questions
        per day, the days being those of `zone` (the reader's calendar: a send at 02:00 in Almaty belongs to
        that Almaty day, not to the UTC day before).

        A subscription that ended is deleted with its row, so the subscriber line shows today's listeners by the
        day they subscribed: it never dips, it shows how the present audience grew.
        """
        days = [first_day + timedelta(days=n) for n in range((last_day - first_day).days + 1)]
        start = datetime(first_day.year, first_day.month, first_day.day, tzinfo=zone).astimezone(UTC)
        end = (datetime(last_day.year, last_day.month, last_day.day, tzinfo=zone) + timedelta(days=1)).astimezone(UTC)
        listening = sa.and_(chats.c.active.is_(True), subscriptions.c.paused.is_(False))
        joined = subscriptions.join(chats, chats.c.id == subscriptions.c.chat_id)
        d = outbox_deliveries
        failed = d.c.status.in_(("failed", "blocked"))
        n = sa.func.count()
        async with self._db.connect() as conn:
            before = await conn.execute(
                sa.select(chats.c.language, n)
                .select_from(joined)
                .where(listening, subscriptions.c.created_at < start)
                .group_by(chats.c.language)
            )
            joined_day = self._quarter(subscriptions.c.created_at)
            joined_rows = await conn.execute(
                sa.select(chats.c.language, joined_day, n)
                .select_from(joined)
                .where(listening, subscriptions.c.created_at >= start, subscriptions.c.created_at < end)
                .group_by(chats.c.language, joined_day)
            )
            sent_day = self._quarter(d.c.sent_at)
            sent_rows = await conn.execute(
                sa.select(sent_day, n)
                .where(d.c.status == "sent", d.c.sent_at >= start, d.c.sent_at < end)
                .group_by(sent_day)
            )
            failed_day = self._quarter(d.c.next_attempt_at)
            failed_rows = await conn.execute(
                sa.select(failed_day, n)
                .where(failed, d.c.next_attempt_at >= start, d.c.next_attempt_at < end)
                .group_by(failed_day)
            )
            asked_day, missed = self._quarter(qa_log.c.asked_at), qa_log.c.outcome.in_(MISSED_OUTCOMES)
            question_rows = await conn.execute(
                sa.select(asked_day, missed.label("missed"), n)
                .where(qa_log.c.asked_at >= start, qa_log.c.asked_at < end)
                .group_by(asked_day, missed)
            )
            totals: dict[str, int] = {str(language): int(count) for language, count in before.all()}
            new: dict[str, Counter[date]] = defaultdict(Counter)
            for language, slot, count in joined_rows.all():
                new[str(language)][_local_day(slot, zone)] += int(count)
            sent: Counter[date] = Counter()
            for slot, count in sent_rows.all():
                sent[_local_day(slot, zone)] += int(count)
            failures: Counter[date] = Counter()
            for slot, count in failed_rows.all():
                failures[_local_day(slot, zone)] += int(count)
            questions: Counter[tuple[date, bool]] = Counter()
            for slot, was_missed, count in question_rows.all():
                questions[_local_day(slot, zone), bool(was_missed)] += int(count)
        by_language: dict[str, list[int]] = {}
        for language in sorted(set(totals) | set(new)):
            running, line = totals.get(language, 0), []
            for day in days:
                running += new[language].get(day, 0)
                line.append(running)
            by_language[language] = line
        return History(
            days=days,
            subscribers_by_language=by_language,
            sent=[sent.get(day, 0) for day in days],
            failed=[failures.get(day, 0) for day in days],
            answered=[questions.get((day, False), 0) for day in days],
            not_known=[questions.get((day, True), 0) for day in days],
        )

    def _quarter(self, column: sa.ColumnElement[datetime]) -> sa.ColumnElement[Any]:
        """The quarter hour of a timestamp (its number since the epoch), grouped in the database.

        Every zone's offset is a whole number of quarters, so each quarter lies in one local day of any zone; the
        database groups by it (at most 96 groups a day) and Python puts the quarters into the zone's days.
        """
        if self._db.is_sqlite:
            seconds: sa.ColumnElement[Any] = sa.cast(sa.func.strftime(sa.literal_column("'%s'"), column), sa.Integer)
        else:
            seconds = sa.cast(sa.func.floor(sa.extract("epoch", column)), sa.BigInteger)
        # Integer division on both backends (the timestamps are after the epoch, so it rounds down); literals, not
        # bound parameters, so PostgreSQL sees the selected and the grouped expression as the same one.
        return seconds // sa.literal_column(str(QUARTER_SECONDS), sa.Integer)

    async def chat_deliveries(self, chat_id: int, now: datetime) -> ChatDeliveries:
        """The deliveries to one chat (an official channel): last post, sent and failed in 7 days, last error."""
        d = outbox_deliveries
        week = now - timedelta(days=7)
        failed = d.c.status.in_(("failed", "blocked"))
        async with self._db.connect() as conn:
            last_sent, sent_week = (
                await conn.execute(
                    sa.select(sa.func.max(d.c.sent_at), sa.func.count().filter(d.c.sent_at >= week)).where(
                        d.c.chat_id == chat_id, d.c.status == "sent"
                    )
                )
            ).one()
            failed_week = (
                await conn.execute(
                    sa.select(sa.func.count()).where(d.c.chat_id == chat_id, failed, d.c.next_attempt_at >= week)
                )
            ).scalar()
            last_error = (
                await conn.execute(
                    sa.select(d.c.error)
                    .where(d.c.chat_id == chat_id, d.c.error.is_not(None))
                    .order_by(d.c.id.desc())
                    .limit(1)
                )
            ).scalar()
        return ChatDeliveries(last_sent, int(sent_week or 0), int(failed_week or 0), last_error)

    async def last_post(self, chat_id: int) -> int | None:
        """The Telegram message id of the newest message the bot posted in a chat (an official channel)."""
        d = outbox_deliveries
        async with self._db.connect() as conn:
            found = (
                await conn.execute(
                    sa.select(d.c.telegram_message_id)
                    .where(d.c.chat_id == chat_id, d.c.status == "sent", d.c.telegram_message_id.is_not(None))
                    .order_by(d.c.sent_at.desc(), d.c.id.desc())
                    .limit(1)
                )
            ).scalar()
        return int(found) if found is not None else None

    async def delivery_health(self, since: datetime, now: datetime) -> tuple[int, datetime | None, int]:
        """Rows due before `since` still waiting, the last successful send, and failures since `since`."""
        d = outbox_deliveries
        async with self._db.connect() as conn:
            overdue = (
                await conn.execute(
                    sa.select(sa.func.count()).where(d.c.status.in_(PENDING), d.c.next_attempt_at <= since)
                )
            ).scalar()
            last_sent = (await conn.execute(sa.select(sa.func.max(d.c.sent_at)))).scalar()
            failures = (
                await conn.execute(
                    sa.select(sa.func.count()).where(
                        d.c.status == "failed", d.c.next_attempt_at >= since, d.c.next_attempt_at <= now
                    )
                )
            ).scalar()
        return int(overdue or 0), last_sent, int(failures or 0)

    async def oldest_overdue_source(self, now: datetime) -> datetime | None:
        """The earliest next check of an enabled source that is due and not being polled right now."""
        s = sources.c
        async with self._db.connect() as conn:
            oldest: datetime | None = (
                await conn.execute(
                    sa.select(sa.func.min(s.next_check_at)).where(
                        s.enabled.is_(True),
                        s.removed.is_(False),
                        s.next_check_at <= now,
                        sa.or_(s.polling_until.is_(None), s.polling_until < now),
                    )
                )
            ).scalar()
        return oldest


QUARTER_SECONDS = 900


def _local_day(slot: object, zone: tzinfo) -> date:
    """The day in `zone` of a quarter hour numbered since the epoch."""
    return datetime.fromtimestamp(int(str(slot)) * QUARTER_SECONDS, UTC).astimezone(zone).date()
