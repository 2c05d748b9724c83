"""Broadcasts end to end: preview and count, 500 recipients with a live report, cancel, schedule across a restart."""

import asyncio
import itertools
import json
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiogram import Bot
from aiogram.client.session.middlewares.base import NextRequestMiddlewareType
from aiogram.methods import EditMessageText, TelegramMethod
from sqlalchemy import select

from bot.runtime.admin_jobs import BROADCASTS_JOB, REPORT_MIN_GAP, broadcast_tick
from bot.runtime.factory import create_bot
from bot.services.admin.broadcasts import BroadcastService
from domain.audit import SHELL, Actor
from domain.clock import utcnow
from local_telegram import BotAPIStub, Fault, SentMessage
from storage import Database
from storage.broadcasts import Broadcast, BroadcastRepository
from storage.outbox import Outbox
from storage.schema import broadcasts, outbox_deliveries
from tests.admin.conftest import add_subscribers, admin, compose, copies
from tests.conftest import ADMIN_ID, RunningBot, make_settings, start_bot
from tests.support.audit import AuditRecords
from tests.support.clock import MovableClock

ALMATY = ZoneInfo("Asia/Almaty")  # an English-speaking admin starts in the bot's TIMEZONE


async def ticked_after(app: RunningBot, moment: datetime) -> None:
    """Wait until a whole run of the leader's broadcast job has looked for due broadcasts at `moment` or later.

    The job's next run begins only after the previous one ended, so the second look past `moment` means the
    first one, and whatever it started, is over. The test's clock jumped past `moment`, which the idle job, asleep
    until the work it knew of, is not told of: it is woken, as real time passing would have run it, and woken again
    during its first look past `moment` so that the second follows at its interval.
    """
    service = app.services.broadcasts
    looked = asyncio.Event()
    looks: list[datetime] = []
    original = service.due

    async def due(now: datetime) -> list[Broadcast]:
        if now >= moment:
            looks.append(now)
            app.services.supervisor.wake(BROADCASTS_JOB)
            if len(looks) >= 2:
                looked.set()
        return await original(now)

    service.due = due  # type: ignore[method-assign]  # counts the leader job's looks
    app.services.supervisor.wake(BROADCASTS_JOB)
    try:
        await looked.wait()  # the per-test timeout guards a hang
    finally:
        del service.due


@pytest.mark.slow  # several seconds: `pytest -m "not slow"` leaves it out
async def test_broadcast_to_500_subscribers_completes_with_a_correct_report(stub: BotAPIStub, app: RunningBot) -> None:
    users = await add_subscribers(app, stub, 500)
    stub.block(users[7].id)
    boss = admin(stub)
    confirm = await compose(boss)
    assert confirm.text == "Audience: Everyone. It will reach 500 recipients."
    boss.press(confirm, "Send now")
    report = await boss.reply()
    assert report.text.startswith("Broadcast #1")
    # The final report: done, and without the cancel button (a report posted after the last send already reads
    # "done"; the leader's next tick makes it final).
    await stub.wait_until(lambda: "done" in report.text and not report.buttons)
    assert copies(stub, users) == 499
    assert "Sent: 499 · failed: 0 · blocked: 1 · left: 0" in report.text
    assert report.buttons == []  # the final report stays, without the cancel button
    first = stub.sent_to(users[0].id)[0]
    assert first.text == "<b>Hello</b> subscribers"  # what the admin sent, copied as it was
    assert first.params["from_chat_id"] in (str(boss.id), boss.id)
    # The report's own edits (the audience question is edited too, once, when the admin chooses).
    edits = [
        call.at
        for call in stub.calls_of("editMessageText")
        if str(call.params.get("message_id")) == str(report.message_id)
    ]
    assert all(later - earlier >= 2.5 for earlier, later in itertools.pairwise(edits))
    actions = [row["action"] for row in await app.services.audit.recent()]
    assert {"broadcast.draft", "broadcast.audience", "broadcast.send"} <= set(actions)


def posted_buttons(message: SentMessage) -> list[dict[str, Any]]:
    """The buttons a message had when it was posted (later edits aside)."""
    markup = message.params.get("reply_markup") or {}
    markup = json.loads(markup) if isinstance(markup, str) else markup
    return [button for row in markup.get("inline_keyboard", []) for button in row]


