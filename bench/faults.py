"""Fault run: a fan-out of two messages to each of 5,000 chats while the Bot API misbehaves.

Run: `python -m bench.faults` (about a minute; 127.0.0.1 only). The stub (in this process) answers 10% of
sendMessage calls with a 5xx, holds 5% past the client's timeout, and every 5 s answers every call for half a
second with 429 retry_after=1 (a "storm"); it also enforces a global rate limit. The baseline is the same
fan-out without faults. Printed: what arrived (everyone, nobody twice except after a timeout the stub
completed anyway, per-chat order), how often rows were tried, and the time ratio faulted / baseline.
`tests/reliability/test_faults.py` runs the same code with 300 chats.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from aiogram.client.telegram import TelegramAPIServer

from bot.config import Settings
from bot.runtime.factory import create_bot
from bot.services.delivery import Delivery
from bot.telegram.sender import Sender
from bot.telegram.session import ResilientSession
from domain.clock import utcnow
from local_telegram import BotAPIStub
from local_telegram.server import TOKEN, Fault, RateLimits
from storage import Database
from storage.outbox import Outbox
from storage.schema import outbox_deliveries
from storage.subscriptions import SubscriptionRepository
from tests.delivery.helpers import make_entry, subscribe_many

FIRST_ID = 7_000_000
TITLES = ("Fault run first", "Fault run second")


@dataclass(frozen=True)
class FaultPlan:
    """What goes wrong, and how the client is tuned to notice it quickly."""

    server_errors: float = 0.10
    timeouts: float = 0.05
    storm_every: float = 5.0  # seconds between 429 storms; 0 for none
    storm_seconds: float = 0.5  # every sendMessage during a storm is answered 429 retry_after=1
    client_timeout: float = 0.5
    rate: float = 400.0
    concurrency: int = 20

    @property
    def faulty(self) -> bool:
        return bool(self.server_errors or self.timeouts or self.storm_every)


NO_FAULTS = FaultPlan(server_errors=0.0, timeouts=0.0, storm_every=0.0)


@dataclass(frozen=True)
class FaultReport:
    recipients: int
    seconds: float
    complete: int  # chats that got both messages
    missing: int  # chats that lack at least one
    duplicates: int  # extra copies
    unexplained_duplicates: int  # extra copies of a row that never had a transient error (timeout, 5xx)
    late_duplicates: int  # extra copies that arrived after the chat's next message
    order_broken: int  # chats whose first copies arrived out of order
    send_calls: int
    server_errors: int
    timeouts: int
    storm_429s: int
    limit_429s: int  # 429s from the stub's own rate limit (the sender's pacing overshooting)
    max_attempts: int  # the most tries one row took
    failed_rows: int

    def lines(self) -> list[str]:
        rows = 2 * self.recipients
        return [
            f"recipients {self.recipients}, messages {rows}, {self.seconds:.1f} s",
            f"complete {self.complete}, missing {self.missing}, duplicates {self.duplicates} "
            f"(of rows never retried {self.unexplained_duplicates}, arrived late {self.late_duplicates}), "
            f"per-chat order broken {self.order_broken}",
            f"sendMessage calls {self.send_calls} ({self.send_calls / rows:.3f} per message), max tries of one row "
            f"{self.max_attempts}, failed rows {self.failed_rows}",
            f"faults fired: 5xx {self.server_errors}, timeouts {self.timeouts}, storm 429s {self.storm_429s}, "
            f"rate-limit 429s {self.limit_429s}",
        ]


async def _storms(stub: BotAPIStub, plan: FaultPlan, fired: list[Fault]) -> None:
    while True:
        await asyncio.sleep(plan.storm_every)
        storm = Fault(method="sendMessage", status=429, retry_after=1)
        fired.append(storm)
        stub.faults.append(storm)
        await asyncio.sleep(plan.storm_seconds)
        stub.faults.remove(storm)


async def fault_fanout(stub: BotAPIStub, workdir: Path, recipients: int, plan: FaultPlan) -> FaultReport:
    """Fan two messages out to `recipients` fresh chats through `stub` with `plan`'s faults; count what arrived."""
    database_url = f"sqlite+aiosqlite:///{workdir}/faults-{recipients}-{int(plan.faulty)}.sqlite3"
    ids = range(FIRST_ID, FIRST_ID + recipients)
    for chat_id in ids:
        stub.user(chat_id)
    stub.rate_limits = RateLimits(global_per_second=int(plan.rate * 1.25))
    db = Database(database_url)
    await db.migrate()
    await subscribe_many(db, ids)
    outbox = Outbox(db)
    # The faults are planted in sendMessage: the articles go as split HTML messages, not as one rich message.
    sender = Sender(outbox, rate=plan.rate, concurrency=plan.concurrency, backoff_base=0.1, backoff_cap=2.0, rich=False)
    delivery = Delivery(SubscriptionRepository(db), outbox, wake=sender.wake)
    base = utcnow() - timedelta(hours=1)
    entries = [
        make_entry(title, entry_id=n + 1, published=base + timedelta(minutes=n)) for n, title in enumerate(TITLES)
    ]
    assert await delivery.announce(entries) == 2 * recipients
    settings = Settings(_env_file=None, bot_token=TOKEN, telegram_api_url=stub.url)
    session = ResilientSession(api=TelegramAPIServer.from_base(stub.url), timeout=plan.client_timeout)
    bot = create_bot(settings, session=session)
    server_errors = Fault(method="sendMessage", status=502, description="Bad Gateway", probability=plan.server_errors)
    timeouts = Fault(method="sendMessage", delay=plan.client_timeout * 1.5, probability=plan.timeouts)
    storms: list[Fault] = []
    if plan.server_errors:
        stub.faults.append(server_errors)
    if plan.timeouts:
        stub.faults.append(timeouts)
    storm_task = asyncio.create_task(_storms(stub, plan, storms)) if plan.storm_every else None
    calls_before = len(stub.calls_of("sendMessage"))
    limited_before = stub.rate_limited
    started = time.monotonic()
    await sender.start(bot)
    try:
        while await outbox.pending_count():  # noqa: ASYNC110 - the outbox is the truth, polled like a progress report
            await asyncio.sleep(0.2)
    finally:
        if storm_task is not None:
            storm_task.cancel()
        await sender.stop()
    seconds = time.monotonic() - started
    await asyncio.sleep(plan.client_timeout * 2)  # requests the client gave up on may still complete at the stub
    stub.faults.clear()
    async with db.connect() as conn:
        retried = {
            (row.chat_id, TITLES[row.message_id - 1])  # the first entry is the first outbox message
            for row in await conn.execute(
                sa.select(outbox_deliveries.c.chat_id, outbox_deliveries.c.message_id).where(
                    outbox_deliveries.c.errors > 0
                )
            )
        }
        max_attempts, failed_rows = (
            await conn.execute(
                sa.select(
                    sa.func.max(outbox_deliveries.c.attempts),
                    sa.func.count().filter(outbox_deliveries.c.status != "sent"),
                )
            )
        ).one()
    await bot.session.close()
    await db.close()

    complete = missing = duplicates = unexplained = late = broken = 0
    for chat_id in ids:
        texts = [TITLES[0] if TITLES[0] in m.text else TITLES[1] for m in stub.sent_to(chat_id)]
        counts = Counter(texts)
        duplicates += sum(n - 1 for n in counts.values())
        unexplained += sum(n - 1 for title, n in counts.items() if (chat_id, title) not in retried)
        if set(counts) == set(TITLES):
            complete += 1
        else:
            missing += 1
        firsts = list(dict.fromkeys(texts))
        broken += firsts != list(TITLES)[: len(firsts)]
        late += sum(1 for n, text in enumerate(texts) if text == TITLES[0] and TITLES[1] in texts[:n])
    return FaultReport(
        recipients=recipients,
        seconds=seconds,
        complete=complete,
        missing=missing,
        duplicates=duplicates,
        unexplained_duplicates=unexplained,
        late_duplicates=late,
        order_broken=broken,
        send_calls=len(stub.calls_of("sendMessage")) - calls_before,
        server_errors=server_errors.fired,
        timeouts=timeouts.fired,
        storm_429s=sum(storm.fired for storm in storms),
        limit_429s=stub.rate_limited - limited_before,
        max_attempts=int(max_attempts or 0),
        failed_rows=int(failed_rows or 0),
    )


async def _main(recipients: int) -> int:
    reports = []
    with tempfile.TemporaryDirectory() as workdir:
        for name, plan in (("baseline, no faults", NO_FAULTS), ("faults", FaultPlan())):
            stub = BotAPIStub()
            await stub.start()
            try:
                report = await fault_fanout(stub, Path(workdir), recipients, plan)
            finally:
                await stub.stop()
            reports.append(report)
            print(f"-- {name}")
            for line in report.lines():
                print("   " + line)
    baseline, faulted = reports
    print(f"time ratio faulted / baseline: {faulted.seconds / baseline.seconds:.2f}")
    ok = faulted.missing == 0 and faulted.order_broken == 0 and faulted.failed_rows == 0
    ok = ok and faulted.unexplained_duplicates == 0
    print("guarantees held" if ok else "GUARANTEES BROKEN")
    return 0 if ok else 1


def main() -> int:
    logging.basicConfig(level=logging.ERROR)  # the sender logs every 429 and retry at WARNING
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=5000)
    args = parser.parse_args()
    return asyncio.run(_main(args.recipients))


if __name__ == "__main__":
    raise SystemExit(main())
