"""The composition root: `bootstrap(settings, clock=..., http=..., bot=...)` builds the whole object graph once, typed.

The bot, the CLI, the benchmarks and the tests all call it, so every command runs through the same services
(a `feeds poll` from the shell is moderated exactly like the running bot's poll). Tests steer the graph by what
they pass in (a clock they move, a Fetcher serving the sources' documents, a Bot talking to the local Telegram), never
by patching what it built. Handlers
and hooks receive the services by field name (aiogram's workflow data).

Two graphs, one the base of the other:
- `Core` (`build_core`): the services both doors call, without Telegram. The shell's commands that never talk to
  Telegram (`feeds list`, `kb export`, `backup`, ...) build only this one, so they import no aiogram.
- `Services` (`bootstrap`): the Core plus the Telegram adapter and the process (the Bot, the sender, alerts,
  leadership, scheduler, health); what the running bot and `feeds poll` use.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from bot.config import Settings
from bot.services.admin.backups import Backups
from bot.services.admin.broadcasts import ApprovalPolicy, BroadcastService
from bot.services.admin.charts import StatsCharts
from bot.services.admin.diagnostics import DeliveryDiagnostics
from bot.services.admin.inquiries import InquiryDesk
from bot.services.admin.knowledge import KnowledgeBaseFiles
from bot.services.admin.moderation import ModerationQueue
from bot.services.admin.overview import StatsOverview
from bot.services.admin.record import OfficialRecord
from bot.services.admin.sources import SourceAdmin
from bot.services.answers import QuestionEngine, QuestionThrottle, create_question_engine
from bot.services.answers.feedback import QuestionLog, create_question_log
from bot.services.delivery import Delivery, SubscriptionService
from bot.services.delivery.channels import ChannelPosts
from bot.services.ingestion.fetching import Fetcher
from bot.services.ingestion.poller import FeedPoller, PollPolicy
from bot.services.ingestion.sources import seed_default_sources
from bot.services.privacy import PersonalData
from domain.clock import Clock, utcnow
from domain.entries import StoredEntry
from domain.sources import SourceTrouble
from storage import Database
from storage.audit import AuditLog
from storage.broadcasts import BroadcastRepository
from storage.chats import ChatRepository
from storage.diagnostics import DiagnosticsRepository
from storage.entries import EntryRepository
from storage.housekeeping import Housekeeping
from storage.inquiries import InquiryRepository
from storage.kb import KnowledgeBaseRepository
from storage.moderation import HeldEntryRepository
from storage.outbox import Outbox
from storage.privacy import PersonalDataRepository
from storage.record import RecordRepository
from storage.sources import SourceRepository
from storage.stats import StatsRepository
from storage.subscriptions import SubscriptionRepository

if TYPE_CHECKING:  # the Telegram half is imported by `bootstrap` only: the shell's Core graph needs none of it
    from aiogram import Bot
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    from bot.runtime.health import HealthServer
    from bot.runtime.leadership import Leadership
    from bot.runtime.supervision import Supervisor, Watchdog
    from bot.telegram.alerts import AdminAlerts
    from bot.telegram.channels import OfficialChannels
    from bot.telegram.flood import FloodControl
    from bot.telegram.inbox import Inbox
    from bot.telegram.sender import Sender

logger = logging.getLogger(__name__)


async def _log_trouble(trouble: SourceTrouble) -> None:
    logger.warning("feeds.admin_alert", extra={"source": trouble.source_id, "disabled": trouble.disabled})


async def _log_held(entry: StoredEntry) -> None:
    logger.info("moderation.held", extra={"entry": entry.id})


@dataclass(frozen=True, slots=True)
class CoreHooks:
    """What the services tell the process around them; in the shell's graph nobody listens (it is logged)."""

    wake_sender: Callable[[], None] = lambda: None
    forget_message: Callable[[int], None] = lambda _message_id: None
    on_held: Callable[[StoredEntry], Awaitable[None]] = _log_held
    notify_admins: Callable[[SourceTrouble], Awaitable[object]] = _log_trouble


