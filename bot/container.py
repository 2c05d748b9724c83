"""The composition root: `bootstrap(settings)` builds the whole object graph once, typed.

The bot, the CLI, the benchmarks and the tests all call it, so every command runs through the same services
(a `feeds poll` from the shell is moderated exactly like the running bot's poll). Tests change settings, not
wiring. Handlers and hooks receive the services by field name (aiogram's workflow data).
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, fields
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.admin.broadcasts import BroadcastService
from bot.admin.charts import StatsCharts
from bot.admin.diagnostics import DeliveryDiagnostics
from bot.admin.knowledge import KnowledgeBaseFiles
from bot.admin.moderation import ModerationQueue
from bot.admin.notices import HeldEntryNotices
from bot.admin.overview import StatsOverview
from bot.admin.sources import SourceAdmin
from bot.alerts import AdminAlerts
from bot.backups import Backups
from bot.config import Settings
from bot.delivery import Delivery, Sender, SubscriptionService
from bot.feeds.poller import FeedPoller, PollPolicy
from bot.feeds.sources import seed_default_sources
from bot.flood import FloodControl
from bot.health import HealthServer
from bot.inbox import Inbox
from bot.leadership import Leadership
from bot.qa import QuestionEngine, QuestionThrottle, create_question_engine
from bot.qa.feedback import QuestionLog, create_question_log
from bot.supervision import Supervisor, Watchdog
from storage import Database
from storage.audit import AuditLog
from storage.broadcasts import BroadcastRepository
from storage.chats import ChatRepository
from storage.diagnostics import DiagnosticsRepository
from storage.entries import EntryRepository
from storage.housekeeping import Housekeeping
from storage.inbox import InboxRepository
from storage.kb import KnowledgeBaseRepository
from storage.leases import LeaseRepository
from storage.moderation import HeldEntryRepository
from storage.outbox import Outbox
from storage.sources import SourceRepository
from storage.stats import StatsRepository
from storage.subscriptions import SubscriptionRepository


def create_scheduler() -> AsyncIOScheduler:
    """The one scheduler; started in the startup hook, stopped in the shutdown hook."""
    return AsyncIOScheduler(
        timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60}
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Services:
    """Every long-lived object of one bot process; a missing one fails at start, not at the first update."""

    settings: Settings
    db: Database
    flood: FloodControl
    inbox: Inbox
    scheduler: AsyncIOScheduler
    chats: ChatRepository
    audit: AuditLog
    outbox: Outbox
    sender: Sender
    subscriptions: SubscriptionService
    delivery: Delivery
    moderation: ModerationQueue
    poller: FeedPoller
    knowledge: KnowledgeBaseRepository
    knowledge_files: KnowledgeBaseFiles
    entries: EntryRepository
    questions: QuestionEngine
    question_throttle: QuestionThrottle
    question_log: QuestionLog
    alerts: AdminAlerts
    leadership: Leadership
    health: HealthServer | None
    housekeeping: Housekeeping
    broadcasts: BroadcastService
    stats: StatsRepository
    stats_charts: StatsCharts
    stats_overview: StatsOverview
    backups: Backups
    source_repository: SourceRepository
    source_admin: SourceAdmin
    supervisor: Supervisor
    watchdog: Watchdog
    diagnostics: DeliveryDiagnostics

    def workflow_data(self) -> dict[str, Any]:
        """The services by name, as the dispatcher hands them to handlers and hooks."""
        return {field.name: getattr(self, field.name) for field in fields(self)}

    async def start(self) -> None:
        """Bring the database to the current schema, seed the knowledge base and, when DEFAULT_SOURCES is on,
        the default news sources (all idempotent)."""
        await self.db.migrate()
        await self.knowledge.ensure_seeded()
        if self.settings.default_sources:
            await seed_default_sources(self.source_repository, self.settings)

    async def close(self) -> None:
        """Release what the services hold open (the feeds' HTTP session, the database)."""
        await self.poller.close()
        await self.db.close()


def freeze_startup_heap() -> None:
    """What was imported and built at start lives as long as the process: collect once, then move it out of
    the cyclic collector's reach (`gc.freeze`).

    Without it every full collection walks the quarter of a million objects aiogram's models and the rest of
    the start leave behind: 190 ms with the event loop stopped, repeated as a fan-out allocates, and the
    requests held back meanwhile reach Telegram together (429s at 1000/s) and cost CPU per message.
    """
    gc.collect()
    gc.freeze()


def bootstrap(settings: Settings) -> Services:
    """Build the object graph for these settings; nothing is opened until it is used."""
    db = Database(settings.database_url)
    outbox = Outbox(db)
    supervisor = Supervisor()
    flood = FloodControl(settings.send_rate_per_second)  # the one budget of the bot's calls and the sender's
    sender = Sender(
        outbox,
        flood=flood,
        rate=settings.send_rate_per_second,
        paid=settings.paid_broadcast,
        concurrency=settings.send_concurrency,
        idle_poll=settings.send_idle_poll_seconds,
        backoff_base=settings.send_retry_base_seconds,
        backoff_cap=settings.send_retry_cap_seconds,
        supervisor=supervisor,
    )
    leadership = Leadership(LeaseRepository(db), ttl=settings.lease_seconds, supervisor=supervisor)
    stats = StatsRepository(db)
    watchdog = Watchdog(stats, lambda: leadership.held, stall_after=settings.watchdog_stall_seconds)
    knowledge = KnowledgeBaseRepository(db)
    chats = ChatRepository(db)
    alerts = AdminAlerts(settings, chats)
    entries = EntryRepository(db)
    subscriptions = SubscriptionRepository(db)
    delivery = Delivery(
        subscriptions,
        outbox,
        official_channel_id=settings.official_channel_id,
        official_language=settings.default_language,
        timezone=settings.timezone,
        wake=sender.wake,
    )
    moderation = ModerationQueue(
        HeldEntryRepository(db),
        entries,
        delivery,
        enabled=settings.moderation,
        on_held=HeldEntryNotices(alerts),
    )
    poller = FeedPoller(
        db,
        on_new_entries=moderation.announce,
        notify_admins=alerts.notify,
        organization_names=knowledge.organization_names,
        policy=PollPolicy.from_settings(settings),
    )
    sources = SourceRepository(db)
    question_log = create_question_log(db)
    return Services(
        settings=settings,
        db=db,
        flood=flood,
        inbox=Inbox(InboxRepository(db), lease_seconds=settings.lease_seconds, supervisor=supervisor),
        scheduler=create_scheduler(),
        chats=chats,
        audit=AuditLog(db),
        outbox=outbox,
        sender=sender,
        subscriptions=SubscriptionService(
            subscriptions, outbox, chats=chats, entries=entries, timezone=settings.timezone
        ),
        delivery=delivery,
        moderation=moderation,
        poller=poller,
        knowledge=knowledge,
        knowledge_files=KnowledgeBaseFiles(knowledge),
        entries=entries,
        questions=create_question_engine(db),
        question_throttle=QuestionThrottle(rate=settings.question_rate_per_second, burst=settings.question_burst),
        question_log=question_log,
        alerts=alerts,
        leadership=leadership,
        health=HealthServer(db, leadership, settings.health_host, settings.health_port, watchdog)
        if settings.health_port
        else None,
        housekeeping=Housekeeping(db),
        broadcasts=BroadcastService(BroadcastRepository(db), outbox, wake=sender.wake, forget=sender.forget_message),
        stats=stats,
        stats_charts=StatsCharts(stats),
        stats_overview=StatsOverview(stats, sources, question_log),
        backups=Backups(settings),
        source_repository=sources,
        source_admin=SourceAdmin(sources, poller, settings),
        supervisor=supervisor,
        watchdog=watchdog,
        diagnostics=DeliveryDiagnostics(DiagnosticsRepository(db), entries, chats, subscriptions, outbox),
    )
