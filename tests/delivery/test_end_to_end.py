"""End to end through the Bot API stub: subscribing, fan-out, errors, digests, settings buttons."""

import asyncio
import time
from datetime import UTC, datetime

import pytest

from bot.services.delivery import Delivery
from local_telegram import BotAPIStub, Fault
from local_telegram.server import RateLimits
from storage.outbox import Outbox, Recipient
from storage.subscriptions import SubscriptionRepository
from tests.conftest import RunningBot, make_settings, settled
from tests.delivery.conftest import drained, start_delivery_bot
from tests.delivery.helpers import make_entry


async def subscribe(stub: BotAPIStub, user_id: int, language: str = "ru"):
    user = stub.user(user_id, language_code=language)
    await user.ask("/start")
    await user.reply()  # the first-taste question
    return user


def delivery(app: RunningBot) -> Delivery:
    return app.services.delivery


def outbox(app: RunningBot) -> Outbox:
    return app.services.outbox


async def test_alliance_entry_reaches_every_matching_subscriber_once(stub: BotAPIStub, running: RunningBot) -> None:
    ru = await subscribe(stub, 2001, "ru")
    en = await subscribe(stub, 2002, "en")  # English news; a Russian-only announcement comes as it exists
    paused = await subscribe(stub, 2003, "ru")
    stopped = await subscribe(stub, 2004, "ru")
    stranger = stub.user(2005, language_code="ru")  # never pressed /start
    await running.services.subscriptions.set_paused(paused.id, True)
    assert (await stopped.ask("/stop")).text.startswith("Вы отписались")
    admin = stub.user(2006)
    forum = stub.group(-1002007, "Forum", is_forum=True, admins={admin.id})
    admin.send("/start", chat=forum, message_thread_id=77, is_topic_message=True)
    await stub.wait_until(lambda: len(stub.sent_to(forum.id)) == 3)  # welcome, "subscribed", the first taste

    entry = make_entry("Alliance <meeting> & more", language="ru")
    await delivery(running).announce([entry])
    await delivery(running).announce([entry])  # a second poll with the same entry changes nothing
    await drained(outbox(running))

    def news(user_id: int) -> list[str]:
        return [m.text for m in stub.sent_to(user_id) if "Alliance <meeting> & more" in m.text]

    assert len(news(ru.id)) == 1
    assert [text.splitlines()[0] for text in news(en.id)] == ["Only in Russian:"]
    assert news(paused.id) == news(stopped.id) == news(stranger.id) == []
    (topic_post,) = [m for m in stub.sent_to(forum.id) if "Alliance" in m.text]
    assert topic_post.message_thread_id == 77


async def test_blocked_user_is_deactivated_after_one_403(stub: BotAPIStub, running: RunningBot) -> None:
    user = await subscribe(stub, 2101)
    stub.block(user.id)
    await delivery(running).announce([make_entry("First")])
    await drained(outbox(running))
    await delivery(running).announce([make_entry("Second")])
    await drained(outbox(running))
    sends = [c for c in stub.calls if c.method == "sendMessage" and str(c.params.get("chat_id")) == str(user.id)]
    assert len(sends) == 3  # the welcome, the first-taste question and the one refused announcement, nothing after
    assert (await running.services.chats.get(user.id)).active is False


async def test_429_storm_delays_but_loses_nothing(stub: BotAPIStub, running: RunningBot) -> None:
    users = [await subscribe(stub, 2200 + i) for i in range(5)]
    stub.faults.append(Fault(method="sendMessage", status=429, retry_after=1, times=6))
    started = time.monotonic()
    await delivery(running).announce([make_entry("Storm")])
    await drained(outbox(running))
    assert time.monotonic() - started >= 1.0
    for user in users:
        assert len([m for m in user.messages() if "Storm" in m.text]) == 1