def create_scheduler() -> AsyncIOScheduler:
    """The one scheduler; started in the startup hook, stopped in the shutdown hook."""
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    return AsyncIOScheduler(
        timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60}
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Core:
    """The services both doors (Telegram and the shell) call, and what they stand on; no Telegram in here."""

    settings: Settings
    clock: Clock
    db: Database
    chats: ChatRepository
    audit: AuditLog
    outbox: Outbox
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
    housekeeping: Housekeeping
    broadcasts: BroadcastService
    official_record: OfficialRecord
    stats: StatsRepository
    stats_charts: StatsCharts
    stats_overview: StatsOverview
    backups: Backups
    source_repository: SourceRepository
    source_admin: SourceAdmin
    diagnostics: DeliveryDiagnostics
    inquiries: InquiryDesk
    personal_data: PersonalData

    def _fields(self) -> Iterator[tuple[str, Any]]:
        for item in fields(self):
            yield item.name, getattr(self, item.name)

    async def start(self) -> None:
        """Bring the database to the current schema, seed the knowledge base and, when DEFAULT_SOURCES is on,
        the default news sources (all idempotent)."""
        await self.db.migrate()
        await self.knowledge.ensure_seeded()
        if self.settings.default_sources:
            await seed_default_sources(self.source_repository, self.settings)

    async def migrate(self) -> None:
        """Bring the database to the current schema (`python -m bot migrate`)."""
        await self.db.migrate()

    async def close(self) -> None:
        """Release what the services hold open (the feeds' HTTP session, the database)."""
        await self.poller.close()
        await self.db.close()


@dataclass(frozen=True, slots=True, kw_only=True)
class Services(Core):
    """Every long-lived object of one bot process: the Core, the Telegram adapter and the process around them; a
    missing one fails at start, not at the first update."""

    bot: Bot | None = field(repr=False)  # None only where no token is set (the shell)
    flood: FloodControl  # the one budget of every call to Telegram: the bot's and the sender's
    inbox: Inbox
    scheduler: AsyncIOScheduler
    sender: Sender
    alerts: AdminAlerts
    leadership: Leadership
    health: HealthServer | None
    supervisor: Supervisor
    watchdog: Watchdog
    official_channels: OfficialChannels

    def workflow_data(self) -> dict[str, Any]:
        """The services by name, as the dispatcher hands them to handlers and hooks (aiogram adds the `bot`)."""
        return {name: value for name, value in self._fields() if name != "bot"}

    async def close(self) -> None:
        """Release what the services hold open, and the Bot's HTTP session."""
        await Core.close(self)
        if self.bot is not None:
            await self.bot.session.close()


def freeze_startup_heap() -> None:
    """What was imported and built at start lives as long as the process: collect once, then move it out of
    the cyclic collector's reach (`gc.freeze`).

    Without it every full collection walks the quarter of a million objects aiogram's models and the rest of
    the start leave behind: 190 ms with the event loop stopped, repeated as a fan-out allocates, and the
    requests held back meanwhile reach Telegram together (429s at 1000/s) and cost CPU per message.
    """
    gc.collect()
    gc.freeze()


def build_core(
    settings: Settings,
    *,
    clock: Clock = utcnow,
    http: Fetcher | None = None,
    db: Database | None = None,
    outbox: Outbox | None = None,
    hooks: CoreHooks | None = None,
) -> Core:
    """The services without Telegram, for these settings; nothing is opened until it is used.

    `http` fetches the news sources (polls and the check before a source is added); by default an aiohttp client
    opened at the first fetch. One passed in is the caller's to close.
    """
    hooks = hooks or CoreHooks()
    db = db or Database(settings.database_url)
    outbox = outbox or Outbox(db)
    knowledge = KnowledgeBaseRepository(db)
    chats = ChatRepository(db)
    entries = EntryRepository(db)
    subscriptions = SubscriptionRepository(db)
    audit = AuditLog(db)
    stats = StatsRepository(db)
    delivery = Delivery(
        subscriptions,
        outbox,
        # Numeric ids at once; @usernames are resolved to ids by the start hook (start_official_channels).
        official_channels={
            language: int(target) for language, target in settings.official_targets().items() if target[0] != "@"
        },
        entries=entries,
        timezone=settings.timezone,
        wake=hooks.wake_sender,
        clock=clock,
    )
    channel_posts = ChannelPosts(settings.official_targets(), delivery, outbox)
    official_record = OfficialRecord(RecordRepository(db), audit, clock=clock)
    moderation = ModerationQueue(
        HeldEntryRepository(db),
        entries,
        delivery,
        audit,
        enabled=settings.moderation,
        on_held=hooks.on_held,
        record=official_record,
        clock=clock,
    )
    poller = FeedPoller(
        db,
        http=http,
        on_new_entries=moderation.announce,
        on_changed_entries=moderation.correct,
        notify_admins=hooks.notify_admins,
        organization_names=knowledge.organization_names,
        policy=PollPolicy.from_settings(settings),
        clock=clock,
    )
    sources = SourceRepository(db)
    question_log = create_question_log(db)
    return Core(
        settings=settings,
        clock=clock,
        db=db,
        chats=chats,
        audit=audit,
        outbox=outbox,
        subscriptions=SubscriptionService(
            subscriptions, outbox, chats=chats, entries=entries, timezone=settings.timezone
        ),
        delivery=delivery,
        moderation=moderation,
        poller=poller,
        knowledge=knowledge,
        knowledge_files=KnowledgeBaseFiles(knowledge, audit),
        entries=entries,
        questions=create_question_engine(db, posts=channel_posts),
        question_throttle=QuestionThrottle(rate=settings.question_rate_per_second, burst=settings.question_burst),
        question_log=question_log,
        housekeeping=Housekeeping(db),
        broadcasts=BroadcastService(
            BroadcastRepository(db),
            outbox,
            wake=hooks.wake_sender,
            forget=hooks.forget_message,
            record=official_record,
            audit=audit,
            policy=ApprovalPolicy(settings.broadcast_approvals, settings.broadcast_approval_hours),
            clock=clock,
        ),
        official_record=official_record,
        stats=stats,
        stats_charts=StatsCharts(stats),
        stats_overview=StatsOverview(stats, sources, question_log),
        backups=Backups(settings, audit, clock=clock),
        source_repository=sources,
        source_admin=SourceAdmin(sources, poller, settings, audit),
        diagnostics=DeliveryDiagnostics(
            DiagnosticsRepository(db), entries, chats, subscriptions, outbox, channels=channel_posts
        ),
        inquiries=InquiryDesk(InquiryRepository(db), knowledge, audit, clock=clock),
        personal_data=PersonalData(PersonalDataRepository(db)),
    )


