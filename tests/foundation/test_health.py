"""/healthz and /metrics as a load balancer and Prometheus see them.

The bot itself records what is checked: a real poll of a local feed and a real push through one 429;
the test reads the counters before and after, so a metric nobody records cannot pass.
"""

import asyncio
import socket

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from bot.metrics import REGISTRY
from local_telegram import BotAPIStub, Fault
from storage.sources import NewSource, SourceRepository
from tests.conftest import make_settings, start_bot
from tests.delivery.helpers import make_entry
from tests.support.feeds import FeedSite, items, rss


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
        async with asyncio.timeout(30):
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