@pytest.mark.slow  # several seconds: `pytest -m "not slow"` leaves it out
async def test_server_errors_retry_with_backoff_then_give_up(stub: BotAPIStub, running: RunningBot) -> None:
    flaky = await subscribe(stub, 2301)
    broken = await subscribe(stub, 2302)
    stub.faults.append(Fault(method="sendMessage", chat_id=flaky.id, status=502, times=2))
    stub.faults.append(Fault(method="sendMessage", chat_id=broken.id, status=500))
    await delivery(running).announce([make_entry("Flaky")])
    await drained(outbox(running))
    assert len([m for m in flaky.messages() if "Flaky" in m.text]) == 1
    assert [m for m in broken.messages() if "Flaky" in m.text] == []
    (message_id,) = {r.message_id for r in await _rows(running)}
    counters = await outbox(running).counters(message_id)
    assert (counters.sent, counters.failed, counters.queued) == (1, 1, 0)


async def _rows(app: RunningBot):  # the outbox rows of announced entries
    from sqlalchemy import select

    from storage.schema import outbox_deliveries, outbox_messages

    async with app.services.db.connect() as conn:
        query = (
            select(outbox_deliveries)
            .join(outbox_messages, outbox_messages.c.id == outbox_deliveries.c.message_id)
            .where(outbox_messages.c.kind == "entry")
        )
        return (await conn.execute(query)).all()


async def test_migrated_group_gets_the_message_at_its_new_id(stub: BotAPIStub, running: RunningBot) -> None:
    admin = stub.user(2401)
    group = stub.group(-2402, "Old group", type="group", admins={admin.id})
    admin.send("/start", chat=group)
    await stub.wait_until(lambda: len(stub.sent_to(group.id)) == 2)
    stub.migrate(group.id, -1002402)
    await delivery(running).announce([make_entry("Moved")])
    await drained(outbox(running))
    assert [m.text for m in stub.sent_to(-1002402) if "Moved" in m.text]
    subscription = await running.services.subscriptions.get(-1002402)
    assert subscription is not None


async def test_hostile_html_arrives_valid(stub: BotAPIStub, running: RunningBot) -> None:
    user = await subscribe(stub, 2501)
    entry = make_entry(
        "<script>alert(1)</script> 5 < 6 &nbsp; <b>bold",
        summary="<p>Unbalanced <b><i>tags</b> &nbsp; and 1 < 2</p><script>x</script>",
    )
    await delivery(running).announce([entry])
    await drained(outbox(running))
    (news,) = [m for m in user.messages() if "alert" in m.text]
    assert "<script>" in news.text  # shown as text, the stub parsed the HTML without complaint


async def test_refused_html_is_retried_once_as_plain_text(stub: BotAPIStub, running: RunningBot) -> None:
    user = await subscribe(stub, 2601)
    box = outbox(running)
    message_id = await box.add_message("broadcast", payload={"text": "<b>Broken <i>markup</b> &amp; more"})
    await box.add_deliveries(message_id, [Recipient(user.id)])
    running.services.sender.wake()
    await drained(box)
    (message,) = [m for m in user.messages() if "markup" in m.text]
    assert message.text == "Broken markup & more"
    assert message.parse_mode is None


async def test_digest_user_gets_one_digest_at_their_hour(stub: BotAPIStub, running: RunningBot) -> None:
    user = await subscribe(stub, 2701)
    await running.services.subscriptions.set_mode(user.id, "daily")
    await SubscriptionRepository(running.services.db).update(user.id, digest_hour=18)
    await delivery(running).announce([make_entry("Morning news"), make_entry("Noon news")])
    await drained(outbox(running))
    assert [m for m in user.messages() if "news" in m.text] == []
    # 18:00 in Almaty, where a Russian-speaking reader lives until they choose a zone, is 13:00 UTC.
    for tick in (datetime(2026, 12, 1, 12, 45, tzinfo=UTC), datetime(2026, 12, 1, 18, tzinfo=UTC)):
        await delivery(running).send_due_digests(tick)
    await drained(outbox(running))
    assert [m for m in user.messages() if "news" in m.text] == []
    await delivery(running).send_due_digests(datetime(2026, 12, 1, 13, tzinfo=UTC))
    await delivery(running).send_due_digests(datetime(2026, 12, 1, 13, 15, tzinfo=UTC))
    await drained(outbox(running))
    (digest,) = [m for m in user.messages() if "news" in m.text]
    assert digest.text.index("Noon news") < digest.text.index("Morning news")  # newest first