def bootstrap(
    settings: Settings, *, clock: Clock = utcnow, http: Fetcher | None = None, bot: Bot | None = None
) -> Services:
    """Build the whole graph for these settings; nothing is opened until it is used.

    `bot` is the Bot every call to Telegram goes through (the tests pass one talking to the local Telegram); by
    default one is made from the settings when a token is set. `clock` is what every decision by the time reads.
    `http` is what fetches the news sources (the tests pass one serving documents from memory); by default an
    aiohttp client opened at the first fetch.
    """
    from bot.runtime.factory import create_bot
    from bot.runtime.health import HealthServer
    from bot.runtime.leadership import Leadership
    from bot.runtime.supervision import Supervisor, Watchdog
    from bot.telegram.alerts import AdminAlerts, source_trouble_alert
    from bot.telegram.channels import OfficialChannels
    from bot.telegram.flood import FloodControl
    from bot.telegram.inbox import Inbox
    from bot.telegram.notices import HeldEntryNotices
    from bot.telegram.sender import Sender
    from bot.telegram.session import flood_of
    from storage.inbox import InboxRepository
    from storage.leases import LeaseRepository

    if bot is None and settings.token is not None:
        bot = create_bot(settings)
    db = Database(settings.database_url)
    outbox = Outbox(db)
    supervisor = Supervisor()
    flood = (flood_of(bot) if bot is not None else None) or FloodControl(settings.send_rate_per_second)
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
        rich=settings.rich_messages,
    )
    alerts = AdminAlerts(settings, ChatRepository(db))
    if bot is not None:
        alerts.attach(bot)
    hooks = CoreHooks(
        wake_sender=sender.wake,
        forget_message=sender.forget_message,
        on_held=HeldEntryNotices(alerts),
        notify_admins=lambda trouble: alerts.notify(source_trouble_alert(trouble)),
    )
    core = build_core(settings, clock=clock, http=http, db=db, outbox=outbox, hooks=hooks)
    leadership = Leadership(LeaseRepository(db, clock=clock), ttl=settings.lease_seconds, supervisor=supervisor)
    watchdog = Watchdog(
        core.stats,
        lambda: leadership.held,
        stall_after=settings.watchdog_stall_seconds,
        database_silence=leadership.database_silence,
    )
    return Services(
        **dict(core._fields()),
        bot=bot,
        flood=flood,
        inbox=Inbox(
            InboxRepository(db), holder=leadership.holder, lease_seconds=settings.lease_seconds, supervisor=supervisor
        ),
        scheduler=create_scheduler(),
        sender=sender,
        alerts=alerts,
        leadership=leadership,
        health=HealthServer(db, leadership, settings.health_host, settings.health_port, watchdog)
        if settings.health_port
        else None,
        supervisor=supervisor,
        watchdog=watchdog,
        official_channels=OfficialChannels(settings, core.delivery, core.stats),
    )
