"""Polling rounds: whatever mix of 304s, new items and errors a round meets, each due source is polled once and
leaves its outcome, health and next check behind; the round's lease is one statement, renewed by a poll that starts
too late for it, and never taken back from another poller."""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta

from aiohttp import web
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.runtime.metrics import REGISTRY
from bot.services.ingestion.poller import FeedPoller, PollPolicy, backoff_seconds
from bot.services.ingestion.scheduling import next_check
from domain.entries import StoredEntry
from storage.sources import SourceRepository
from tests.feeds.conftest import TEST_LIMITS, Harness
from tests.support.feeds import FeedSite, items, rss

THRESHOLD = 3  # the harness's failure_threshold
_paths = itertools.count()


@dataclass
class Model:
    """What one source should show: what its site serves, the validator it earned, its failures in a row."""

    path: str
    body: str = field(default_factory=lambda: rss(items(1)))
    versions: int = 1
    earned: str | None = None  # the body whose ETag the poller holds
    failures: int = 0

    @property
    def enabled(self) -> bool:
        return self.failures < THRESHOLD

    def serve(self, site: FeedSite, action: str) -> str:
        """Set the site for this round; return the outcome the poll must have."""
        if action == "error":
            site.serve(self.path, "down", status=500)
            self.failures += 1
            return "http_500"
        if action == "new":
            self.versions += 1
            self.body = rss(items(self.versions))
        site.serve(self.path, self.body)
        self.failures = 0
        outcome = "not_modified" if self.earned == self.body else "ok"
        self.earned = self.body
        return outcome


def polls_counted() -> Counter[str]:
    counted: Counter[str] = Counter()
    for metric in REGISTRY.collect():
        if metric.name == "bot_polls":
            for sample in metric.samples:
                if sample.name == "bot_polls_total":
                    counted[sample.labels["outcome"]] += int(sample.value)
    return counted


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    plans=st.lists(st.lists(st.sampled_from(["304", "new", "error"]), min_size=3, max_size=3), min_size=1, max_size=6)
)
async def test_every_due_source_is_polled_once_a_round_and_left_with_its_health_and_next_check(
    site: FeedSite, harness: Harness, plans: list[list[str]]
) -> None:
    """Each source follows its plan for three rounds (304 = the same body again, new = a changed one, error = 500)."""
    repository = SourceRepository(harness.db)
    models = {}
    for plan in plans:
        model = Model(f"/round-{next(_paths)}")
        source = await harness.add(site.serve(model.path, model.body))
        models[source.id] = (model, plan)
    try:
        for round_number in range(3):
            harness.clock.advance(days=2)  # past any backoff: every enabled source is due
            expected = {
                source_id: model.serve(site, plan[round_number])
                for source_id, (model, plan) in models.items()
                if model.enabled
            }
            before, started = polls_counted(), harness.clock()
            outcomes = await harness.poller.poll_due()
            finished = harness.clock()

            assert sorted((o.source_id, o.outcome) for o in outcomes) == sorted(expected.items())
            assert polls_counted() - before == Counter(expected.values())  # /metrics counts each poll once
            for source_id, (model, _plan) in models.items():
                state = await repository.get(source_id)
                assert state is not None
                assert state.polling_until is None  # no lease left behind
                assert (state.enabled, state.consecutive_failures) == (model.enabled, model.failures)
                if source_id not in expected:
                    continue
                checked = state.last_checked_at
                assert checked is not None and started <= checked <= finished
                assert state.last_outcome == expected[source_id]
                assert state.next_check_at > finished  # planned ahead
                if model.failures:
                    assert state.next_check_at == checked + timedelta(seconds=backoff_seconds(300, model.failures))
                else:
                    assert state.next_check_at == next_check(checked, 300, source_id)
                    assert state.last_success_at == checked
                    assert state.etag == site.resources[model.path].etag  # kept by a 304, sent next time
    finally:
        for source_id in models:
            await repository.remove(source_id)


