"""The database selects an entry's subscribers: for any subscriptions and entries, the same as the rule in Python."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.delivery import Delivery
from bot.delivery.matching import wants
from storage import Database
from storage.chats import ChatRepository
from storage.outbox import Outbox
from storage.schema import chats, digest_items, outbox_deliveries, outbox_messages, subscriptions
from storage.subscriptions import SubscriptionRepository
from tests.delivery.helpers import add_subscriber, make_entry

WORDS = ("energy", "sport", "astana", "water")
LANGUAGES = ("ru", "kk", "en")


@dataclass(frozen=True)
class Chat:
    chat_id: int
    chat_language: str
    languages: tuple[str, ...]
    scope: str
    mode: str
    paused: bool
    active: bool
    include_words: tuple[str, ...]
    exclude_words: tuple[str, ...]
    changed_later: bool  # subscribed with the defaults, preferences changed afterwards (the index must follow)


words = st.lists(st.sampled_from(WORDS), max_size=2, unique=True).map(tuple)
chat_strategy = st.builds(
    Chat,
    chat_id=st.integers(-(10**12), 10**12).filter(lambda i: i != 0),
    chat_language=st.sampled_from(LANGUAGES),
    languages=st.lists(st.sampled_from(LANGUAGES), min_size=1, max_size=3, unique=True).map(tuple),
    scope=st.sampled_from(("alliance", "all")),
    mode=st.sampled_from(("instant", "daily", "weekly")),
    paused=st.booleans(),
    active=st.booleans(),
    include_words=words,
    exclude_words=words,
    changed_later=st.booleans(),
)
entry_strategy = st.tuples(st.sampled_from(LANGUAGES), st.booleans(), st.lists(st.sampled_from(WORDS), max_size=3))


async def _reset(db: Database) -> None:
    async with db.begin() as conn:
        for table in (outbox_deliveries, outbox_messages, digest_items, subscriptions, chats):
            await conn.execute(sa.delete(table))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(chat_strategy, max_size=12, unique_by=lambda c: c.chat_id),
    st.lists(entry_strategy, min_size=1, max_size=3),
    st.integers(1, 4),
)
async def test_announce_reaches_exactly_who_wants_the_entry(
    db: Database, generated: list[Chat], entry_specs: list[tuple[str, bool, list[str]]], chunk_size: int
) -> None:
    await _reset(db)
    repo = SubscriptionRepository(db)
    for chat in generated:
        prefs = {
            "scope": chat.scope,
            "mode": chat.mode,
            "paused": chat.paused,
            "include_words": chat.include_words,
            "exclude_words": chat.exclude_words,
        }
        if chat.changed_later:
            await add_subscriber(db, chat.chat_id, language=chat.chat_language)
            await repo.update(chat.chat_id, languages=chat.languages, **prefs)  # type: ignore[arg-type]
        else:
            await add_subscriber(db, chat.chat_id, language=chat.chat_language, languages=list(chat.languages), **prefs)
        if not chat.active:
            await ChatRepository(db).set_active(chat.chat_id, False)
    entries = [
        make_entry(" ".join(title) or "News", language=language, alliance=alliance, summary="<p>Text</p>")
        for language, alliance, title in entry_specs
    ]
    await Delivery(repo, Outbox(db), chunk_size=chunk_size).announce(entries)

    expected_instant, expected_digest = set(), set()
    for chat in generated:
        subscription = await repo.get(chat.chat_id)
        assert subscription is not None
        for entry in entries:
            if chat.active and not chat.paused and wants(subscription, entry):
                if chat.mode == "instant":
                    expected_instant.add((chat.chat_id, f"entry:{entry.id}:{chat.chat_language}"))
                else:
                    expected_digest.add((chat.chat_id, entry.id))
    async with db.connect() as conn:
        queued = await conn.execute(
            sa.select(outbox_deliveries.c.chat_id, outbox_messages.c.dedup_key).join(
                outbox_messages, outbox_messages.c.id == outbox_deliveries.c.message_id
            )
        )
        digest = await conn.execute(sa.select(digest_items.c.chat_id, digest_items.c.entry_id))
        assert {tuple(row) for row in queued} == expected_instant
        assert {tuple(row) for row in digest} == expected_digest
        # A message is stored only for a language somebody receives it in.
        used = {key for _, key in expected_instant}
        stored = set((await conn.execute(sa.select(outbox_messages.c.dedup_key))).scalars())
        assert stored == used
