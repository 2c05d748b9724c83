"""Bot API requests built once per message and sent to every recipient, through aiogram.

aiogram validates a method model for every call, serializes its markup and defaults, and parses the answer
into a full `Message` with every nested object. For a message sent to thousands of chats only the chat id
changes and only "did it go through" matters, so here the request is prepared once: aiogram builds and
encodes it (`prepare_value`, the bot's defaults), and each recipient gets a copy of those encoded fields
with its chat and topic. The answer is parsed into `Sent` (the message id, nothing else); errors still go
through aiogram's session, so a 429, a migration or a refusal raise aiogram's own exceptions.
"""

from __future__ import annotations

from typing import Any, ClassVar

from aiogram import Bot
from aiogram.methods import TelegramMethod
from pydantic import BaseModel, ConfigDict


class Sent(BaseModel):
    """What the sender needs from a sent message: that it exists."""

    model_config = ConfigDict(extra="ignore")

    message_id: int


class _Prepared(TelegramMethod[Sent]):
    """A method whose fields are already encoded as aiogram sends them (strings, or None for absent)."""

    __returning__ = Sent
    __api_method__: ClassVar[str] = ""


_CLASSES: dict[str, type[_Prepared]] = {}


def _method_class(api_method: str) -> type[_Prepared]:
    if api_method not in _CLASSES:
        _CLASSES[api_method] = type(f"Prepared_{api_method}", (_Prepared,), {"__api_method__": api_method})
    return _CLASSES[api_method]


class PreparedRequest:
    """One message's request, encoded once; `to(chat_id, thread)` is the call for one recipient."""

    def __init__(self, bot: Bot, method: TelegramMethod[Any]) -> None:
        files: dict[str, Any] = {}
        fields: dict[str, Any] = {}
        for key, value in method.model_dump(warnings=False).items():
            if key in ("chat_id", "message_thread_id"):
                continue
            encoded = bot.session.prepare_value(value, bot=bot, files=files)
            if encoded:
                fields[key] = encoded
        if files:
            raise ValueError("a prepared request carries no uploads")
        self._fields = fields
        self._class = _method_class(method.__api_method__)

    def to(self, chat_id: int, message_thread_id: int | None) -> TelegramMethod[Sent]:
        # model_construct: the fields were validated once, in the template; nothing is checked again.
        return self._class.model_construct(chat_id=chat_id, message_thread_id=message_thread_id, **self._fields)
