"""One item never costs the others: a gov.kz item nested thousands of levels deep, a number thousands of digits
long, or any other value `json` cannot build, is skipped with a logged reason; the good items beside it are stored
and delivered, and the poll is a success (the source is never disabled for it). A body that is not JSON at all
still fails the poll."""

from __future__ import annotations

import asyncio
import json
import logging
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.services.ingestion import poller as poller_module
from bot.services.ingestion.classifier import AllianceClassifier
from bot.services.ingestion.http import FetchLimits, create_http_session
from bot.services.ingestion.poller import FeedPoller, PollPolicy
from domain.entries import Entry, StoredEntry
from domain.sources import NewSource
from local_telegram import BotAPIStub
from storage import Database
from storage.entries import EntryRecord
from storage.sources import SourceRepository
from tests.conftest import make_settings, start_bot
from tests.delivery.helpers import add_subscriber
from tests.support.feeds import FeedSite, Item, rss

LIMITS = FetchLimits(timeout_seconds=5.0, max_bytes=4 * 1024 * 1024, allow_private=True)


def good(number: int) -> str:
    return json.dumps({"id": 1000 + number, "title": f"Good news {number}", "body": "<p>fine</p>"})


# What `json` cannot build: nesting beyond the recursion limit, integers beyond Python's digit limit.
poison_values = st.one_of(
    st.integers(1500, 20000).map(lambda depth: "[" * depth + "]" * depth),
    st.integers(1500, 20000).map(lambda depth: '{"a":' * depth + "1" + "}" * depth),
    st.integers(4301, 20000).map(lambda digits: "9" * digits),
    st.integers(4301, 20000).map(lambda digits: "-" + "1" * digits),
)


@st.composite
def poisoned_item(draw: st.DrawFn) -> str:
    value = draw(poison_values)
    where = draw(st.sampled_from(["field", "id", "item"]))
    if where == "item":
        return value  # the item itself
    if where == "id":
        return '{"id": ' + value + ', "title": "poison"}'
    return '{"id": ' + str(draw(st.integers(1, 999))) + ', "title": "poison", "extra": ' + value + "}"


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, int]:
    """A gov.kz answer of good items with poisoned ones at random places; returns it and the good count."""
    goods = draw(st.integers(1, 6))
    items = [good(number) for number in range(goods)]
    for _ in range(draw(st.integers(1, 3))):
        items.insert(draw(st.integers(0, len(items))), draw(poisoned_item()))
    listing = "[" + ", ".join(items) + "]"
    wrapped = draw(st.booleans())
    body = (
        '{"totalElements": ' + str(len(items)) + ', "content": ' + listing + ', "last": true}' if wrapped else listing
    )
    return body, goods


async def _poll_once(body: str, database_url: str) -> tuple[list[StoredEntry], str, int, bool]:
    """One poll of a gov.kz listing served as `body`: what was handed on, the outcome, the source's failures and
    whether it stays enabled."""
    db = Database(database_url)
    await db.migrate()
    site = FeedSite()
    await site.server.start_server()
    handed: list[StoredEntry] = []

    async def on_new_entries(entries: Sequence[StoredEntry]) -> None:
        handed.extend(entries)

    try:
        async with create_http_session(LIMITS) as session:
            # failure_threshold=1: a poll counted as failed would disable the source at once.
            poller = FeedPoller(
                db, session, on_new_entries=on_new_entries, policy=PollPolicy(fetch=LIMITS, failure_threshold=1)
            )
            url = site.serve("/api/news", body, content_type="application/json")
            source = await SourceRepository(db).add(NewSource(url + "?projects=eq:ecogeo", "govkz", "ru", "gov", 300))
            [outcome] = await poller.poll_now([source.id])
            after = await SourceRepository(db).get(source.id)
            assert after is not None
            return handed, outcome.outcome, after.consecutive_failures, after.enabled
    finally:
        await site.server.close()
        await db.close()


def _sqlite(workdir: Path) -> str:
    return f"sqlite+aiosqlite:///{workdir}/bot.sqlite3"


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(document=documents())
def test_poisoned_gov_kz_items_cost_only_themselves(document: tuple[str, int]) -> None:
    body, goods = document
    with tempfile.TemporaryDirectory() as workdir:
        handed, outcome, failures, enabled = asyncio.run(_poll_once(body, _sqlite(Path(workdir))))
    assert outcome == "ok"
    assert (failures, enabled) == (0, True)
    titles = [entry.entry.title for entry in handed]
    # Every good item; a poisoned item whose junk `json` could still build (in a field the bot never reads) may
    # go out as well, which loses nothing.
    assert sorted(title for title in titles if title != "poison") == sorted(f"Good news {n}" for n in range(goods))


