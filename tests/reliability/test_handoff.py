"""An entry stored but never handed over to delivery (the process died in between) is handed over later."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.services.ingestion.poller import HANDOFF_GRACE, HANDOFF_LOOK_EVERY, FeedPoller
from domain.entries import StoredEntry
from domain.sources import Source
from storage.sources import SourceRepository
from tests.feeds.conftest import Harness
from tests.support.feeds import FeedSite, items, rss

_paths = itertools.count()


async def test_a_lost_handoff_is_resumed_once(site: FeedSite, harness: Harness):
    source = await harness.add(site.serve("/feed", rss(items(3))))
    handed = harness.handed_over

    async def crash(_entries):
        raise RuntimeError("the process died here")  # as if killed after the entries were stored

    harness.delivery = crash
    assert (await harness.poll(source)).new == 3
    assert handed == []
    harness.delivery = None

    assert await harness.poller.resume_handoffs() == 0  # within the grace: a hand-over may still be under way
    harness.clock.advance(seconds=HANDOFF_GRACE.total_seconds() + 1)
    assert await harness.poller.resume_handoffs() == 3
    assert [entry.entry.title for entry in handed[0]] == ["News 0", "News 1", "News 2"]
    assert await harness.poller.resume_handoffs() == 0  # handed over once
    await harness.poller.poll_due()
    assert len(handed) == 1


class _LostError(RuntimeError):
    pass


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    steps=st.lists(
        st.sampled_from(["news", "lost news", "another process loses news", "tick", "seconds", "minutes", "restart"]),
        max_size=14,
    )
)
async def test_every_entry_whose_hand_over_did_not_complete_is_handed_over_once_within_its_bound(
    site: FeedSite, harness: Harness, steps: list[str]
) -> None:
    """The ticks look for lost hand-overs only when some may be waiting, yet each is handed over once: a loss of this
    process by the first tick `HANDOFF_GRACE` after it, one from before a restart by the first tick `HANDOFF_GRACE`
    after the restarted poller's first tick, another process's by the first tick `HANDOFF_GRACE` +
    `HANDOFF_LOOK_EVERY` after it."""
    path = f"/lost-{next(_paths)}"
    own = await harness.add(site.serve(f"{path}/own", rss(items(0))))
    other = await harness.add(site.serve(f"{path}/other", rss(items(0))))
    counts = {own.id: 0, other.id: 0}
    lost: dict[tuple[int, str], datetime] = {}  # entry -> the latest moment by which a tick must hand it over

    async def fail(_entries: Sequence[StoredEntry]) -> None:
        raise _LostError("the process died here")

    def started(hand_over: Callable[[Sequence[StoredEntry]], Awaitable[object]]) -> FeedPoller:
        """A poller as a process starts it (the harness's hands over as the harness records)."""
        policy, http = harness.poller.policy, harness.poller.fetcher
        return FeedPoller(harness.db, http=http, on_new_entries=hand_over, policy=policy, clock=harness.clock)

    other_process = started(fail)
    poller, first_tick = started(harness.poller._on_new_entries), None

    async def news(source: Source, polling: FeedPoller) -> tuple[int, str]:
        counts[source.id] += 1
        start = 0 if source.id == own.id else 10_000
        site.serve(f"{path}/{'own' if source.id == own.id else 'other'}", rss(items(counts[source.id], start=start)))
        [outcome] = await polling.poll_now([source.id])
        assert outcome.new == 1
        return source.id, f"News {start + counts[source.id] - 1}"

    def handed() -> Counter[tuple[int, str]]:
        return Counter((e.source_id, e.entry.title) for batch in harness.handed_over for e in batch)

    try:
        for step in ["tick", "minutes", "tick", *steps, "minutes", "tick", "minutes", "minutes", "tick"]:
            if step == "news":
                await news(own, poller)
            elif step == "lost news":
                harness.delivery = fail
                lost[await news(own, poller)] = harness.clock() + HANDOFF_GRACE
                harness.delivery = None
            elif step == "another process loses news":
                lost[await news(other, other_process)] = harness.clock() + HANDOFF_GRACE + HANDOFF_LOOK_EVERY
            elif step == "seconds":
                harness.clock.advance(seconds=4)
            elif step == "minutes":
                harness.clock.advance(minutes=2)
            elif step == "restart":  # what this process lost is now another's: found within the longer bound
                poller, first_tick = started(harness.poller._on_new_entries), None
            else:
                now = harness.clock()
                if first_tick is None:
                    first_tick = now
                    lost = {key: min(by, now + HANDOFF_GRACE) for key, by in lost.items()}
                await poller.poll_due()
                found = handed()
                assert [key for key, by in lost.items() if by <= now and not found[key]] == []
            assert max(handed().values(), default=1) == 1  # never twice
        assert all(handed()[key] == 1 for key in lost)
    finally:
        for source in (own, other):
            await SourceRepository(harness.db).remove(source.id)


async def test_quiet_ticks_look_for_lost_hand_overs_only_after_the_start_or_a_loss_and_every_few_minutes(
    site: FeedSite, harness: Harness
) -> None:
    source = await harness.add(site.serve(f"/quiet-{next(_paths)}", rss(items(1))))
    looks = 0
    unannounced = harness.poller.entries.unannounced

    async def counted(*, seen_after: datetime, seen_before: datetime, limit: int = 500) -> list[StoredEntry]:
        nonlocal looks
        looks += 1
        return await unannounced(seen_after=seen_after, seen_before=seen_before, limit=limit)

    harness.poller.entries.unannounced = counted  # type: ignore[method-assign]
    try:
        await harness.poller.poll_due()
        await harness.poller.poll_due()
        assert looks == 1  # the first tick, and ...
        harness.clock.advance(seconds=HANDOFF_GRACE.total_seconds() + 1)
        for _ in range(3):
            await harness.poller.poll_due()
        assert looks == 2  # ... once HANDOFF_GRACE later (what a process that died just before left)
        harness.clock.advance(seconds=HANDOFF_LOOK_EVERY.total_seconds())
        await harness.poller.poll_due()
        await harness.poller.poll_due()
        assert looks == 3  # once every HANDOFF_LOOK_EVERY

        async def fail(_entries: Sequence[StoredEntry]) -> None:
            raise _LostError("delivery is down")

        harness.delivery = fail
        site.serve(f"/quiet-{next(_paths) - 1}", rss(items(2)))
        await harness.poll(source)
        harness.delivery = None
        await harness.poller.poll_due()
        assert looks == 3  # within the grace: the hand-over could still be under way
        harness.clock.advance(seconds=HANDOFF_GRACE.total_seconds() + 1)
        await harness.poller.poll_due()
        assert looks == 4
        assert [[entry.entry.title for entry in batch] for batch in harness.handed_over] == [["News 0"], ["News 1"]]
        await harness.poller.poll_due()
        assert looks == 4
    finally:
        await SourceRepository(harness.db).remove(source.id)
