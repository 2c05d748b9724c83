"""Moderation of alliance announcements, and alerts to admins (stalled sender, failures, a crash on start, a disabled
source), each in the admin's language."""

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from aiohttp import web

import bot.runtime.factory
from bot.i18n import localizer
from bot.runtime.admin_jobs import watch_delivery
from bot.runtime.app import run
from bot.runtime.bootstrap import bootstrap
from domain.clock import utcnow
from domain.sources import NewSource
from local_telegram import BotAPIStub
from storage.outbox import Recipient
from storage.schema import outbox_deliveries
from storage.sources import SourceRepository
from tests.admin.conftest import add_subscribers, admin
from tests.conftest import ADMIN_ID, make_settings, start_bot
from tests.support.feeds import FeedSite, Item, rss, seed_article


async def test_held_announcement_is_retitled_and_approved_by_an_admin(
    stub: BotAPIStub, database_url: str, site: FeedSite
) -> None:
    article = seed_article()
    title, body = article.split("\n", 1)
    feed = rss(
        [
            Item(title=title, link="http://igtipc.test/9036", guid="9036", description=body),
            Item(title="Министр провёл совещание по паводкам", link="http://igtipc.test/1", guid="1"),
        ]
    )
    url = site.serve("/feed/", feed)
    app = await start_bot(make_settings(stub, database_url, moderation=True), stub)
    try:
        (reader,) = await add_subscribers(app, stub, 1)
        await app.services.subscriptions.set_scope(reader.id, "all")
        boss = admin(stub)
        await boss.ask("/start")  # the admin's chat is known (in English) before the entry arrives
        await boss.reply()  # the first-taste question
        await SourceRepository(app.services.db).add(NewSource(url, "rss", "ru", "МЦЗТИП", 3600))
        listing = await boss.ask("/sources")
        boss.press(listing, "🔄 #1")
        held = await boss.reply()
        if not held.text.startswith("🛂"):
            held = await boss.reply()
        assert held.text.startswith("🛂 Waiting for approval")
        assert title[:40] in held.text
        # The ministry item needs no approval and goes out; the alliance one waits.
        await stub.wait_until(lambda: any("паводк" in m.text for m in reader.messages()))
        assert not any(title[:40] in m.text for m in reader.messages())

        boss.press(held, "Edit title")
        assert "Send the new title" in (await _next_not_polled(boss)).text
        retitled = await boss.ask("Альянс: встреча в Астане")
        assert retitled.text.startswith("🛂") and "Альянс: встреча в Астане" in retitled.text
        intruder = stub.user(7003, language_code="en")
        query = intruder.press(retitled, data=retitled.button("Approve")["callback_data"])
        await intruder.callback_answer(query)
        boss.press(retitled, "Approve")
        await stub.wait_until(lambda: any("встреча в Астане" in m.text for m in reader.messages()))
        skip = boss.press(held, data=held.button("Skip")["callback_data"])
        assert (await boss.callback_answer(skip))["text"] == "This announcement was already decided."
        actions = [row["action"] for row in await app.services.audit.recent()]
    finally:
        await app.stop()
    (news,) = [m for m in reader.messages() if "встреча в Астане" in m.text]
    assert news.text.startswith("Альянс: встреча в Астане")
    assert "moderation.title" in actions and "moderation.approve" in actions


async def _next_not_polled(user: Any) -> Any:
    message = await user.reply()
    while message.text.startswith("Source #"):
        message = await user.reply()
    return message


