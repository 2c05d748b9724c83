"""The admin audit trail as services and handlers see it (storage.audit.AuditLog writes it)."""

from typing import Any, Protocol


class AuditTrail(Protocol):
    """Records who did what; `details` are JSON-serialisable."""

    async def record(self, action: str, *, actor_id: int | None = None, **details: Any) -> None: ...
