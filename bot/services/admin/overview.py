"""What /stats reports, gathered in one place: the figures, the sources' health and the questions' votes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.services.answers.feedback import QuestionLog
from storage.qa_log import Votes
from storage.sources import SourceRepository
from storage.stats import Figures, StatsRepository


@dataclass(frozen=True, slots=True)
class SourceHealth:
    """Configured sources by health: answering, failing now, disabled."""

    total: int
    healthy: int
    failing: int
    disabled: int


@dataclass(frozen=True, slots=True)
class Overview:
    figures: Figures
    sources: SourceHealth
    votes: Votes


class StatsOverview:
    """Reads everything /stats shows; the handler only words it."""

    def __init__(self, stats: StatsRepository, sources: SourceRepository, question_log: QuestionLog) -> None:
        self._stats = stats
        self._sources = sources
        self._question_log = question_log

    async def collect(self, now: datetime) -> Overview:
        """The figures as of `now`."""
        sources = [source for source in await self._sources.list_all() if not source.removed]
        failing = sum(1 for source in sources if source.enabled and source.consecutive_failures)
        disabled = sum(1 for source in sources if not source.enabled)
        health = SourceHealth(len(sources), len(sources) - failing - disabled, failing, disabled)
        return Overview(await self._stats.figures(now), health, await self._question_log.votes(now=now))