async def test_a_broadcast_done_before_its_report_gets_the_final_report_at_once(
    stub: BotAPIStub, app: RunningBot
) -> None:
    """The walk: a broadcast whose last send was done when its report was posted read "done" under a Cancel button
    until the leader's next report tick."""
    users = await add_subscribers(app, stub, 3)
    boss = admin(stub)
    confirm = await compose(boss)
    # "Send now" posts the report after answering the button: Telegram holds that answer until every copy is sent
    # and its result stored, so the report is posted after the last send, however busy the machine is.
    gate = asyncio.Event()
    stub.faults.append(Fault(method="answerCallbackQuery", gate=gate, times=1))
    boss.press(confirm, "Send now")
    await stub.wait_until(lambda: copies(stub, users) == 3)
    while await app.services.outbox.pending_count():  # the event: the last result stored
        await asyncio.sleep(0.05)
    gate.set()
    report = await boss.reply()
    assert report.text.startswith("Broadcast #1")
    assert "done" in report.text.splitlines()[0]
    assert posted_buttons(report) == []  # posted final: no Cancel button to press on a finished broadcast
    finished = await app.services.broadcasts.get(1)
    assert finished is not None and finished.status == "done"
    # The service audits each step for whichever door it came through: Telegram here, with the admin's id.
    steps = {row["action"]: row for row in await app.services.audit.recent() if row["action"].startswith("broadcast")}
    for action in ("broadcast.draft", "broadcast.audience", "broadcast.send"):
        assert (steps[action]["actor_id"], steps[action]["details"]["door"]) == (ADMIN_ID, "telegram"), action
    assert steps["broadcast.send"]["details"]["recipients"] == 3


async def test_the_broadcast_service_audits_every_step_for_the_shell_too(db: Database) -> None:
    audit = AuditRecords()
    service = BroadcastService(BroadcastRepository(db), Outbox(db), audit=audit)
    draft = await service.draft(ADMIN_ID, (ADMIN_ID, 1), "en", "Hello", actor=SHELL)
    assert await service.choose_audience(draft.id, "all", actor=SHELL) == 0
    assert await service.schedule(draft.id, utcnow() + timedelta(hours=1), actor=SHELL)
    assert await service.cancel(draft.id, actor=Actor.admin(ADMIN_ID)) is not None
    assert await service.cancel(draft.id, actor=SHELL) is None  # over already: nothing done, nothing recorded
    assert [(action, actor, details.get("door")) for action, actor, details in audit.entries] == [
        ("broadcast.draft", None, "shell"),
        ("broadcast.audience", None, "shell"),
        ("broadcast.schedule", None, "shell"),
        ("broadcast.cancel", ADMIN_ID, "telegram"),
    ]
    assert audit.entries[-1][2]["was"] == "scheduled"


async def test_photo_broadcast_reaches_every_recipient_with_its_caption(stub: BotAPIStub, app: RunningBot) -> None:
    users = await add_subscribers(app, stub, 20)
    boss = admin(stub)
    assert "Send the message" in (await boss.ask("/broadcast")).text
    boss.send_media("photo", caption="Alliance meeting, Astana")
    choose = await boss.reply()
    boss.press(choose, "Everyone")
    await boss.reply()  # "Preview ..."
    preview = await boss.reply()
    assert (preview.copied_kind, preview.text) == ("photo", "Alliance meeting, Astana")
    confirm = await boss.reply()
    boss.press(confirm, "Send now")
    report = await boss.reply()
    await stub.wait_until(lambda: "done" in report.text)
    for user in users:
        (copy,) = [m for m in stub.sent_to(user.id) if m.kind == "copy"]
        assert (copy.copied_kind, copy.text) == ("photo", "Alliance meeting, Astana")


async def test_audience_by_language_counts_and_reaches_only_that_language(stub: BotAPIStub, app: RunningBot) -> None:
    ru = await add_subscribers(app, stub, 3, first_id=20_000, language="ru")
    kk = await add_subscribers(app, stub, 2, first_id=21_000, language="kk")
    boss = admin(stub)
    confirm = await compose(boss, "Сәлем", audience="Kazakh")
    assert confirm.text == "Audience: Kazakh. It will reach 2 recipients."
    # The walk: the audience buttons stayed under the question after the choice; now the choice replaces them.
    (question,) = [m for m in stub.sent_to(boss.id) if m.text.startswith("Who should receive it?")]
    assert question.text == "Who should receive it? Kazakh ✓"
    assert question.buttons == []
    boss.press(confirm, "Send now")
    report = await boss.reply()
    await stub.wait_until(lambda: "done" in report.text)
    assert copies(stub, kk) == 2
    assert copies(stub, ru) == 0


