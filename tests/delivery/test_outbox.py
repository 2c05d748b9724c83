"""The outbox in the database: idempotent enqueuing, per-chat order, counters, crash recovery, migration."""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from bot.services.delivery import Delivery
from domain.clock import utcnow
from storage import Database
from storage.outbox import Outbox, Recipient
from storage.schema import chats, outbox_messages
from storage.subscriptions import SubscriptionRepository
from tests.delivery.helpers import add_subscriber, make_entry


def delivery_for(db: Database, **kwargs: object) -> Delivery:
    return Delivery(SubscriptionRepository(db), Outbox(db), **kwargs)  # type: ignore[arg-type]


async def test_announce_is_idempotent_and_matches(db: Database) -> None:
    await add_subscriber(db, 1)
    await add_subscriber(db, 2, language="en", languages=["en"], scope="all")
    await add_subscriber(db, 3, paused=True)
    await add_subscriber(db, 4, scope="all")
    delivery = delivery_for(db)
    entry = make_entry(language="ru")
    ministry = make_entry(language="ru", alliance=False)
    # 1, 2 (as the only version there is) and 4 get the alliance entry; only 4 the ministry one (Russian, not
    # an announcement: other news keeps to the reader's languages).
    assert await delivery.announce([entry, ministry]) == 4
    assert await delivery.announce([entry, ministry]) == 0
    rows = await Outbox(db).claim(now=utcnow(), limit=10)
    assert sorted(row.chat_id for row in rows) == [1, 2, 4]  # chat 4's second message waits for its first


async def test_official_channel_gets_every_alliance_entry(db: Database) -> None:
    delivery = delivery_for(db, official_channels={"en": -1001})
    assert await delivery.announce([make_entry(), make_entry(alliance=False)]) == 1
    (row,) = await Outbox(db).claim(now=utcnow(), limit=10)
    assert row.chat_id == -1001


async def test_one_chat_in_order_and_counters(db: Database) -> None:
    outbox = Outbox(db)
    first = await outbox.add_message("broadcast", payload={"text": "one"})
    second = await outbox.add_message("broadcast", payload={"text": "two"})
    await outbox.add_deliveries(first, [Recipient(7), Recipient(8)])
    await outbox.add_deliveries(second, [Recipient(7)])
    claimed = await outbox.claim(now=utcnow(), limit=10)
    assert [(r.chat_id, r.message.payload) for r in claimed] == [(7, {"text": "one"}), (8, {"text": "one"})]
    assert await outbox.claim(now=utcnow(), limit=10) == []  # "two" waits until "one" is done
    await outbox.mark_sent([claimed[0].id])
    await outbox.fail(claimed[1].id, "Bad Request: something")
    (next_row,) = await outbox.claim(now=utcnow(), limit=10)
    assert next_row.message.payload == {"text": "two"}
    counters = await outbox.counters(first)
    assert (counters.queued, counters.sent, counters.failed, counters.blocked) == (0, 1, 1, 0)
    assert (await outbox.counters(second)).queued == 1


async def test_rows_in_flight_at_a_crash_are_retried(db: Database) -> None:
    outbox = Outbox(db)
    message = await outbox.add_message("broadcast", payload={"text": "x"})
    await outbox.add_deliveries(message, [Recipient(1), Recipient(2)])
    assert len(await outbox.claim(now=utcnow(), limit=10)) == 2
    assert await Outbox(db).reset_in_flight() == 2  # what a restarted sender does first
    assert len(await outbox.claim(now=utcnow(), limit=10)) == 2


async def test_postponed_chat_and_blocked_chat(db: Database) -> None:
    outbox = Outbox(db)
    message = await outbox.add_message("broadcast", payload={"text": "x"})
    await add_subscriber(db, 5)
    await outbox.add_deliveries(message, [Recipient(5), Recipient(6)])
    later = utcnow() + timedelta(seconds=30)
    claimed = await outbox.claim(now=utcnow(), limit=10, not_before=lambda chat: later if chat == 6 else None)
    assert [row.chat_id for row in claimed] == [5]
    assert await outbox.claim(now=utcnow(), limit=10) == []
    assert [row.chat_id for row in await outbox.claim(now=later, limit=10)] == [6]
    assert await outbox.block_chat(5, "Forbidden: bot was blocked by the user") == 1
    assert (await outbox.counters(message)).blocked == 1
    assert await delivery_for(db).announce([make_entry()]) == 0  # the blocked chat listens no more


