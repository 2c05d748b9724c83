"""/healthz and /metrics as a load balancer and Prometheus see them."""

import socket

import aiohttp

from bot.metrics import record_poll, record_send
from local_telegram import BotAPIStub
from tests.conftest import make_settings, start_bot


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_health_and_metrics(stub: BotAPIStub, database_url: str) -> None:
    port = free_port()
    running = await start_bot(make_settings(stub, database_url, health_port=port), stub)
    try:
        record_poll("ok", 0.2)
        record_send("sent")
        record_send("rate_limited")
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                assert response.status == 200
                health = await response.json()
            async with http.get(f"http://127.0.0.1:{port}/metrics") as response:
                metrics = await response.text()
        assert health["ok"] and health["database"] == "ok"
        assert 0 <= health["last_poll_age_seconds"] < 60
        assert 'bot_sends_total{outcome="sent"}' in metrics
        assert "bot_telegram_429_total" in metrics
        assert "bot_poll_duration_seconds_bucket" in metrics
    finally:
        await running.stop()
