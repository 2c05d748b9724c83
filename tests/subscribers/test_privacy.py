"""People's data: /privacy says what is kept, /mydata sends it all, /forget deletes it after a button."""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.i18n import localizer
from domain.clock import utcnow
from local_telegram import BotAPIStub
from storage import Database
from storage.privacy import PersonalDataRepository
from storage.schema import chats, digest_items, outbox_deliveries, outbox_messages, qa_log, subscriptions
from storage.schema.fsm import fsm_states
from tests.conftest import RunningBot, settled
from tests.delivery.helpers import add_subscriber

READER = 7001
OTHER = 7002


async def _held(db: Database, chat_id: int, *, sent: int = 2, pending: int = 1) -> None:
    """Rows that name `chat_id`: deliveries made and waiting, a digest item and a dialog state."""
    now = utcnow()
    async with db.begin() as conn:
        for n in range(sent + pending):
            message_id = (
                await conn.execute(sa.insert(outbox_messages).values(kind="entry", payload={"text": f"news {n}"}))
            ).inserted_primary_key[0]  # type: ignore[index]
            status = "sent" if n < sent else "queued"
            await conn.execute(
                sa.insert(outbox_deliveries).values(
                    message_id=message_id,
                    chat_id=chat_id,
                    status=status,
                    sent_at=now if status == "sent" else None,
                    telegram_message_id=100 + n if status == "sent" else None,
                    next_attempt_at=now + timedelta(hours=1),
                )
            )
        await conn.execute(
            sa.insert(digest_items).values(chat_id=chat_id, entry_id=1, entry={"title": "Digest item"}, queued_at=now)
        )
        await conn.execute(
            sa.insert(fsm_states).values(key=f"fsm:1:{chat_id}:{chat_id}:default:state", state="Dialog:x", data={})
        )


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
async def test_privacy_says_what_is_kept_and_for_how_long(stub: BotAPIStub, app: RunningBot, language: str) -> None:
    reader = stub.user(READER, language_code=language)
    shown = await reader.ask("/privacy")
    l10n = localizer(language)
    expected = l10n("privacy-text", outbox_days=30, audit_days=365, question_days=90)
    assert shown.html == expected
    assert "/mydata" in shown.text and "/forget" in shown.text
    menu = [command["command"] for command in stub.menu(READER, language)]
    assert {"privacy", "mydata", "forget"} <= set(menu)


async def test_mydata_then_forget_leaves_nothing_that_names_the_chat(stub: BotAPIStub, app: RunningBot) -> None:
    db = app.services.db
    reader = stub.user(READER, language_code="en")
    other = stub.user(OTHER, language_code="ru")
    await add_subscriber(db, READER, language="en", languages=["en", "kk"], scope="all", digest_hour=7)
    await add_subscriber(db, OTHER, language="ru")
    await _held(db, READER)
    await _held(db, OTHER)
    for chat_id in (READER, OTHER):
        await app.services.inquiries.ask(chat_id=chat_id, message_id=None, language="en", question="Next meeting?")
    await reader.ask("Who are the co-chairs?")

    sent_file = await reader.ask("/mydata")
    assert sent_file.kind == "document"
    assert sent_file.upload is not None
    assert sent_file.text == localizer("en")("privacy-mydata-caption")
    held = json.loads(sent_file.upload.content)
    assert held["chat_id"] == READER
    assert held["chat"]["id"] == READER and held["chat"]["language"] == "en"
    assert held["subscription"]["languages"] == "en,kk"
    assert (held["subscription"]["scope"], held["subscription"]["digest_hour"]) == ("all", 7)
    assert len(held["pending_deliveries"]) == 1
    assert held["deliveries_made"] == {"sent": 2}
    assert [item["title"] for item in held["digest_items"]] == ["Digest item"]
    # The questions sent to the Center are the chat's; the question log never names who asked.
    assert [(q["question"], q["status"]) for q in held["questions_kept"]] == [("Next meeting?", "open")]
    async with db.connect() as conn:
        assert (await conn.execute(sa.select(sa.func.count()).select_from(qa_log))).scalar() is not None
        assert "chat_id" not in qa_log.c

    async with db.connect() as conn:
        sent_before = (
            await conn.execute(sa.select(sa.func.count()).where(outbox_deliveries.c.status == "sent"))
        ).scalar()
    ask = await reader.ask("/forget")
    reader.press(ask, "Keep it")
    await stub.wait_until(lambda: ask.text == localizer("en")("privacy-forget-kept"))
    assert ask.buttons == []
    assert await PersonalDataRepository(db).names_chat(READER) != []

    ask = await reader.ask("/forget")
    assert ask.text == localizer("en")("privacy-forget-ask")
    forged = ask.button("Yes")["callback_data"].replace(str(READER), str(OTHER))
    assert (await reader.callback_answer(reader.press(ask, data=forged)))["text"] == localizer("en")("button-stale")
    reader.press(ask, "Yes, delete")
    await stub.wait_until(lambda: ask.text == localizer("en")("privacy-forget-done"))
    await settled(app, stub)
    assert await PersonalDataRepository(db).names_chat(READER) == []
    async with db.connect() as conn:
        sent_after = (
            await conn.execute(sa.select(sa.func.count()).where(outbox_deliveries.c.status == "sent"))
        ).scalar()
        anonymous = (
            await conn.execute(
                sa.select(outbox_deliveries.c.telegram_message_id).where(outbox_deliveries.c.chat_id < -(2**60))
            )
        ).all()
    assert sent_after == sent_before  # the statistics keep the deliveries, as numbers
    assert anonymous and all(row.telegram_message_id is None for row in anonymous)
    # The other reader keeps everything.
    assert set(await PersonalDataRepository(db).names_chat(OTHER)) == {
        "chats",
        "subscriptions",
        "subscription_languages",
        "digest_items",
        "outbox_deliveries",
        "fsm_states",
        "inquiries",
    }
    assert other.messages() == []


