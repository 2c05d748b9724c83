"""The audit log: who did what and when."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from storage.database import Database
from storage.schema import audit_log


class AuditLog:
    """Appends to and reads the `audit_log` table."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(self, action: str, *, actor_id: int | None = None, **details: Any) -> None:
        """Write one entry; `details` must be JSON-serializable."""
        async with self._db.begin() as conn:
            await conn.execute(sa.insert(audit_log).values(actor_id=actor_id, action=action, details=details))

    async def recent(self, limit: int = 50) -> list[dict[str, Any]]:
        """The newest entries first."""
        async with self._db.connect() as conn:
            rows = await conn.execute(sa.select(audit_log).order_by(audit_log.c.id.desc()).limit(limit))
            return [dict(row._mapping) for row in rows]