async def test_settings_buttons_change_the_subscription(stub: BotAPIStub, running: RunningBot) -> None:
    user = await subscribe(stub, 2801, "en")
    panel = await user.ask("/settings")
    assert "alliance announcements only" in panel.text
    query = user.press(panel, "All ministry news")
    assert (await user.callback_answer(query))["text"] == "Saved."
    await stub.wait_until(lambda: panel.edits == 1)
    assert "all ministry news" in panel.text
    user.press(panel, "Русский")
    await stub.wait_until(lambda: panel.edits == 2)
    assert "Languages of news: Русский, English" in panel.text
    await delivery(running).announce([make_entry("Ministry news", language="ru", alliance=False)])
    await drained(outbox(running))
    assert [m for m in user.messages() if "Ministry news" in m.text]


async def test_forged_settings_button_does_nothing(stub: BotAPIStub, running: RunningBot) -> None:
    user = await subscribe(stub, 2901, "en")
    panel = await user.ask("/settings")
    for data in ("dsc:everything", "dsh:1000", "dsh:0", "dsq:99", "dsm:drop tables", "dsc:", "dset:scope:all"):
        answer = await user.callback_answer(user.press(panel, data=data))
        assert answer["text"] == "This button is no longer valid."
    subscription = await running.services.subscriptions.get(user.id)
    assert (subscription.scope, subscription.digest_hour) == ("alliance", 9)


async def test_keyword_filters_from_settings(stub: BotAPIStub, running: RunningBot) -> None:
    user = await subscribe(stub, 2951, "en")
    await user.ask("/settings include Solar")
    await user.reply()
    await delivery(running).announce(
        [make_entry("Wind farm", language="en"), make_entry("SOLAR park opens", language="en")]
    )
    await drained(outbox(running))
    assert [m.text.split("\n")[0] for m in user.messages() if "farm" in m.text or "park" in m.text] == [
        "SOLAR park opens"
    ]


async def test_only_admins_manage_a_group(stub: BotAPIStub, running: RunningBot) -> None:
    admin, member = stub.user(3001, language_code="en"), stub.user(3002, language_code="en")
    group = stub.group(-1003003, admins={admin.id})
    member.send("/settings", chat=group)
    await stub.wait_until(lambda: len(stub.sent_to(group.id)) == 1)
    assert stub.sent_to(group.id)[0].text.startswith("Only the chat's administrators")
    member.send("/start", chat=group)
    await stub.wait_until(lambda: len(stub.sent_to(group.id)) == 2)
    assert await running.services.subscriptions.get(group.id) is None


async def test_bot_removed_from_group_stops_deliveries(stub: BotAPIStub, running: RunningBot) -> None:
    admin = stub.user(3101)
    group = stub.group(-1003102, admins={admin.id})
    bot_user = {"id": 123456789, "is_bot": True, "first_name": "Alliance Bot"}
    member = {"chat": group.as_chat(), "from": admin.as_user(), "date": 1}
    stub.push_update(
        {
            "my_chat_member": member
            | {
                "old_chat_member": {"status": "left", "user": bot_user},
                "new_chat_member": {"status": "member", "user": bot_user},
            }
        }
    )
    await stub.wait_until(lambda: len(stub.sent_to(group.id)) == 1)  # "this chat is subscribed"
    assert await running.services.subscriptions.get(group.id) is not None
    stub.push_update(
        {
            "my_chat_member": member
            | {
                "old_chat_member": {"status": "member", "user": bot_user},
                "new_chat_member": {"status": "left", "user": bot_user},
            }
        }
    )
    for _ in range(100):
        if not (await running.services.chats.get(group.id)).active:
            break
        await asyncio.sleep(0.05)
    await delivery(running).announce([make_entry("After removal")])
    await drained(outbox(running))
    assert len(stub.sent_to(group.id)) == 1


