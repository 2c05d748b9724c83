"""The chats the bot talks to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Chat:
    """A private user, group, supergroup or channel the bot has met."""

    id: int
    type: str
    title: str | None
    username: str | None
    language: str
    active: bool
    timezone: str | None  # the IANA zone the chat chose; None until it chooses one
    created_at: datetime
    updated_at: datetime

    @property
    def is_private(self) -> bool:
        return self.type == "private"


class ChatLanguages(Protocol):
    """Where a chat's interface language is kept (storage.chats.ChatRepository)."""

    async def set_language(self, chat_id: int, language: str) -> None: ...
