"""/healthz and /metrics as a load balancer and Prometheus see them.

The bot itself records what is checked: a real poll of a local feed and a real push through one 429;
the test reads the counters before and after, so a metric nobody records cannot pass.
"""

import asyncio
import re
import socket

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from bot.runtime.metrics import REGISTRY
from domain.audit import SHELL
from domain.sources import NewSource
from local_telegram import BotAPIStub, Fault
from storage.sources import SourceRepository
from tests.conftest import ADMIN_ID, make_settings, start_bot
from tests.delivery.conftest import drained
from tests.delivery.helpers import add_subscriber, make_entry
from tests.support.feeds import FeedSite, Item, items, rss


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def scraped(metrics: str, name: str, **labels: str) -> float:
    for family in text_string_to_metric_families(metrics):
        for found in family.samples:
            if found.name == name and found.labels == labels:
                return float(found.value)
    return 0.0


async def test_health_and_metrics(stub: BotAPIStub, database_url: str, site: FeedSite) -> None:
    port = free_port()
    running = await start_bot(make_settings(stub, database_url, health_port=port), stub)
    try:
        before = {
            "polls": sample("bot_polls_total", outcome="ok"),
            "polled": sample("bot_poll_duration_seconds_count"),
            "sent": sample("bot_sends_total", outcome="sent"),
            "429": sample("bot_telegram_429_total"),
        }
        user = stub.user(7001, language_code="ru")
        await user.ask("/start")
        url = site.serve("/feed", rss(items(1)))
        source = await SourceRepository(running.services.db).add(NewSource(url, "rss", "ru", "Local feed", 300))
        await running.services.poller.poll_now([source.id])
        stub.faults.append(Fault(method="sendMessage", chat_id=user.id, status=429, retry_after=1, times=1))
        await running.services.delivery.announce([make_entry("Alliance meeting in Astana", language="ru")])
        await stub.wait_until(lambda: any("Astana" in m.text for m in user.messages()))
        # The counter moves once the sender has the answer; the message may show a moment earlier.
        while sample("bot_sends_total", outcome="sent") <= before["sent"]:
            await asyncio.sleep(0.05)
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                assert response.status == 200
                health = await response.json()
            async with http.get(f"http://127.0.0.1:{port}/metrics") as response:
                metrics = await response.text()
        assert health["ok"] and health["database"] == "ok"
        assert 0 <= health["last_poll_age_seconds"] < 60
        assert scraped(metrics, "bot_polls_total", outcome="ok") == before["polls"] + 1
        assert scraped(metrics, "bot_poll_duration_seconds_count") == before["polled"] + 1
        assert scraped(metrics, "bot_sends_total", outcome="sent") >= before["sent"] + 1
        assert scraped(metrics, "bot_telegram_429_total") == before["429"] + 1
    finally:
        await running.stop()


async def scrape(port: int) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of /metrics by name and labels."""
    async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{port}/metrics") as response:
        assert response.status == 200
        text = await response.text()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def test_health_and_metrics_move_with_the_bots_own_work(
    stub: BotAPIStub, site: FeedSite, database_url: str
) -> None:
    port = free_port()
    url = site.serve("/feed/", rss([Item(title="Metrics news", link="https://site.kz/m", guid="m")]))
    reader = stub.user(5301, language_code="en")
    running = await start_bot(make_settings(stub, database_url, health_port=port, poll_interval_seconds=10), stub)
    try:
        before = await scrape(port)
        await add_subscriber(running.services.db, reader.id, language="en", scope="all", languages=["en", "ru"])
        source = await running.services.source_repository.add(NewSource(url, "rss", "ru", "Site", 10))
        await stub.wait_until(lambda: any(m.text.startswith("Metrics news") for m in reader.messages()))
        await reader.ask("Who are the co-chairs?")
        await reader.ask("Is France a member?")
        # The sender records results in groups: the push is on screen before its row is marked sent.
        await drained(running.services.outbox)
        after = await scrape(port)
        async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{port}/healthz") as response:
            assert response.status == 200
            health = await response.json()
    finally:
        await running.stop()

    def moved(name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0.0) - before.get(key, 0.0)

    assert moved("bot_polls_total", outcome="ok") >= 1
    assert moved("bot_poll_duration_seconds_count") >= 1
    assert moved("bot_sends_total", outcome="sent") >= 1
    assert moved("bot_send_latency_seconds_count") >= 1
    assert moved("bot_questions_total", outcome="answered") >= 1
    assert moved("bot_questions_total", outcome="missed") >= 1
    assert after[("bot_source_consecutive_failures", (("source", str(source.id)),))] == 0
    assert after[("bot_source_last_success_timestamp_seconds", (("source", str(source.id)),))] > 0
    assert after[("bot_outbox_queue_length", ())] == 0
    assert health["ok"] and health["database"] == "ok" and health["stalled"] == []
    assert 0 <= health["last_poll_age_seconds"] < 60
    assert 0 <= health["last_send_age_seconds"] < 60


async def test_metrics_count_as_the_admin_console_counts(stub: BotAPIStub, site: FeedSite, database_url: str) -> None:
    """The walk: /metrics and /kb misses counted questions differently ("I don't know" was `answered` on /metrics),
    and a source resumed after failures read 0 in /sources but kept its streak on /metrics. One definition each."""
    port = free_port()
    url = site.serve("/broken/", "gone", status=500)
    running = await start_bot(make_settings(stub, database_url, health_port=port), stub)
    boss = stub.user(ADMIN_ID, first_name="Admin", language_code="en")
    reader = stub.user(5302, language_code="ru")
    try:
        before = await scrape(port)
        source = await running.services.source_repository.add(NewSource(url, "rss", "ru", "Broken", 3600))
        # A new source is due at once: the bot's tick may poll it too, so it is polled by hand until it has failed
        # three times in a row (after a failure it waits its back-off, the tick leaves it alone).
        while (await running.services.source_repository.get(source.id)).consecutive_failures < 3:
            await running.services.poller.poll_now([source.id])
        after_failures = await scrape(port)
        listing = await boss.ask("/sources")
        for question in ("Кто сопредседатели?", "Какая погода на Марсе завтра?", "Что такое фотосинтез у кактусов?"):
            await reader.ask(question)
        misses = await boss.ask("/kb misses")
        after_questions = await scrape(port)
        # Fixed at the source, then resumed (a resumed source is due at once: the bot may poll it right away).
        site.serve("/broken/", rss([]))
        await running.services.source_admin.set_enabled(source.id, True, actor=SHELL)
        resumed = await scrape(port)
        relisted = await boss.ask("/sources")
    finally:
        await running.stop()

    key = ("bot_source_consecutive_failures", (("source", str(source.id)),))
    assert after_failures[key] == 3
    assert "failures in a row: 3" in listing.text
    assert resumed[key] == 0
    assert "failures in a row: 0" in relisted.text
    missed = after_questions.get(("bot_questions_total", (("outcome", "missed"),)), 0.0) - before.get(
        ("bot_questions_total", (("outcome", "missed"),)), 0.0
    )
    shown = re.search(r"(\d+) in all\)", misses.text)
    assert shown is not None, misses.text
    assert missed == int(shown.group(1)) >= 1