async def test_limits_hold_per_chat_and_overall(stub: BotAPIStub, database_url: str) -> None:
    app = await start_delivery_bot(make_settings(stub, database_url, send_rate_per_second=10), stub)
    try:
        users = [await subscribe(stub, 3200 + i) for i in range(12)]
        await settled(app, stub)  # the welcomes are not part of what is measured
        stub.rate_limits = RateLimits(global_per_second=10)
        started = time.monotonic()
        await app.services.delivery.announce([make_entry("One"), make_entry("Two")])
        await drained(app.services.outbox)
        elapsed = time.monotonic() - started
    finally:
        await app.stop()
    assert stub.rate_limited == 0
    assert elapsed >= 2.0  # 24 messages at 10/s
    first = users[0]
    times = [c.at for c in stub.calls if c.method == "sendMessage" and str(c.params.get("chat_id")) == str(first.id)]
    assert times[-1] - times[-2] >= 0.95  # two announcements to one private chat, a second apart
    assert [m.text.split("\n")[0] for m in first.messages()[2:]] == ["One", "Two"]  # after welcome and taste


async def test_last_news_language_stays(stub: BotAPIStub, running: RunningBot) -> None:
    user = await subscribe(stub, 3301, "en")
    panel = await user.ask("/settings")
    answer = await user.callback_answer(user.press(panel, "English"))
    assert answer["text"] == "Saved."
    assert (await running.services.subscriptions.get(user.id)).languages == ("en",)


async def test_copied_broadcast_goes_out_with_paid_flag(stub: BotAPIStub, database_url: str) -> None:
    app = await start_delivery_bot(make_settings(stub, database_url, paid_broadcast=True), stub)
    try:
        user = await subscribe(stub, 3401, "en")
        admin = stub.user(3402)
        # Telegram copies only a message that exists: the admin's own announcement.
        announcement = admin.send("The forum opens on 12 June.")["message"]["message_id"]
        box = app.services.outbox
        message_id = await box.add_message("broadcast", copy_from=(admin.id, announcement), created_by=admin.id)
        assert await box.add_deliveries(message_id, [Recipient(user.id)]) == 1
        app.services.sender.wake()
        await drained(box)
    finally:
        await app.stop()
    (copy,) = [m for m in user.messages() if m.kind == "copy"]
    assert copy.params["from_chat_id"] == str(admin.id)
    assert copy.params["allow_paid_broadcast"] == "true"
    assert copy.text == "The forum opens on 12 June."
    assert (await box.counters(message_id)).sent == 1


async def test_sender_claims_nothing_without_the_lease(stub: BotAPIStub, running: RunningBot) -> None:
    user = await subscribe(stub, 3501, "en")
    leadership = running.services.leadership
    leadership.held = False  # as if another replica had taken the lease over
    sender = running.services.sender
    await delivery(running).announce([make_entry("While standing by", language="en")])
    # The sender looks whether it may claim on every cycle: two looks after the entry was queued mean a whole
    # cycle passed in which it would have claimed and sent it.
    looked = sender.stats.looks
    await stub.wait_until(lambda: sender.stats.looks >= looked + 2)
    assert [m for m in user.messages() if "standing by" in m.text] == []
    leadership.held = True
    await drained(outbox(running))
    assert len([m for m in user.messages() if "standing by" in m.text]) == 1


async def test_a_message_id_used_again_sends_the_new_message(stub: BotAPIStub, running: RunningBot) -> None:
    # SQLite hands out the id of a deleted newest row again (housekeeping deletes old messages): what the
    # sender keeps per message must never send the old text under the reused id.
    import sqlalchemy as sa

    from storage.schema import outbox_deliveries, outbox_messages

    user = await subscribe(stub, 2201)
    box = outbox(running)
    first = await box.add_message("broadcast", payload={"text": "First text"})
    await box.add_deliveries(first, [Recipient(user.id)])
    await drained(box)
    async with running.services.db.begin() as conn:
        await conn.execute(sa.delete(outbox_deliveries).where(outbox_deliveries.c.message_id == first))
        await conn.execute(sa.delete(outbox_messages).where(outbox_messages.c.id == first))
        await conn.execute(
            sa.insert(outbox_messages).values(
                id=first, kind="broadcast", payload={"text": "Second text"}, created_at=datetime.now(UTC)
            )
        )
    await box.add_deliveries(first, [Recipient(user.id)])
    await drained(box)
    texts = [m.text for m in stub.sent_to(user.id) if m.text in ("First text", "Second text")]
    assert texts == ["First text", "Second text"]
