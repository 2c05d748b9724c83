"""Fault run (small): 300 chats, two messages each, while the Bot API answers 10% 5xx, 5% timeouts and 429 storms.

`python -m bench.faults` runs the same code with 5,000 chats; its figures are in docs/GUARANTEES.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.faults import FaultPlan, fault_fanout
from local_telegram import BotAPIStub


@pytest.mark.slow  # several seconds: `pytest -m "not slow"` leaves it out
async def test_everyone_gets_both_messages_in_order_despite_faults(stub: BotAPIStub, tmp_path: Path):
    report = await fault_fanout(stub, tmp_path, 300, FaultPlan(storm_every=2.0))
    print("\n" + "\n".join(report.lines()))
    assert report.server_errors > 0 and report.timeouts > 0 and report.storm_429s > 0, "no fault fired"
    assert report.missing == 0
    assert report.failed_rows == 0
    assert report.order_broken == 0
    # The only extra copies are of rows retried after an error: requests the client gave up on (timeout)
    # that the stub completed anyway, as Telegram may.
    assert report.unexplained_duplicates == 0
    # No retry loop: a row is tried a handful of times, the whole run needs well under two calls per message.
    assert report.max_attempts <= 8
    assert report.send_calls < 2 * 600
