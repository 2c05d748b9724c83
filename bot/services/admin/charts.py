"""The /stats picture: subscribers over time by language, deliveries per day and questions answered vs not known
per day, one PNG.

matplotlib draws it (the plotting library everyone reads); its Agg backend renders without a screen, and the
drawing runs in a thread so the event loop keeps serving updates meanwhile.
"""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from bot.config import LANGUAGES
from storage.stats import History, StatsRepository

if TYPE_CHECKING:
    from bot.i18n import Localizer

WINDOW_DAYS = 30


@dataclass(frozen=True, slots=True)
class Panel:
    """One chart of the picture: named lines (or bars) over the same days.

    The picture draws any number of panels (`StatsCharts.panels` lists them).
    """

    title: str
    series: dict[str, list[int]]
    bars: bool = False


@dataclass(frozen=True, slots=True)
class Chart:
    """A rendered picture and what it covers."""

    png: bytes
    first_day: date
    last_day: date


def language_name(code: str) -> str:
    """A language by its own name ("Русский", "Қазақша", "English"), as the language menu shows them."""
    from bot.i18n import localizer  # the translations: only a chart drawn needs them

    return localizer(code)("language-name") if code in LANGUAGES else code


class StatsCharts:
    """Builds the /stats picture from the stats repository, texts in the admin's language."""

    def __init__(self, stats: StatsRepository, *, days: int = WINDOW_DAYS) -> None:
        self._stats = stats
        self._days = days

    def panels(self, history: History, l10n: Localizer) -> list[Panel]:
        """The charts the picture shows, in order."""
        return [
            Panel(
                l10n("admin-chart-subscribers"),
                {language_name(code): line for code, line in history.subscribers_by_language.items()},
            ),
            Panel(
                l10n("admin-chart-deliveries"),
                {l10n("admin-chart-sent"): history.sent, l10n("admin-chart-failed"): history.failed},
                bars=True,
            ),
            Panel(
                l10n("admin-chart-questions"),
                {l10n("admin-chart-answered"): history.answered, l10n("admin-chart-not-known"): history.not_known},
                bars=True,
            ),
        ]

    async def render(self, now: datetime, l10n: Localizer, zone: tzinfo = UTC) -> Chart:
        """The last `days` days up to today as a PNG, the days being those of the reader's zone."""
        last_day = now.astimezone(zone).date()
        first_day = last_day - timedelta(days=self._days - 1)
        history = await self._stats.history(first_day, last_day, zone)
        png = await asyncio.to_thread(draw, history.days, self.panels(history, l10n), l10n("admin-chart-empty"))
        return Chart(png=png, first_day=first_day, last_day=last_day)


def draw(days: list[date], panels: list[Panel], empty_label: str) -> bytes:
    """Render panels stacked over a shared day axis; a panel with no data says so instead of an empty frame."""
    # The object-oriented API without pyplot: no global figure state, so concurrent renders in threads are safe.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(9, 3.2 * len(panels)), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    axes_list = figure.subplots(len(panels), 1, sharex=True, squeeze=False)[:, 0]
    for axes, panel in zip(axes_list, panels, strict=True):
        axes.set_title(panel.title, loc="left", fontsize=12)
        axes.grid(True, alpha=0.3)
        values = [value for line in panel.series.values() for value in line]
        if not values or max(values) == 0:
            axes.text(0.5, 0.5, empty_label, transform=axes.transAxes, ha="center", va="center", color="grey")
        width = 0.8 / max(1, len(panel.series))
        for index, (label, line) in enumerate(panel.series.items()):
            if panel.bars:
                offset = timedelta(days=(index - (len(panel.series) - 1) / 2) * width)
                axes.bar([day + offset for day in days], line, width=width, label=label)
            else:
                axes.plot(days, line, marker="o", markersize=3, label=label)
        axes.set_ylim(bottom=0)
        axes.yaxis.get_major_locator().set_params(integer=True)
        if panel.series:
            axes.legend(loc="upper left", fontsize=9)
    # Day and month as numbers read the same in the three languages; about eight ticks fit the width.
    ticks = days[:: max(1, len(days) // 8)]
    axes_list[-1].set_xticks(ticks, labels=[f"{day:%d.%m}" for day in ticks])
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