async def test_a_poll_that_starts_after_the_rounds_lease_renews_it_or_leaves_the_source_to_its_new_holder(
    site: FeedSite, harness: Harness
) -> None:
    """One poll at a time; the first source's poll outlasts the round's lease (the clock jumps), so the second
    starts late: it renews its own lease, unless another poller took the source meanwhile: then it is not polled."""
    policy = PollPolicy(fetch=TEST_LIMITS, failure_threshold=THRESHOLD, max_concurrency=1)
    poller = FeedPoller(harness.db, policy=policy, clock=harness.clock)  # opens its own session
    repository = SourceRepository(harness.db)
    taken: list[int] = []

    async def slow(request: web.Request) -> web.StreamResponse:
        harness.clock.advance(seconds=2 * policy.lease.total_seconds() + 1)
        if taken:  # another poller leases the second source once the round's lease has run out
            now = harness.clock()
            assert await repository.claim(taken[0], now, until=now + policy.lease, due_only=True) is not None
        return web.Response(body=rss(items(1)).encode(), content_type="application/rss+xml")

    for other_takes_it in (False, True):
        first = await harness.add(site.handle(f"/slow-{other_takes_it}", slow))
        second = await harness.add(site.serve(f"/late-{other_takes_it}", rss(items(1))))
        taken[:] = [second.id] if other_takes_it else []
        outcomes = {o.source_id: o.outcome for o in await poller.poll_due()}
        assert outcomes == {first.id: "ok", second.id: "busy" if other_takes_it else "ok"}
        assert len(site.hits(f"/late-{other_takes_it}")) == (0 if other_takes_it else 1)
        state = await repository.get(second.id)
        assert state is not None
        assert (state.polling_until is not None) == other_takes_it  # the other poller's lease, untouched
        for source in (first, second):
            await repository.remove(source.id)
    await poller.close()


async def test_a_polls_health_is_written_before_its_lease_can_run_out_however_long_the_round(
    site: FeedSite, harness: Harness
) -> None:
    """A round writes its health records at its end; a source polled early in a round that another poll holds open
    (here a correction being handed over; in life a queue of slow sources) must not wait past its lease: another
    poller could take the source and poll it again, and this record would then overwrite that poll's. A record waits
    at most one fetch timeout: its lease, three timeouts and a minute from its poll's start, outlasts that."""
    release = asyncio.Event()

    async def hand_over_changes(_changed: Sequence[StoredEntry]) -> None:
        await release.wait()  # the round stays open until the test has seen the quick source's record

    policy = PollPolicy(fetch=TEST_LIMITS, failure_threshold=THRESHOLD, max_concurrency=2)
    poller = FeedPoller(harness.db, policy=policy, clock=harness.clock, on_changed_entries=hand_over_changes)
    repository = SourceRepository(harness.db)
    [item] = items(1)
    held = await harness.add(site.serve("/corrected", rss([item])))
    quick = await harness.add(site.serve("/quick", rss(items(1))))
    await poller.poll_now([held.id, quick.id])  # stored: the next poll of /quick is a quiet 304
    first = await repository.get(quick.id)
    assert first is not None
    site.serve("/corrected", rss([replace(item, description="Corrected text")]))
    harness.clock.advance(seconds=2 * quick.interval_seconds)
    round_ = asyncio.create_task(poller.poll_due())
    try:
        # Waits for the write (due one fetch timeout, 1 s, after the poll), not a measure of it; the per-test timeout
        # guards a hang: without the record's timer it waited for the round's end, which the test holds back.
        while (state := await repository.get(quick.id)) is None or state.last_checked_at == first.last_checked_at:
            await asyncio.sleep(0.05)
        assert state.polling_until is None and state.last_outcome == "not_modified"
        assert not round_.done(), round_.result()
    finally:
        release.set()
        outcomes = {o.source_id: o.outcome for o in await round_}
        await poller.close()
    assert outcomes == {held.id: "ok", quick.id: "not_modified"}


async def test_a_hand_poll_of_a_source_the_round_has_just_polled_answers_with_that_poll(
    site: FeedSite, harness: Harness
) -> None:
    """The admin's 🔄 (`poll_now`) of a source the round holds, after the round's poll of it has ended (its record
    waiting for the round's batch, at most a fetch timeout): the answer is that poll's, not "busy"."""
    release = asyncio.Event()

    async def hand_over_changes(_changed: Sequence[StoredEntry]) -> None:
        await release.wait()

    limits = replace(TEST_LIMITS, timeout_seconds=60)  # the round's records wait for its end (no timer meanwhile)
    policy = PollPolicy(fetch=limits, failure_threshold=THRESHOLD, max_concurrency=2)
    poller = FeedPoller(harness.db, policy=policy, clock=harness.clock, on_changed_entries=hand_over_changes)
    [item] = items(1)
    held = await harness.add(site.serve("/corrected-2", rss([item])))
    quick = await harness.add(site.serve("/quick-2", rss(items(1))))
    await poller.poll_now([held.id, quick.id])
    site.serve("/corrected-2", rss([replace(item, description="Corrected text")]))
    harness.clock.advance(seconds=2 * quick.interval_seconds)
    round_ = asyncio.create_task(poller.poll_due())
    try:
        # Until the round's poll of /quick-2 has ended (seen from inside: no public sign).
        while (polled := poller._in_flight.get(quick.id)) is None or not polled.done():
            await asyncio.sleep(0.01)
        assert len(site.hits("/quick-2")) == 2
        [again] = await poller.poll_now([quick.id])
        assert again.outcome == "not_modified"  # the round's poll, a moment ago
        assert len(site.hits("/quick-2")) == 2
        assert not round_.done()
    finally:
        release.set()
        await round_
        await poller.close()
