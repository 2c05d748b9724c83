"""Dispatcher middlewares: who is talking (the stored chat) and in which language to answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import Chat as TelegramChat
from aiogram.types import TelegramObject, User

from bot.config import Settings
from bot.i18n import localizer, pick_language
from storage.chats import ChatRepository


class ChatContextMiddleware(BaseMiddleware):
    """Puts `chat` (the stored chat, created on first contact) and `l10n` into handler data.

    The first contact takes the language from Telegram's `language_code`; after that the stored
    choice wins. Updates without a chat (inline queries) get the user's language, nothing stored.
    """

    def __init__(self, chats: ChatRepository, settings: Settings) -> None:
        self._chats = chats
        self._settings = settings

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user: User | None = data.get("event_from_user")
        tg_chat: TelegramChat | None = data.get("event_chat")
        first_language = pick_language(user.language_code if user else None, self._settings.default_language)
        if tg_chat is not None:
            title = tg_chat.title or " ".join(filter(None, [tg_chat.first_name, tg_chat.last_name])) or None
            stored = await self._chats.meet(
                tg_chat.id,
                type=tg_chat.type,
                language=first_language,
                title=title,
                username=tg_chat.username,
            )
            data["chat"] = stored
            data["l10n"] = localizer(stored.language)
        else:
            data["l10n"] = localizer(first_language)
        return await handler(event, data)