async def test_in_a_group_only_its_admins_may_see_or_delete_its_data(stub: BotAPIStub, app: RunningBot) -> None:
    owner = stub.user(7004, language_code="en")
    group = stub.group(-100777, title="Readers", admins={owner.id})
    member = stub.user(7003, language_code="en")
    for command in ("/mydata", "/forget"):
        seen = len(stub.sent_to(group.id))
        member.send(command, chat=group)
        await stub.wait_until(lambda: len(stub.sent_to(group.id)) > seen)  # noqa: B023 - awaited at once
        assert stub.sent_to(group.id)[-1].text == localizer("en")("privacy-admins-only")
    seen = len(stub.sent_to(group.id))
    owner.send("/mydata", chat=group)
    await stub.wait_until(lambda: len(stub.sent_to(group.id)) > seen)
    sent_file = stub.sent_to(group.id)[-1]
    assert sent_file.kind == "document", [m.text for m in stub.sent_to(group.id)]
    assert sent_file.upload is not None
    assert json.loads(sent_file.upload.content)["chat"]["title"] == "Readers"


chat_ids = st.sampled_from([11, 12, -100_13])


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(
        st.tuples(chat_ids, st.sampled_from(["sent", "failed", "blocked", "cancelled", "queued", "sending"])),
        max_size=30,
    ),
    forgotten=chat_ids,
)
async def test_forget_removes_one_chat_and_keeps_every_count(
    db: Database, rows: list[tuple[int, str]], forgotten: int
) -> None:
    async with db.begin() as conn:
        for table in (outbox_deliveries, outbox_messages, digest_items, subscriptions, chats, fsm_states):
            await conn.execute(sa.delete(table))
    for chat_id in (11, 12, -100_13):
        await add_subscriber(db, chat_id)
    now = utcnow()
    async with db.begin() as conn:
        message_id = (await conn.execute(sa.insert(outbox_messages).values(kind="entry"))).inserted_primary_key[0]  # type: ignore[index]
        for n, (chat_id, status) in enumerate(rows):
            # One message per delivery keeps (message, chat) unique as the outbox does.
            mid = (await conn.execute(sa.insert(outbox_messages).values(kind="entry"))).inserted_primary_key[0]  # type: ignore[index]
            await conn.execute(
                sa.insert(outbox_deliveries).values(
                    message_id=mid if n else message_id, chat_id=chat_id, status=status, next_attempt_at=now
                )
            )
    await PersonalDataRepository(db).forget(forgotten)
    async with db.connect() as conn:
        left = (await conn.execute(sa.select(outbox_deliveries.c.chat_id, outbox_deliveries.c.status))).all()
    kept = Counter(status for _, status in left)
    expected = Counter(
        status for chat_id, status in rows if chat_id != forgotten or status not in ("queued", "sending")
    )
    assert kept == expected  # every finished delivery still counts; only the forgotten chat's waiting ones went
    assert forgotten not in {chat_id for chat_id, _ in left}
    assert await PersonalDataRepository(db).names_chat(forgotten) == []
    for chat_id in {11, 12, -100_13} - {forgotten}:
        assert "chats" in await PersonalDataRepository(db).names_chat(chat_id)
