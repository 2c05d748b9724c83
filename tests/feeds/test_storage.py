"""The feeds migration and the bounded seen-keys history."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import sqlalchemy as sa

import storage
from bot.services.ingestion.text import decode_body
from storage import Database
from storage.schema import seen_keys
from tests.feeds.conftest import Harness
from tests.support.feeds import FeedSite, items, rss


def _revision_before_feeds() -> str:
    path = Path(storage.__file__).parent / "migrations" / "versions" / "0003_sources_and_entries.py"
    spec = importlib.util.spec_from_file_location("feeds_migration", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return str(module.down_revision)


async def test_migration_downgrades_and_upgrades_again(tmp_path: Path):
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/m.sqlite3")
    try:
        await db.migrate()
        head = await db.current_revision()
        await db.downgrade(_revision_before_feeds())
        async with db.connect() as conn:
            tables = set(
                (await conn.execute(sa.text("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")))
                .scalars()
                .all()
            )
        assert not tables & {"sources", "entries", "seen_keys", "entries_fts", "entries_fts_insert"}
        await db.migrate()
        assert await db.current_revision() == head
    finally:
        await db.close()


async def test_the_seen_history_is_bounded_but_never_forgets_what_is_still_in_the_feed(
    site: FeedSite, harness: Harness
):
    # history_size is 50 in the harness; each poll brings 30 new items and drops the older ones from the feed.
    source = await harness.add(site.serve("/feed", rss(items(30))))
    for start in (0, 30, 60):
        site.serve("/feed", rss(items(30, start=start)))
        await harness.poll(source)
    async with harness.db.connect() as conn:
        remembered = (
            await conn.execute(
                sa.select(sa.func.count()).select_from(seen_keys).where(seen_keys.c.source_id == source.id)
            )
        ).scalar_one()
    assert remembered == 60  # bounded: max(50, 2 x feed size)
    assert sum(len(batch) for batch in harness.handed_over) == 90
    site.serve("/feed", rss(items(30, start=60)))
    assert (await harness.poll(source)).new == 0
    site.serve("/feed", rss(items(30, start=0)))  # the oldest items come back: stored entries still know them
    assert (await harness.poll(source)).new == 0


def test_bodies_decode_to_text_whatever_they_declare():
    text = "Экология и «зелёные» технологии"
    assert decode_body(text.encode("cp1251")) == text
    assert decode_body(text.encode("utf-8"), "text/xml; charset=windows-1251") == text
    assert decode_body("Экология".encode("koi8-r"), "text/xml; charset=koi8-r") == "Экология"
    assert decode_body(b"\xef\xbb\xbf" + text.encode("utf-8")) == text
    assert decode_body(text.encode("utf-16")) == text
