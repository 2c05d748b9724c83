"""Fixtures for ingestion tests: a poller wired like the bot's (the local site and RSS come from tests.support)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field

import pytest

from bot.services.ingestion.http import FetchLimits, create_http_session
from bot.services.ingestion.poller import FeedPoller, PollPolicy
from bot.telegram.alerts import plain, source_trouble_alert
from domain.entries import StoredEntry
from domain.sources import NewSource, Source, SourceTrouble
from storage import Database
from storage.sources import SourceRepository
from tests.support.clock import MovableClock


@dataclass
class Harness:
    """A poller wired like the bot's, recording what it hands over and what it tells admins."""

    db: Database
    poller: FeedPoller
    handed_over: list[list[StoredEntry]]
    alerts: list[str]
    names: list[str]
    clock: MovableClock
    # What a hand-over does after recording it; a test makes it fail as delivery would.
    delivery: Callable[[Sequence[StoredEntry]], Awaitable[None]] | None = field(default=None)

    async def add(self, url: str, *, kind: str = "rss", language: str = "ru", interval: int = 300) -> Source:
        return await SourceRepository(self.db).add(NewSource(url, kind, language, f"source {url}", interval))

    async def poll(self, source: Source):
        [outcome] = await self.poller.poll_now([source.id])
        return outcome

    async def source(self, source: Source) -> Source:
        found = await SourceRepository(self.db).get(source.id)
        assert found is not None
        return found


TEST_LIMITS = FetchLimits(timeout_seconds=1.0, max_bytes=1024 * 1024, max_redirects=5, allow_private=True)


@pytest.fixture
async def harness(db: Database) -> AsyncIterator[Harness]:
    handed_over: list[list[StoredEntry]] = []
    alerts: list[str] = []
    names: list[str] = []
    clock = MovableClock()
    harness: Harness

    async def on_new_entries(entries: Sequence[StoredEntry]) -> None:
        if harness.delivery is not None:
            await harness.delivery(entries)
        handed_over.append(list(entries))

    async def notify_admins(trouble: SourceTrouble) -> None:
        alerts.append(plain(source_trouble_alert(trouble), "en"))  # what an English admin reads

    async def organization_names() -> list[str]:
        return names

    async with create_http_session(TEST_LIMITS) as session:
        poller = FeedPoller(
            db,
            session,
            on_new_entries=on_new_entries,
            notify_admins=notify_admins,
            organization_names=organization_names,
            policy=PollPolicy(fetch=TEST_LIMITS, failure_threshold=3, history_size=50),
            clock=clock,
        )
        harness = Harness(db, poller, handed_over, alerts, names, clock)
        yield harness
    await asyncio.sleep(0)
