"""Flood limits: every Bot API call waits out a 429, and one chat's limit pauses only that chat."""

from __future__ import annotations

from local_telegram import BotAPIStub, Fault
from local_telegram.server import RateLimits
from storage.outbox import Outbox, Recipient
from tests.conftest import RunningBot, make_settings, start_bot
from tests.delivery.conftest import start_delivery_bot


async def test_a_burst_of_users_is_answered_though_telegram_answers_429(stub: BotAPIStub, database_url: str) -> None:
    running: RunningBot = await start_bot(make_settings(stub, database_url), stub)
    try:
        users = [stub.user(700_000 + n, language_code="en") for n in range(100)]
        # Telegram limits a burst: the first 70 replies are refused with retry_after, as the issue observed.
        stub.faults.append(Fault(method="sendMessage", status=429, retry_after=1, times=70))
        for user in users:
            user.send("/start")
        await stub.wait_until(lambda: all(user.messages() for user in users))
        welcomed = [user for user in users if any(m.text.startswith("Hello") for m in user.messages())]
        assert len(welcomed) == 100
        # A callback answer and an edit meet a 429 too, and are not lost either.
        stub.faults.append(Fault(method="answerCallbackQuery", status=429, retry_after=1, times=1))
        stub.faults.append(Fault(method="editMessageText", status=429, retry_after=1, times=1))
        welcome = users[0].messages()[0]
        query = users[0].press(welcome, data=welcome.buttons[0]["callback_data"])
        await users[0].callback_answer(query)
        await stub.wait_until(lambda: welcome.edits > 0)
    finally:
        await running.stop()


async def test_a_429_in_one_chat_pauses_that_chat_only(stub: BotAPIStub, database_url: str) -> None:
    running = await start_delivery_bot(make_settings(stub, database_url), stub)
    try:
        busy, calm = stub.group(-100_701, "Busy"), stub.group(-100_702, "Calm")
        # The busy group hit its own limit: Telegram asks for a long wait there, and there only.
        stub.faults.append(Fault(method="sendMessage", chat_id=busy.id, status=429, retry_after=120, times=1))
        outbox: Outbox = running.services.outbox
        for n in range(3):
            message_id = await outbox.add_message("broadcast", dedup_key=f"m{n}", payload={"text": f"News {n}"})
            await outbox.add_deliveries(message_id, [Recipient(busy.id), Recipient(calm.id)])
        await stub.wait_until(lambda: len(stub.sent_to(calm.id)) == 3)
        assert [m.text for m in stub.sent_to(calm.id)] == ["News 0", "News 1", "News 2"]
        assert stub.sent_to(busy.id) == []  # still waiting out its 120 s
    finally:
        await running.stop()


async def test_after_a_global_429_the_sends_resume_at_the_rate_without_a_burst(
    stub: BotAPIStub, database_url: str
) -> None:
    # Three chats refused at once is the bot's global limit: every worker holds off for retry_after. Slots the
    # bucket handed out during the pause must not all be spent when it ends (a burst over the limit: 429 again).
    stub.rate_limits = RateLimits(global_per_second=100)
    running = await start_delivery_bot(make_settings(stub, database_url, send_rate_per_second=100), stub)
    try:
        chats = [stub.user(710_000 + n).id for n in range(400)]
        stub.faults.append(Fault(method="sendMessage", status=429, retry_after=1, times=3))
        outbox: Outbox = running.services.outbox
        message_id = await outbox.add_message("broadcast", dedup_key="burst", payload={"text": "News"})
        await outbox.add_deliveries(message_id, [Recipient(chat) for chat in chats])
        running.services.sender.wake()
        await stub.wait_until(lambda: all(stub.sent_to(chat) for chat in chats))
        assert stub.rate_limited == 0  # no request over the limit: the stub never had to refuse one itself
    finally:
        await running.stop()
