"""The database selects an entry's subscribers and queues the plain ones itself: for any subscriptions and entries
(stories told in several languages, quiet hours, chosen time zones, "only my languages"), the outbox and the
digests hold exactly what the rule in Python (`wants_topic`, `choose_version`) asks for, subscriber by subscriber."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.services.delivery import Delivery
from bot.services.delivery.matching import choose_version, wants_topic
from domain.entries import StoredEntry
from domain.localtime import chat_zone, quiet_until
from storage import Database
from storage.chats import ChatRepository
from storage.outbox import Outbox
from storage.schema import chats, digest_items, outbox_deliveries, outbox_messages, subscriptions
from storage.subscriptions import SubscriptionRepository
from tests.delivery.helpers import add_subscriber, make_entry

WORDS = ("energy", "sport", "astana", "water")
LANGUAGES = ("ru", "kk", "en")
BOT_ZONE = "Asia/Almaty"
NOW = datetime(2026, 11, 27, 20, 30, tzinfo=UTC)  # 01:30 in Almaty, 20:30 in London: inside some quiet hours


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
    own_languages_only: bool
    quiet_hours: tuple[int, int] | None
    timezone: str | None


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
    own_languages_only=st.booleans(),
    quiet_hours=st.none() | st.tuples(st.integers(0, 23), st.integers(0, 23)),
    timezone=st.none() | st.sampled_from(("Asia/Almaty", "Europe/London", "Asia/Shanghai")),
)
# (language, alliance news, title words, the same story as the entry before it)
entry_strategy = st.tuples(
    st.sampled_from(LANGUAGES), st.booleans(), st.lists(st.sampled_from(WORDS), max_size=3), st.booleans()
)


async def _reset(db: Database) -> None:
    async with db.begin() as conn:
        for table in (outbox_deliveries, outbox_messages, digest_items, subscriptions, chats):
            await conn.execute(sa.delete(table))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(chat_strategy, max_size=12, unique_by=lambda c: c.chat_id),
    st.lists(entry_strategy, min_size=1, max_size=3),
    st.integers(1, 4),
    st.integers(1, 8),
    st.integers(1, 3),
)
async def test_announce_reaches_exactly_who_wants_the_entry(
    db: Database,
    generated: list[Chat],
    entry_specs: list[tuple[str, bool, list[str], bool]],
    chunk_size: int,
    max_chunk_size: int,
    page_size: int,
) -> None:
    """Chunks of any first size growing to any largest, and the subscribers matched in Python and the chats that
    have a story read in pages of any size: nobody is reached twice or missed at the edges."""
    await _reset(db)
    repo = SubscriptionRepository(db)
    for chat in generated:
        prefs = {
            "scope": chat.scope,
            "mode": chat.mode,
            "paused": chat.paused,
            "include_words": chat.include_words,
            "exclude_words": chat.exclude_words,
            "own_languages_only": chat.own_languages_only,
            "quiet_hours": chat.quiet_hours,
        }
        if chat.changed_later:
            await add_subscriber(db, chat.chat_id, language=chat.chat_language)
            await repo.update(chat.chat_id, languages=chat.languages, **prefs)  # type: ignore[arg-type]
        else:
            await add_subscriber(db, chat.chat_id, language=chat.chat_language, languages=list(chat.languages), **prefs)
        if chat.timezone is not None:
            await ChatRepository(db).set_timezone(chat.chat_id, chat.timezone)
        if not chat.active:
            await ChatRepository(db).set_active(chat.chat_id, False)
    entries: list[StoredEntry] = []
    for language, alliance, title, same_story in entry_specs:
        entry = make_entry(" ".join(title) or "News", language=language, alliance=alliance, summary="<p>Text</p>")
        entries.append(replace(entry, story_id=entries[-1].story) if same_story and entries else entry)
    delivery = Delivery(
        repo,
        Outbox(db),
        timezone=BOT_ZONE,
        clock=lambda: NOW,
        chunk_size=chunk_size,
        max_chunk_size=max_chunk_size,
        page_size=page_size,
    )
    await delivery.announce(entries)

    # The rule, one subscriber at a time, entries oldest first as `announce` takes them. Nothing is sent here, so a
    # chat's copy of a story is always still queued: a better version takes its place (the old row is superseded).
    expected_instant, expected_digest, expected_superseded = set(), set(), set()
    copies: dict[tuple[int, int], str] = {}  # (chat, story) -> language of the version the chat has
    rows_of: dict[tuple[int, int], tuple[int, int, str, bool, bool, bool]] = {}  # (chat, story) -> its queued row
    replaced_rows: set[tuple[int, int, str, bool, bool, bool]] = set()
    for entry in sorted(entries, key=lambda e: (e.published, e.id)):
        for chat in generated:
            subscription = await repo.get(chat.chat_id)
            assert subscription is not None
            if not chat.active or chat.paused or not wants_topic(subscription, entry):
                continue
            had = copies.get((chat.chat_id, entry.story))
            version = choose_version(subscription, chat.chat_language, entry, had)
            if version is None:
                continue
            if chat.mode != "instant":
                expected_digest.add((chat.chat_id, entry.id))
                continue
            zone_name = chat_zone(chat.timezone, chat.chat_language, BOT_ZONE)
            quiet = subscription.quiet_hours
            delayed = quiet is not None and quiet_until(NOW, zone_name, *quiet) is not None
            if version.edit:
                replaced = rows_of[(chat.chat_id, entry.story)]
                expected_instant.discard(replaced)
                expected_superseded.add(replaced[:2])
                replaced_rows.add(replaced)
            copies[(chat.chat_id, entry.story)] = entry.entry.language
            row = (chat.chat_id, entry.id, chat.chat_language, version.fallback, False, delayed)
            rows_of[(chat.chat_id, entry.story)] = row
            expected_instant.add(row)
    d, m = outbox_deliveries, outbox_messages
    async with db.connect() as conn:
        rows = await conn.execute(
            sa.select(
                d.c.chat_id, m.c.dedup_key, d.c.replaces_id, d.c.next_attempt_at, d.c.created_at, d.c.status
            ).join(m, m.c.id == d.c.message_id)
        )
        queued, superseded = set(), set()
        for chat_id, key, replaces_id, next_attempt_at, created_at, status in rows:
            _, entry_id, language, *rest = key.split(":")
            if status == "superseded":
                superseded.add((chat_id, int(entry_id)))
                continue
            delayed = next_attempt_at != created_at  # the row waits for the end of quiet hours
            queued.add((chat_id, int(entry_id), language, rest[-1] == "fallback", replaces_id is not None, delayed))
        digest = await conn.execute(sa.select(digest_items.c.chat_id, digest_items.c.entry_id))
        assert queued == expected_instant
        assert superseded == expected_superseded
        assert {tuple(row) for row in digest} == expected_digest
        # A message is stored only for a version somebody receives (or was queued for before a better one replaced it).
        used = {(entry_id, language, fallback) for _, entry_id, language, fallback, _, _ in expected_instant}
        used |= {(entry_id, language, fallback) for _, entry_id, language, fallback, _, _ in replaced_rows}
        stored = {
            (int(key.split(":")[1]), key.split(":")[2], key.endswith(":fallback"))
            for key in (await conn.execute(sa.select(m.c.dedup_key))).scalars()
        }
        assert stored == used