@pytest.mark.slow
async def test_cancelling_halfway_stops_the_broadcast(stub: BotAPIStub, database_url: str) -> None:
    app = await start_bot(make_settings(stub, database_url, send_rate_per_second=30), stub)
    try:
        users = await add_subscribers(app, stub, 150)
        boss = admin(stub)
        confirm = await compose(boss)
        boss.press(confirm, "Send now")
        report = await boss.reply()
        await stub.wait_until(lambda: copies(stub, users) >= 20)
        # Telegram holds the copies while the admin cancels, so how far the broadcast gets does not depend on
        # how busy the machine is; only the sends already on their way may still land.
        gate = asyncio.Event()
        stub.faults.append(Fault(method="copyMessage", gate=gate))
        reached = copies(stub, users)
        query = boss.press(report, "Cancel")
        assert (await boss.callback_answer(query))["text"] == "The broadcast is cancelled."
        await stub.wait_until(lambda: "cancelled" in report.text.splitlines()[0])
        gate.set()
        # The event after which nothing more can be sent or recorded: the sender stopped, the held sends finished
        # and their results committed (the cancel left nothing pending, so an empty queue comes too early).
        await app.services.sender.stop()
        async with app.services.db.connect() as conn:
            statuses = [row.status for row in (await conn.execute(select(outbox_deliveries))).all()]
        in_flight = app.services.sender.concurrency
    finally:
        await app.stop()
    assert reached >= 20
    assert reached <= copies(stub, users) <= reached + in_flight < 150
    assert statuses.count("sent") == copies(stub, users)
    assert statuses.count("cancelled") == 150 - copies(stub, users)
    assert report.buttons == []


@pytest.mark.slow
async def test_a_tick_right_after_an_edit_leaves_the_report_to_the_next(stub: BotAPIStub, database_url: str) -> None:
    """The report job runs at a fixed rate: a tick that started late is followed by one at once. Telegram would
    refuse edits that close (429), so the second tick leaves the report alone."""
    app = await start_bot(make_settings(stub, database_url, send_rate_per_second=1), stub)
    ours = create_bot(app.settings)  # the ticks under test edit through this bot; the app's own job keeps its own
    edits: list[int | None] = []

    async def count(make_request: NextRequestMiddlewareType[Any], bot: Bot, method: TelegramMethod[Any]) -> Any:
        if isinstance(method, EditMessageText):
            edits.append(method.message_id)
        return await make_request(bot, method)

    ours.session.middleware(count)
    try:
        await add_subscribers(app, stub, 60)
        boss = admin(stub)
        confirm = await compose(boss)
        boss.press(confirm, "Send now")
        report = await boss.reply()
        await stub.wait_until(lambda: bool(stub.calls_of("editMessageText")))  # it is on record
        edited: dict[int, datetime] = {}
        services = app.services
        # The ticks read a clock that moves only when told: two ticks however far apart in real time on a busy
        # machine, and then one the least gap later.
        clock = MovableClock(frozen=True)
        await broadcast_tick(ours, services.broadcasts, services.leadership, edited, clock)
        await broadcast_tick(ours, services.broadcasts, services.leadership, edited, clock)
        (running,) = await services.broadcasts.running()  # 60 recipients at 1/s: still going
        assert edits == [report.message_id]  # one edit of the report, not two
        assert list(edited) == [running.id]
        clock.advance(seconds=REPORT_MIN_GAP.total_seconds())
        await broadcast_tick(ours, services.broadcasts, services.leadership, edited, clock)
        assert edits == [report.message_id] * 2  # the least gap later, the next tick edits it
        await services.broadcasts.cancel(running.id, actor=SHELL)
        await broadcast_tick(ours, services.broadcasts, services.leadership, edited, clock)
    finally:
        await ours.session.close()
        await app.stop()
    assert edited == {}  # a cancelled broadcast is forgotten, not kept for the life of the process