async def test_group_migration_moves_everything(db: Database) -> None:
    await add_subscriber(db, -10, message_thread_id=None)
    outbox = Outbox(db)
    message = await outbox.add_message("broadcast", payload={"text": "x"})
    await outbox.add_deliveries(message, [Recipient(-10)])
    await outbox.migrate_chat(-10, -1000010)
    (row,) = await outbox.claim(now=utcnow(), limit=10)
    assert row.chat_id == -1000010
    await outbox.mark_sent([row.id])
    assert await delivery_for(db).announce([make_entry()]) == 1  # the news follow the new id
    (row,) = await outbox.claim(now=utcnow(), limit=10)
    assert row.chat_id == -1000010


async def test_digest_is_queued_at_the_chosen_hour_once(db: Database) -> None:
    await add_subscriber(db, 1, mode="daily", digest_hour=7)
    await add_subscriber(db, 2, mode="weekly", digest_hour=7)
    delivery = delivery_for(db)
    assert await delivery.announce([make_entry("First"), make_entry("Second")]) == 0
    # Hours are local: 07:00 in Almaty (the zone of Russian-speaking readers by default) is 02:00 UTC.
    tuesday_6 = datetime(2026, 12, 1, 1, tzinfo=UTC)
    assert await delivery.send_due_digests(tuesday_6) == 0
    assert await delivery.send_due_digests(tuesday_6 + timedelta(hours=1)) == 1  # daily only, not on Monday
    assert await delivery.send_due_digests(tuesday_6 + timedelta(hours=1)) == 0
    monday_7 = datetime(2026, 12, 7, 2, tzinfo=UTC)
    assert await delivery.send_due_digests(monday_7) == 1  # the weekly one; the daily one has nothing new
    rows = await Outbox(db).claim(now=utcnow(), limit=10)
    assert sorted(row.chat_id for row in rows) == [1, 2]
    assert all("First" in row.message.payload["text"] and "Second" in row.message.payload["text"] for row in rows)  # type: ignore[index]


async def test_migration_downgrade_and_upgrade(db: Database) -> None:
    head = await db.current_revision()
    await db.downgrade("0005")  # drops the delivery tables and every later revision
    assert await db.current_revision() == "0005"
    await db.migrate()
    assert await db.current_revision() == head


async def test_pairs_queued_meanwhile_by_another_process_are_skipped_not_doubled(db: Database) -> None:
    # A fan-out queues the rows of the messages it has just stored by a plain INSERT; another process that found
    # those messages by their dedup keys may have queued some of the same pairs meanwhile.
    for chat_id in (1, 2, 3):
        await add_subscriber(db, chat_id)
    outbox = Outbox(db)
    message_id, new = await outbox.new_message("entry", dedup_key="entry:1:ru:2026-12-07", payload={"text": "x"})
    assert new
    assert await outbox.new_message("entry", dedup_key="entry:1:ru:2026-12-07", payload={"text": "x"}) == (
        message_id,
        False,
    )
    assert await outbox.add_deliveries(message_id, [Recipient(2)]) == 1  # the other process
    recipients = sa.select(
        sa.literal(message_id).label("message_id"),
        chats.c.id.label("chat_id"),
        sa.literal(None, sa.BigInteger).label("message_thread_id"),
    ).where(chats.c.id.in_([1, 2, 3]))
    assert await outbox.add_deliveries_from(recipients, new_messages=True) == 2
    assert await outbox.add_deliveries_from(recipients, new_messages=True) == 0
    claimed = await outbox.claim(now=utcnow(), limit=10)
    assert sorted(row.chat_id for row in claimed) == [1, 2, 3]


async def test_a_row_whose_message_is_gone_is_given_up_not_claimed(db: Database) -> None:
    # No foreign key keeps a message for its rows (its check per row was a third of a fan-out's cost): should one
    # ever be deleted under its rows, the sender gives them up and sends the rest.
    outbox = Outbox(db)
    gone = await outbox.add_message("broadcast", payload={"text": "gone"})
    kept = await outbox.add_message("broadcast", payload={"text": "kept"})
    await outbox.add_deliveries(gone, [Recipient(7)])
    await outbox.add_deliveries(kept, [Recipient(8)])
    async with db.begin() as conn:
        await conn.execute(sa.delete(outbox_messages).where(outbox_messages.c.id == gone))
    claimed = await outbox.claim(now=utcnow(), limit=10)
    assert [(row.chat_id, row.message.payload) for row in claimed] == [(8, {"text": "kept"})]
    assert (await outbox.counters(gone)).failed == 1
