"""The record of official communication: broadcasts and published announcements in /archive (kind, date, who,
hash, counts, texts per language), the same rows exported as CSV and JSON, and the second pair of eyes
(BROADCAST_APPROVALS=2): the drafter's own approval is refused, another admin's sends it, an expired request
cannot be approved."""

import asyncio
import csv
import html
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.cli.main import main
from bot.services.admin.record import content_hash
from bot.telegram.callbacks import ApprovalStep, ArchivePage, BroadcastApproval
from domain.audit import SHELL
from domain.clock import utcnow
from domain.sources import NewSource
from local_telegram import BotAPIStub
from storage.record import NewRecord, RecordRepository
from storage.schema import broadcasts, official_record, outbox_deliveries, outbox_messages
from storage.sources import SourceRepository
from tests.admin.conftest import add_subscribers, admin, compose, copies
from tests.conftest import ADMIN_ID, RunningBot, make_settings, settled, start_bot
from tests.support.clock import MovableClock
from tests.support.feeds import FeedSite, Item, rss

SECOND_ADMIN = ADMIN_ID + 1
# What compose() sends is plain text with angle brackets; the record keeps the message as Telegram HTML.
SENT = "<b>Hello</b> subscribers"
SENT_HTML = html.escape(SENT, quote=False)
STORY = "http://igtipc.test/story/1"
TITLES = {
    "ru": "Альянс низкоуглеродного развития принял новых членов",
    "kk": "Төмен көміртекті даму жөніндегі халықаралық альянс жаңа мүшелерді қабылдады",
    "en": "International Alliance for Low-Carbon Development admits new members",
}


async def drained(app: RunningBot) -> None:
    """Wait until nothing is queued or being sent (the test's timeout guards against a hang)."""
    while await app.services.outbox.pending_count():
        await asyncio.sleep(0.05)


async def publish_story(app: RunningBot, site: FeedSite) -> None:
    """An alliance story told in Russian, Kazakh and English, polled version by version."""
    repository = SourceRepository(app.services.db)
    for language, title in TITLES.items():
        url = site.serve(f"/{language}/feed/", rss([Item(title=title, link=STORY, guid=f"story-{language}")]))
        source = await repository.add(NewSource(url, "rss", language, f"Center {language}", 3600))
        await app.services.poller.poll_now([source.id])


async def test_broadcast_and_announcement_appear_in_the_archive_with_hash_and_counts(
    stub: BotAPIStub, app: RunningBot, site: FeedSite
) -> None:
    # A reader of each language: each version of the story is pushed to someone.
    users = [
        *await add_subscribers(app, stub, 1, first_id=10_000, language="ru"),
        *await add_subscribers(app, stub, 1, first_id=20_000, language="kk"),
        *await add_subscribers(app, stub, 1, first_id=30_000, language="en"),
    ]
    boss = admin(stub)
    await app.services.chats.meet(ADMIN_ID, type="private", language="en", title=None, username=None)
    confirm = await compose(boss)
    boss.press(confirm, "Send now")
    assert (await boss.reply()).text.startswith("Broadcast #1")
    await stub.wait_until(lambda: copies(stub, users) == 3)
    await publish_story(app, site)
    await stub.wait_until(
        lambda: all(
            any(title in m.text for m in user.messages()) for user, title in zip(users, TITLES.values(), strict=True)
        )
    )
    await drained(app)

    page = await boss.ask("/archive")
    broadcast_hash = content_hash({"en": SENT_HTML})
    async with app.services.db.connect() as conn:
        story = (await conn.execute(sa.select(official_record).where(official_record.c.kind == "announcement"))).one()
    assert set(story.texts) == {"ru", "kk", "en"}  # the three versions are one record
    assert page.text.startswith("🗄 Official record · All · page 1 of 1")
    assert "#2 📰 Announcement" in page.text and "#1 📢 Broadcast" in page.text
    assert page.text.index("#2 📰") < page.text.index("#1 📢")  # newest first
    assert f"sha256 {broadcast_hash[:12]}" in page.text
    assert f"sha256 {story.content_hash[:12]}" in page.text
    assert f"Drafted by {ADMIN_ID}, approved by {ADMIN_ID}" in page.text
    assert "Source: Center ru; approved by moderator —" in page.text
    assert f"sent 3, waiting 0, failed 0, blocked 0\n[en] {SENT}" in page.text  # as the readers saw it
    async with app.services.db.connect() as conn:
        story_sends = (
            await conn.execute(
                sa.select(sa.func.count())
                .select_from(
                    outbox_deliveries.join(outbox_messages, outbox_messages.c.id == outbox_deliveries.c.message_id)
                )
                .where(outbox_messages.c.story_id == story.subject_id, outbox_deliveries.c.status == "sent")
            )
        ).scalar_one()
    assert story_sends >= 3  # each reader's version (and the edits that replaced a fallback)
    assert f"sent {story_sends}, waiting 0, failed 0, blocked 0\n[en] {TITLES['en']}" in page.text
    assert f"[en] {TITLES['en']}" in page.text  # the admin's language first
    boss.press(page, "#2: every language")
    texts = [(await boss.reply()).text for _ in TITLES]
    assert [text.split("\n")[0] for text in texts] == ["#2 [en]", "#2 [kk]", "#2 [ru]"]
    boss.press(page, "Broadcasts")
    await stub.wait_until(lambda: "Broadcasts · page 1" in page.text)
    assert "#2" not in page.text and "#1 📢 Broadcast" in page.text


