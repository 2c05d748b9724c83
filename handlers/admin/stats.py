"""/stats: subscribers, chats, deliveries, source health and the queue in one message, then the charts."""

from collections.abc import Callable

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, Message

from bot.i18n import Localizer
from bot.rendering.dates import format_day
from bot.services.admin.charts import StatsCharts, language_name
from bot.services.admin.overview import StatsOverview
from bot.services.delivery import SubscriptionService
from bot.telegram.channels import ChannelStatus, OfficialChannels, last_post
from domain.audit import AuditTrail
from domain.chats import Chat
from domain.clock import utcnow
from domain.localtime import format_moment, zone, zone_label


def _counts(values: dict[str, int], name: Callable[[str], str]) -> str:
    """Counts with their codes put into words ("Русский: 3, English: 1"); an unknown code stays as it is."""
    return ", ".join(f"{name(key)}: {count}" for key, count in sorted(values.items())) or "—"


def _named(l10n: Localizer, prefix: str) -> Callable[[str], str]:
    def name(code: str) -> str:
        return l10n(f"{prefix}{code}") if l10n.has(f"{prefix}{code}") else code

    return name


def _channels(statuses: list[ChannelStatus], l10n: Localizer, chat: Chat, subscriptions: SubscriptionService) -> str:
    """One line per official channel: its reach and health (empty without channels)."""
    if not statuses:
        return ""
    zone_name = subscriptions.zone_of(chat)
    lines = ["", l10n("admin-channels-title")]
    for status in statuses:
        health = status.deliveries
        posted = last_post(status)
        lines.append(
            l10n(
                "admin-channel-line",
                language=language_name(status.language),
                channel=status.target,
                members=status.members if status.members is not None else "—",
                last=format_moment(posted, l10n.language, zone_name) if posted else l10n("admin-never"),
                sent=health.sent_week if health else 0,
                failed=health.failed_week if health else 0,
            )
        )
        if status.error or (health and health.failed_week and health.last_error):
            lines.append(l10n("admin-channel-error", error=status.error or (health.last_error if health else "")))
    return "\n".join(lines)


async def show_stats(
    message: Message,
    l10n: Localizer,
    stats_overview: StatsOverview,
    stats_charts: StatsCharts,
    audit: AuditTrail,
    chat: Chat,
    subscriptions: SubscriptionService,
    bot: Bot,
    official_channels: OfficialChannels,
) -> None:
    now = utcnow()
    overview = await stats_overview.collect(now)
    figures, sources, votes = overview.figures, overview.sources, overview.votes
    await message.answer(
        l10n(
            "admin-stats",
            languages=_counts(figures.by_language, language_name),
            scopes=_counts(figures.by_scope, _named(l10n, "delivery-button-")),
            modes=_counts(figures.by_mode, _named(l10n, "delivery-button-")),
            active=figures.active,
            paused=figures.paused,
            blocked=figures.blocked,
            chats=_counts(figures.chats_by_type, _named(l10n, "admin-chat-type-")),
            sent_day=figures.sent_day,
            sent_week=figures.sent_week,
            failed_day=figures.failed_day,
            failed_week=figures.failed_week,
            sources=sources.total,
            healthy=sources.healthy,
            failing=sources.failing,
            disabled=sources.disabled,
            queue=figures.queue,
        )
        + "\n"
        + l10n("admin-stats-qa", up=votes.up, down=votes.down, missed=votes.missed)
        + _channels(await official_channels.statuses(bot), l10n, chat, subscriptions)
    )
    # Days on the admin's own calendar: a send at 02:00 in Almaty is that day's, not the UTC day before.
    zone_name = subscriptions.zone_of(chat)
    chart = await stats_charts.render(now, l10n, zone(zone_name))
    await message.answer_photo(
        BufferedInputFile(chart.png, filename=f"stats-{chart.last_day:%Y-%m-%d}.png"),
        caption=l10n(
            "admin-chart-caption",
            first=format_day(chart.first_day, l10n.language),
            last=format_day(chart.last_day, l10n.language),
            zone=zone_label(zone_name, l10n.language, now),
        ),
    )
    await audit.record("stats.view", actor_id=message.from_user.id if message.from_user else None)


def create_router() -> Router:
    """A fresh router (a router can belong to one dispatcher only)."""
    router = Router(name="admin-stats")
    router.message.register(show_stats, Command("stats"))
    return router
