"""The moderation queue: alliance entries held until an admin approves, retitles or skips them."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from domain.clock import utcnow
from storage.database import Database
from storage.schema import held_entries
from storage.sql import insert_ignoring_duplicates


@dataclass(frozen=True, slots=True)
class HeldEntry:
    """An entry waiting for (or past) an admin's decision; `title` replaces the source's title when set."""

    entry_id: int
    title: str | None
    status: str  # held approved skipped


class HeldEntryRepository:
    """Reads and writes `held_entries`; decisions are conditional, so an entry is approved at most once."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def hold(self, entry_id: int) -> bool:
        """Hold an entry; False when it was held (or decided) before."""
        row = {"entry_id": entry_id, "status": "held", "created_at": utcnow()}
        async with self._db.begin() as conn:
            return bool(await insert_ignoring_duplicates(conn, held_entries, [row], ("entry_id",)))

    async def get(self, entry_id: int) -> HeldEntry | None:
        """The held entry, or None."""
        async with self._db.connect() as conn:
            row = (await conn.execute(sa.select(held_entries).where(held_entries.c.entry_id == entry_id))).first()
        return HeldEntry(row.entry_id, row.title, row.status) if row else None

    async def set_title(self, entry_id: int, title: str) -> bool:
        """Replace the title of a held entry; False when it is no longer held."""
        async with self._db.begin() as conn:
            result = await conn.execute(
                sa.update(held_entries)
                .where(held_entries.c.entry_id == entry_id, held_entries.c.status == "held")
                .values(title=title)
            )
        return bool(result.rowcount)

    async def decide(self, entry_id: int, status: str, admin_id: int | None) -> bool:
        """Approve or skip a held entry; only the first decision counts."""
        async with self._db.begin() as conn:
            result = await conn.execute(
                sa.update(held_entries)
                .where(held_entries.c.entry_id == entry_id, held_entries.c.status == "held")
                .values(status=status, decided_by=admin_id, decided_at=utcnow())
            )
        return bool(result.rowcount)
