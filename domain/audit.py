"""The admin audit trail as services see it (storage.audit.AuditLog writes it), and who acts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Protocol


class AuditTrail(Protocol):
    """Records who did what; `details` are JSON-serialisable."""

    async def record(self, action: str, *, actor_id: int | None = None, **details: Any) -> None: ...


@dataclass(frozen=True, slots=True)
class Actor:
    """Who asked for an action and through which door: an admin in Telegram (by user id), or the operator at the
    shell."""

    door: Literal["telegram", "shell"]
    user_id: int | None = None

    @classmethod
    def admin(cls, user_id: int | None) -> Actor:
        """An admin acting in Telegram."""
        return cls("telegram", user_id)


SHELL = Actor("shell")


async def record(audit: AuditTrail, actor: Actor, action: str, **details: Any) -> None:
    """One audit entry for an action, naming the actor and the door it came through."""
    await audit.record(action, actor_id=actor.user_id, door=actor.door, **details)