@pytest.mark.slow
async def test_scheduled_broadcast_goes_out_after_a_restart(stub: BotAPIStub, database_url: str) -> None:
    settings = make_settings(stub, database_url)
    clock = MovableClock()
    first = await start_bot(settings, stub, clock=clock)
    users = await add_subscribers(first, stub, 5)
    boss = admin(stub)
    confirm = await compose(boss, "Tomorrow's meeting")
    boss.press(confirm, "Schedule")
    assert "date and time on your clock (Almaty (UTC+5))" in (await boss.reply()).text
    assert "future date" in (await boss.ask("yesterday")).text
    due = clock() + timedelta(hours=1)
    scheduled = await boss.ask(f"{due.astimezone(ALMATY):%Y-%m-%d %H:%M:%S}")  # the admin's clock, not UTC
    assert scheduled.text.startswith("Scheduled for")
    assert f"{due.astimezone(ALMATY):%H:%M} (Almaty, UTC+5)" in scheduled.text
    await first.stop()
    assert copies(stub, users) == 0

    clock.advance(hours=2)  # the bot was down while it fell due
    second = await start_bot(settings, stub, clock=clock)
    try:
        await stub.wait_until(lambda: copies(stub, users) == 5)
        report = await boss.reply()
        await stub.wait_until(lambda: "done" in report.text)
        async with second.services.db.connect() as conn:
            (row,) = (await conn.execute(select(broadcasts))).all()
    finally:
        await second.stop()
    assert row.status == "done"
    assert copies(stub, users) == 5  # sent once, not once per process


async def test_a_scheduled_broadcast_can_be_cancelled(stub: BotAPIStub, database_url: str) -> None:
    clock = MovableClock()
    app = await start_bot(make_settings(stub, database_url), stub, clock=clock)
    users = await add_subscribers(app, stub, 3)
    boss = admin(stub)
    confirm = await compose(boss, "Never")
    boss.press(confirm, "Schedule")
    await boss.reply()
    due_at = clock() + timedelta(hours=1)
    scheduled = await boss.ask(f"{due_at.astimezone(ALMATY):%Y-%m-%d %H:%M:%S}")
    query = boss.press(scheduled, "Cancel")
    assert (await boss.callback_answer(query))["text"] == "The broadcast is cancelled."
    clock.advance(hours=2)
    # The leader's job would start it: wait for a run of that job that looks past the time it was due.
    try:
        await ticked_after(app, due_at.replace(microsecond=0))
        async with app.services.db.connect() as conn:
            (row,) = (await conn.execute(select(broadcasts))).all()
    finally:
        await app.stop()
    assert row.status == "cancelled"
    assert copies(stub, users) == 0


async def test_the_schedule_prompt_example_is_in_the_admins_zone_and_accepted(
    stub: BotAPIStub, app: RunningBot
) -> None:
    boss = admin(stub)
    assert (await boss.ask("/settings timezone europe/berlin")).text.startswith("Time zone: Berlin")
    confirm = await compose(boss, "At the example time")
    boss.press(confirm, "Schedule")
    prompt = await boss.reply()
    assert "(Berlin (UTC+1))" in prompt.text or "(Berlin (UTC+2))" in prompt.text
    example = prompt.text.split("for example ")[1].split(".")[0]
    scheduled = await boss.ask(example)
    assert scheduled.text.startswith("Scheduled for"), scheduled.text
    async with app.services.db.connect() as conn:
        (row,) = (await conn.execute(select(broadcasts))).all()
    assert row.status == "scheduled"
    local = row.due_at.astimezone(ZoneInfo("Europe/Berlin"))
    assert f"{local:%Y-%m-%d %H:%M}" == example
    assert timedelta(minutes=59) < row.due_at - utcnow() < timedelta(minutes=62)


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("0001-01-01 00:30", "I need a future date and time on your clock"),  # crashed the handler: date overflow
        ("01.01.0001 03:00", "I need a future date and time on your clock"),
        ("9999-12-31 23:59", "A broadcast can be scheduled at most a year ahead"),  # was accepted
        ("2999-06-01 12:00", "A broadcast can be scheduled at most a year ahead"),
    ],
)
async def test_typed_dates_out_of_range_get_a_clear_answer_and_schedule_nothing(
    stub: BotAPIStub, app: RunningBot, typed: str, answer: str
) -> None:
    boss = admin(stub)
    confirm = await compose(boss, "Far away")
    boss.press(confirm, "Schedule")
    await boss.reply()
    reply = await boss.ask(typed)
    assert reply.text.startswith(answer), reply.text
    assert "went wrong" not in reply.text
    async with app.services.db.connect() as conn:
        (row,) = (await conn.execute(select(broadcasts))).all()
    assert row.status != "scheduled" and row.due_at is None
