"""An entry stored but never handed over to delivery (the process died in between) is handed over later."""

from __future__ import annotations

from bot.services.ingestion.poller import HANDOFF_GRACE
from tests.feeds.conftest import Harness
from tests.support.feeds import FeedSite, items, rss


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
