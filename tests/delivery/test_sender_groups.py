"""Results are committed in groups as large as the rate allows without holding a worker past its next turn."""

import pytest

from bot.telegram.sender import Sender
from storage import Database
from storage.outbox import Outbox


@pytest.mark.parametrize(
    ("rate", "latency", "expected"),
    [
        (30, 0.05, 0.8 * 8 / 30 - 0.05),  # 8 workers: a turn every 267 ms, 50 ms of it the send
        (30, 0.30, 0.01),  # Telegram slower than a turn: commit at once, the rate comes first
        (1000, 0.05, 0.8 * 250 / 1000 - 0.05),
        (1, 0.05, 0.2),  # capped: a crash repeats at most what waited
    ],
)
async def test_the_group_delay_follows_the_rate_and_the_send_latency(
    rate: float, latency: float, expected: float
) -> None:
    sender = Sender(Outbox(Database("sqlite+aiosqlite:///:memory:")), rate=rate)
    assert sender.group_delay(latency) == pytest.approx(expected)
