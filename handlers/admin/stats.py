"""/stats: subscribers, chats, deliveries, source health and the queue in one message, then the charts."""

from collections.abc import Callable

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, Message

from bot.i18n import Localizer
from bot.rendering.dates import format_day
from bot.services.admin.charts import StatsCharts, language_name
from bot.services.admin.overview import StatsOverview
from domain.audit import AuditTrail
from domain.clock import utcnow


def _counts(values: dict[str, int], name: Callable[[str], str]) -> str:
    """Counts with their codes put into words ("Русский: 3, English: 1"); an unknown code stays as it is."""
    return ", ".join(f"{name(key)}: {count}" for key, count in sorted(values.items())) or "—"


def _named(l10n: Localizer, prefix: str) -> Callable[[str], str]:
    def name(code: str) -> str:
        return l10n(f"{prefix}{code}") if l10n.has(f"{prefix}{code}") else code

    return name


async def show_stats(
    message: Message,
    l10n: Localizer,
    stats_overview: StatsOverview,
    stats_charts: StatsCharts,
    audit: AuditTrail,
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
    )
    chart = await stats_charts.render(now, l10n)
    await message.answer_photo(
        BufferedInputFile(chart.png, filename=f"stats-{chart.last_day:%Y-%m-%d}.png"),
        caption=l10n(
            "admin-chart-caption",
            first=format_day(chart.first_day, l10n.language),
            last=format_day(chart.last_day, l10n.language),
        ),
    )
    await audit.record("stats.view", actor_id=message.from_user.id if message.from_user else None)


def create_router() -> Router:
    """A fresh router (a router can belong to one dispatcher only)."""
    router = Router(name="admin-stats")
    router.message.register(show_stats, Command("stats"))
    return router