async def test_stalled_sender_and_repeated_failures_alert_the_admins_once(stub: BotAPIStub, database_url: str) -> None:
    settings = make_settings(stub, database_url)
    services = bootstrap(settings)
    db = services.db
    await db.migrate()
    bot_ = services.bot
    await services.leadership.try_acquire()
    stub.user(ADMIN_ID)
    try:
        await services.chats.meet(5, type="private", language="ru", title=None, username=None)
        # The admin reads alerts in the language of their own chat, not the bot's default (ru).
        await services.chats.meet(ADMIN_ID, type="private", language="en", title=None, username=None)
        message_id = await services.outbox.add_message("broadcast", payload={"text": "x"})
        await services.outbox.add_deliveries(message_id, [Recipient(5)])
        async with db.begin() as conn:
            await conn.execute(sa.update(outbox_deliveries).values(next_attempt_at=utcnow() - timedelta(minutes=30)))
        await watch_delivery(services.stats, services.alerts, services.leadership)
        await watch_delivery(services.stats, services.alerts, services.leadership)  # rate-limited
        for chat_id in range(100, 125):
            await services.chats.meet(chat_id, type="private", language="ru", title=None, username=None)
        await services.outbox.add_deliveries(message_id, [Recipient(chat_id) for chat_id in range(100, 125)])
        async with db.begin() as conn:
            await conn.execute(
                sa.update(outbox_deliveries).where(outbox_deliveries.c.chat_id >= 100).values(status="failed")
            )
        await watch_delivery(services.stats, services.alerts, services.leadership)
    finally:
        await services.leadership.stop()
        await bot_.session.close()
        await db.close()
    alerts = [m.text for m in stub.sent_to(ADMIN_ID)]
    assert len(alerts) == 2
    assert "The sender is stalled: 1 messages are due" in alerts[0]
    assert "25 sends failed in the last 10 minutes" in alerts[1]


async def test_a_crash_on_start_alerts_the_admins(
    stub: BotAPIStub, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken_startup(**_: Any) -> None:
        raise RuntimeError("the knowledge base is unreadable")

    monkeypatch.setattr(bot.runtime.factory, "on_startup", broken_startup)
    stub.user(ADMIN_ID)
    with pytest.raises(RuntimeError):
        await run(make_settings(stub, database_url))
    (alert,) = stub.sent_to(ADMIN_ID)
    assert alert.text == "⚠️ Сигнал бота\nБот не смог запуститься: RuntimeError: the knowledge base is unreadable"


async def test_a_disabled_source_alerts_each_admin_in_their_language_with_a_button_that_enables_it(
    stub: BotAPIStub, database_url: str, site: FeedSite
) -> None:
    async def down(_request: web.Request) -> web.StreamResponse:
        return web.Response(status=500, text="down")

    url = site.handle("/broken", down)
    second = ADMIN_ID + 1
    settings = make_settings(stub, database_url, admin_ids=f"{ADMIN_ID},{second}", feed_failure_threshold=1)
    app = await start_bot(settings, stub)
    try:
        english, kazakh = stub.user(ADMIN_ID, language_code="en"), stub.user(second, language_code="kk")
        for user, language in ((english, "en"), (kazakh, "kk")):  # each admin's chat, in the language it chose
            await app.services.chats.meet(user.id, type="private", language=language, title=None, username=None)
        source = await SourceRepository(app.services.db).add(NewSource(url, "rss", "ru", "Broken", 600))
        (outcome,) = await app.services.poller.poll_now([source.id])
        assert outcome.disabled
        to_english, to_kazakh = await english.reply(), await kazakh.reply()
        assert to_english.text.startswith("⚠️ Bot alert\nNews source #1 Broken")
        assert "enable it again with the button below" in to_english.text
        assert "python -m bot" not in to_english.text  # no shell command for a Telegram admin
        assert "өшірілді" in to_kazakh.text
        assert [b["text"] for b in to_english.buttons] == ["▶️ Enable source #1", "📋 All sources"]
        assert [b["text"] for b in to_kazakh.buttons] == ["▶️ #1 көзін қосу", "📋 Барлық көздер"]

        async def up(_request: web.Request) -> web.StreamResponse:
            return web.Response(text=rss([]), content_type="application/rss+xml")

        site.handle("/broken", up)  # fixed at the source, then enabled: the bot polls it again at once
        query = kazakh.press(to_kazakh, "▶️")
        assert (await kazakh.callback_answer(query))["text"] == localizer("kk")("admin-src-done-resume", id=1)
        assert (await kazakh.reply()).text == localizer("kk")("admin-src-done-resume", id=1)
        await stub.wait_until(lambda: to_kazakh.buttons == [])  # the button did its job
        enabled = await SourceRepository(app.services.db).get(source.id)
        assert enabled is not None
        assert (enabled.enabled, enabled.consecutive_failures) == (True, 0)
        english.press(to_english, "All sources")
        listing = await english.reply()
        assert "#1 ▶️ active · ru · Broken" in listing.text
    finally:
        await app.stop()