async def test_export_csv_and_json_hold_the_same_rows(
    stub: BotAPIStub, app: RunningBot, site: FeedSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    users = await add_subscribers(app, stub, 2)
    boss = admin(stub)
    boss.press(await compose(boss), "Send now")
    await stub.wait_until(lambda: copies(stub, users) == 2)
    await publish_story(app, site)
    await drained(app)

    as_json = json.loads(await app.services.official_record.export("json", SHELL))
    as_csv = list(csv.DictReader(io.StringIO((await app.services.official_record.export("csv", SHELL)).decode())))
    assert [row["kind"] for row in as_json] == ["announcement", "broadcast"]
    assert len(as_csv) == len(as_json)
    for from_csv, from_json in zip(as_csv, as_json, strict=True):
        assert json.loads(from_csv.pop("texts")) == from_json.pop("texts")
        assert from_csv == {name: "" if value is None else str(value) for name, value in from_json.items()}
    assert as_json[1]["sent"] == 2 and as_json[1]["content_hash"] == content_hash({"en": SENT_HTML})

    # The shell's door: the same service, the same rows, written to a file.
    monkeypatch.setenv("DATABASE_URL", app.settings.database_url)
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    target = tmp_path / "record.json"
    assert await asyncio.to_thread(main, ["archive", "export", "--format", "json", str(target)]) == 0
    assert json.loads(target.read_text(encoding="utf-8")) == json.loads(
        await app.services.official_record.export("json", SHELL)
    )
    actions = [row["action"] for row in await app.services.audit.recent()]
    assert actions.count("record.export") >= 3


async def _two_admins(stub: BotAPIStub, database_url: str, clock: MovableClock) -> RunningBot:
    settings = make_settings(stub, database_url, admin_ids=f"{ADMIN_ID},{SECOND_ADMIN}", broadcast_approvals=2)
    app = await start_bot(settings, stub, clock=clock)
    for admin_id in (ADMIN_ID, SECOND_ADMIN):
        stub.user(admin_id, first_name="Admin", language_code="en")
        await app.services.chats.meet(admin_id, type="private", language="en", title=None, username=None)
    return app


async def test_a_broadcast_to_everyone_needs_another_admins_approval(stub: BotAPIStub, database_url: str) -> None:
    clock = MovableClock()
    app = await _two_admins(stub, database_url, clock)
    try:
        users = await add_subscribers(app, stub, 3)
        drafter, second = admin(stub), stub.user(SECOND_ADMIN, first_name="Second", language_code="en")
        confirm = await compose(drafter)
        assert "needs a second admin's approval" in confirm.text
        assert [button["text"] for button in confirm.buttons] == [
            "👥 Ask another admin to approve",
            "✖️ Cancel",
        ]
        drafter.press(confirm, "👥 Ask another admin to approve")
        asked = await drafter.reply()
        assert asked.text.startswith("Sent for approval to 1 admin chat.")
        assert (await second.reply()).kind == "copy"  # the message as recipients will see it
        notice = await second.reply()
        assert notice.text.startswith(f"Broadcast #1 by admin {ADMIN_ID} to Everyone (3 recipients) waits")

        own = drafter.press(asked, data=BroadcastApproval(broadcast=1, action=ApprovalStep.APPROVE).pack())
        assert (await drafter.callback_answer(own))["text"] == (
            "You drafted this broadcast: another admin has to approve it."
        )
        await settled(app, stub)
        assert copies(stub, users) == 0

        second.press(notice, "✅ Approve and send")
        await stub.wait_until(lambda: copies(stub, users) == 3)
        assert (await drafter.reply()).text.startswith("Broadcast #1")  # the live report
        await drained(app)
        page = await drafter.ask("/archive")
        assert f"Drafted by {ADMIN_ID}, approved by {SECOND_ADMIN}" in page.text
        actions = [row["action"] for row in await app.services.audit.recent()]
    finally:
        await app.stop()
    assert {"broadcast.approval_requested", "broadcast.approve.own", "broadcast.approve.sent"} <= set(actions)


async def test_an_expired_approval_request_cannot_be_approved(stub: BotAPIStub, database_url: str) -> None:
    clock = MovableClock()
    app = await _two_admins(stub, database_url, clock)
    try:
        users = await add_subscribers(app, stub, 2)
        drafter, second = admin(stub), stub.user(SECOND_ADMIN, first_name="Second", language_code="en")
        drafter.press(await compose(drafter), "👥 Ask another admin to approve")
        await drafter.reply()
        await second.reply()
        notice = await second.reply()
        clock.advance(hours=24, seconds=1)  # BROADCAST_APPROVAL_HOURS=24 by default
        query = second.press(notice, "✅ Approve and send")
        assert (await second.callback_answer(query))["text"].startswith("This request has expired")
        # The leader's job tells the drafter, whether the press or the job saw the expiry first.
        assert (await drafter.reply()).text.startswith("Nobody approved your broadcast #1 in time")
        again = second.press(notice, "✅ Approve and send")
        assert (await second.callback_answer(again))["text"].startswith("This request has expired")
        await settled(app, stub)
        assert copies(stub, users) == 0
        async with app.services.db.connect() as conn:
            status = (await conn.execute(sa.select(broadcasts.c.status))).scalar_one()
        page = await drafter.ask("/archive")
    finally:
        await app.stop()
    assert status == "expired"
    assert "Nothing has been published yet." in page.text


async def test_archive_pages_newest_first(stub: BotAPIStub, app: RunningBot) -> None:
    """Seven broadcasts: page 1 shows the five newest, "Older" the two first; the admin reads it in Russian. The
    first six are in the record already (each sent through /broadcast costs the admin's chat five paced messages);
    the seventh goes through /broadcast, so the page shows what a real one leaves."""
    users = await add_subscribers(app, stub, 1)
    boss = admin(stub)
    await app.services.chats.meet(ADMIN_ID, type="private", language="ru", title=None, username=None)
    records = RecordRepository(app.services.db)
    for number in range(6):
        texts = {"ru": f"Сообщение {number}"}
        sent_at = utcnow() - timedelta(hours=6 - number)
        kept = NewRecord("broadcast", 1000 + number, texts, content_hash(texts), sent_at, sent_at, drafted_by=ADMIN_ID)
        assert await records.add(kept) is not None
    boss.send("/broadcast")
    await boss.reply()
    boss.send("Сообщение 6")
    choose = await boss.reply()
    boss.press(choose, "Всем")
    await boss.reply()
    await boss.reply()
    confirm = await boss.reply()
    boss.press(confirm, "📤 Отправить сейчас")
    await boss.reply()
    await stub.wait_until(lambda: copies(stub, users) == 1)
    page = await boss.ask("/archive")
    assert page.text.startswith("🗄 Официальный архив · Всё · страница 1 из 2")
    assert "#7 📢 Рассылка" in page.text and "#3 📢" in page.text and "#2 📢" not in page.text
    assert "Сообщение 6" in page.text
    boss.press(page, "Старше ▶️")
    await stub.wait_until(lambda: "страница 2 из 2" in page.text)
    assert "#2 📢" in page.text and "#1 📢" in page.text and "#3 📢" not in page.text
    assert ArchivePage(page=0).pack() in [button["callback_data"] for button in page.buttons]