async def test_a_body_that_is_not_json_still_fails_the_poll(tmp_path: Path) -> None:
    for body in ('[{"id": 1, "title": "cut', "<html>maintenance</html>", '{"content": 5}', "[" * 5000):
        handed, outcome, failures, _enabled = await _poll_once(body, _sqlite(tmp_path))
        assert outcome in ("bad_json", "bad_shape"), (body[:30], outcome)
        assert failures == 1 and handed == []
        (tmp_path / "bot.sqlite3").unlink()


async def test_a_skipped_item_is_logged_with_its_reason(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    body = "[" + ", ".join([good(1), '{"id": 7, "n": ' + "9" * 5000 + "}", good(2)]) + "]"
    with caplog.at_level(logging.WARNING):
        handed, outcome, _failures, _enabled = await _poll_once(body, _sqlite(tmp_path))
    assert outcome == "ok" and len(handed) == 2
    [skipped] = [record for record in caplog.records if record.getMessage() == "feeds.item_skipped"]
    assert "ValueError" in skipped.__dict__["reason"] and "digits" in skipped.__dict__["reason"]


async def test_an_rss_item_failing_downstream_costs_only_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Any exception while one item is made ready to store skips that item only."""
    real = poller_module.entry_record

    def entry_record(entry: Entry, classifier: AllianceClassifier) -> EntryRecord:
        if entry.title == "Cursed":
            raise RecursionError("maximum recursion depth exceeded")
        return real(entry, classifier)

    monkeypatch.setattr(poller_module, "entry_record", entry_record)
    feed = rss([Item("Before", guid="a"), Item("Cursed", guid="b"), Item("After", guid="c")])
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/bot.sqlite3")
    await db.migrate()
    site = FeedSite()
    await site.server.start_server()
    handed: list[StoredEntry] = []

    async def on_new_entries(entries: Sequence[StoredEntry]) -> None:
        handed.extend(entries)

    try:
        async with create_http_session(LIMITS) as session:
            poller = FeedPoller(
                db, session, on_new_entries=on_new_entries, policy=PollPolicy(fetch=LIMITS, failure_threshold=1)
            )
            source = await SourceRepository(db).add(NewSource(site.serve("/feed", feed), "rss", "ru", "site", 300))
            [outcome] = await poller.poll_now([source.id])
    finally:
        await site.server.close()
        await db.close()
    assert outcome.outcome == "ok"
    assert sorted(entry.entry.title for entry in handed) == ["After", "Before"]


async def test_subscribers_get_the_good_items_beside_a_poisoned_one(
    stub: BotAPIStub, site: FeedSite, database_url: str
) -> None:
    body = "[" + ", ".join([good(1), "[" * 5000 + "]" * 5000, good(2), '{"id": 3, "n": ' + "7" * 9000 + "}"]) + "]"
    url = site.serve("/api/news", body, content_type="application/json")
    reader = stub.user(5301, language_code="ru")
    running = await start_bot(make_settings(stub, database_url, poll_interval_seconds=10), stub)
    try:
        db: Database = running.services.db
        await add_subscriber(db, reader.id, scope="all")
        source = await SourceRepository(db).add(NewSource(url + "?projects=eq:ecogeo", "govkz", "ru", "gov", 10))
        await stub.wait_until(lambda: len(reader.messages()) >= 2)
        after = await SourceRepository(db).get(source.id)
    finally:
        await running.stop()
    assert sorted(message.text.split("\n")[0] for message in reader.messages()) == ["Good news 1", "Good news 2"]
    assert after is not None and after.consecutive_failures == 0 and after.last_outcome == "ok"


async def test_a_record_the_database_refuses_costs_only_itself(database_url: str, tmp_path: Path) -> None:
    """PostgreSQL refuses a NUL character in text; the poll stores the other items one by one."""
    body = "[" + ", ".join([good(1), '{"id": 9, "title": "NUL \\u0000 inside"}', good(2)]) + "]"
    handed, outcome, _failures, _enabled = await _poll_once(body, database_url)
    assert outcome == "ok"
    titles = sorted(entry.entry.title for entry in handed)
    assert titles in (["Good news 1", "Good news 2"], ["Good news 1", "Good news 2", "NUL \x00 inside"])
