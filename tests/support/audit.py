"""An audit trail that keeps what it is told, for services built by hand in a test."""

from __future__ import annotations

from typing import Any


class AuditRecords:
    """Keeps every record as (action, actor id, details)."""

    def __init__(self) -> None:
        self.entries: list[tuple[str, int | None, dict[str, Any]]] = []

    async def record(self, action: str, *, actor_id: int | None = None, **details: Any) -> None:
        self.entries.append((action, actor_id, details))
