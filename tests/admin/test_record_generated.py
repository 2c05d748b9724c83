"""The official record over any order of a story's versions: in batches or one by one, repeated (a re-poll), a
language told twice (a second source), a late variant of the first language: the record holds each language's text
that was pushed, once, in one row for the story, and its hash is the sha256 of the canonical text of that row; a
version nobody was sent (its readers had the story in that language) is not on record."""

from __future__ import annotations

import asyncio
import dataclasses
import itertools

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.services.admin.record import OfficialRecord, announcement_text, content_hash
from bot.services.delivery import Delivery
from domain.clock import utcnow
from domain.entries import StoredEntry
from storage import Database
from storage.audit import AuditLog
from storage.outbox import Outbox
from storage.record import NewRecord, RecordRepository
from storage.schema import official_record, outbox_deliveries, outbox_messages
from storage.subscriptions import SubscriptionRepository
from tests.delivery.helpers import make_entry

TITLES = {
    "ru": "Альянс низкоуглеродного развития принял новых членов",
    "kk": "Төмен көміртекті даму альянсы жаңа мүшелерді қабылдады",
    "en": "Low-carbon development alliance admits new members",
}
CHANNELS = {"ru": -100_1, "kk": -100_2, "en": -100_3}
_story_ids = itertools.count(70_000, 10)


def versions(order: list[str], corrected: bool) -> list[StoredEntry]:
    """The story's versions as they arrive; with `corrected`, a last version repeats the first language with another
    title (the same story)."""
    first = next(_story_ids)
    found = []
    languages = [*order, order[0]] if corrected else order
    for n, language in enumerate(languages):
        title = TITLES[language] + (" (corrected)" if corrected and n == len(order) else "")
        entry = make_entry(title, language=language, entry_id=first + n)
        found.append(dataclasses.replace(entry, story_id=first if n else None))
    return found


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    order=st.lists(st.sampled_from(["ru", "kk", "en"]), min_size=1, max_size=5),
    batches=st.integers(min_value=1, max_value=3),
    repeats=st.booleans(),
    corrected=st.booleans(),
)
async def test_every_text_of_a_story_is_kept_once_whatever_the_order(
    db: Database, order: list[str], batches: int, repeats: bool, corrected: bool
) -> None:
    async with db.begin() as conn:
        for table in (outbox_deliveries, outbox_messages, official_record):
            await conn.execute(table.delete())
    delivery = Delivery(SubscriptionRepository(db), Outbox(db), official_channels=CHANNELS)
    record = OfficialRecord(RecordRepository(db), AuditLog(db))
    story = versions(order, corrected)
    size = max(1, len(story) // batches)
    for start in range(0, len(story), size):
        batch = story[start : start + size]
        await delivery.announce(batch)
        await record.record_announcements(batch)
        if repeats:
            await delivery.announce(batch)
            assert await record.record_announcements(batch) == 0
    async with db.connect() as conn:
        rows = (await conn.execute(sa.select(official_record).order_by(official_record.c.id))).all()
    first_texts: dict[str, str] = {}
    for version in story[: len(order)]:
        first_texts.setdefault(version.entry.language, announcement_text(version))
    assert [row.texts for row in rows] == [first_texts]
    assert all(row.content_hash == content_hash(row.texts) for row in rows)
    assert {row.subject_id for row in rows} == {story[0].story}


async def test_the_records_numbers_do_not_skip_when_a_record_is_kept_again(db: Database) -> None:
    # A broadcast's record is kept idempotently, and may be asked for again (a restart, the report's last edit). On
    # PostgreSQL an insert that meets the unique key still takes a number: the next record was #3 after #1 (an
    # admin reading the official record would look for the missing #2).
    records = RecordRepository(db)
    now = utcnow()

    def new(subject_id: int) -> NewRecord:
        texts = {"en": f"text {subject_id}"}
        return NewRecord("broadcast", subject_id, texts, content_hash(texts), drafted_at=now, published_at=now)

    first = await records.add(new(1))
    assert first is not None
    assert await records.add(new(1)) is None
    assert await records.add(new(2)) == first + 1


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    waves=st.lists(
        st.lists(st.tuples(st.sampled_from(["broadcast", "announcement"]), st.integers(1, 4)), min_size=1, max_size=6),
        min_size=1,
        max_size=4,
    )
)
async def test_the_records_numbers_do_not_skip_whoever_keeps_what_at_once(
    db: Database, waves: list[list[tuple[str, int]]]
) -> None:
    # Replicas (or a restart racing the report's last edit) keep records at the same instant, the same one or
    # different ones, in waves: each record is kept once, and the numbers admins read (#1, #2, ...) run on without
    # a gap. On PostgreSQL two that looked at once and both inserted took two numbers for one record ([1, 4, ...]).
    async with db.begin() as conn:
        await conn.execute(official_record.delete())
    records = RecordRepository(db)
    now = utcnow()

    def new(kind: str, subject_id: int) -> NewRecord:
        texts = {"en": f"{kind} {subject_id}"}
        return NewRecord(kind, subject_id, texts, content_hash(texts), drafted_at=now, published_at=now)

    numbers: list[int] = []
    for wave in waves:
        kept = await asyncio.gather(*(records.add(new(kind, subject)) for kind, subject in wave))
        numbers += [number for number in kept if number is not None]
    assert len(numbers) == len({record for wave in waves for record in wave})
    assert sorted(numbers) == list(range(min(numbers), min(numbers) + len(numbers))), numbers
