"""Bot API requests built once per message and sent to every recipient.

aiogram validates a method model for every call, serializes its markup and defaults, builds a form, and
parses the answer into a full `Message` with every nested object. For a message sent to thousands of chats
only the chat id changes and only "did it go through" matters, so here the request is prepared once:
aiogram builds and encodes its fields (`prepare_value`, the bot's defaults) and they are url-encoded into one
body, as aiogram's session would send them. Each recipient's request is that body behind its chat and topic,
posted through aiogram's own aiohttp session (its connector, timeout and server address). A successful
answer is read for its message id alone; any other answer goes to aiogram's `check_response`, so a 429, a
migration, a refusal or a malformed answer raise aiogram's own exceptions, exactly as `bot(...)` would. Such a post
skips the session's middlewares, so it takes its slot from the shared budget and reports its 429 itself.
"""

from __future__ import annotations

from typing import Any, ClassVar, cast
from urllib.parse import urlencode

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter
from aiogram.methods import TelegramMethod
from aiohttp import ClientError, ClientTimeout
from pydantic import BaseModel, ConfigDict

from bot.telegram.flood import FloodControl

_FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class Sent(BaseModel):
    """What the sender needs from a sent message: that it exists."""

    model_config = ConfigDict(extra="ignore")

    message_id: int


class _Prepared(TelegramMethod[Sent]):
    """A method whose fields are already encoded as aiogram sends them (strings, or None for absent)."""

    __returning__ = Sent
    __api_method__: ClassVar[str] = ""


_CLASSES: dict[str, type[_Prepared]] = {}


def _method_class(method: TelegramMethod[Any]) -> type[_Prepared]:
    # Named as aiogram's own method, which aiogram's error messages name ("on method 'SendMessage'").
    api_method = method.__api_method__
    if api_method not in _CLASSES:
        _CLASSES[api_method] = type(type(method).__name__, (_Prepared,), {"__api_method__": api_method})
    return _CLASSES[api_method]


class PreparedRequest:
    """One message's request, encoded once; `send(bot, chat_id, thread)` sends it to one recipient."""

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
        self._class = _method_class(method)
        # As aiohttp's FormData encodes fields without files (a str enum such as ParseMode as its value).
        self._body = urlencode(list(fields.items()), doseq=True).encode()

    def to(self, chat_id: int, message_thread_id: int | None) -> TelegramMethod[Sent]:
        """The recipient's request as an aiogram method (for `bot(...)`, and for aiogram's error handling)."""
        # model_construct: the fields were validated once, in the template; nothing is checked again.
        return self._class.model_construct(chat_id=chat_id, message_thread_id=message_thread_id, **self._fields)

    def body(self, chat_id: int, message_thread_id: int | None) -> bytes:
        """The url-encoded form of the recipient's request."""
        head = b"chat_id=%d&" % chat_id
        if message_thread_id:
            head += b"message_thread_id=%d&" % message_thread_id
        return head + self._body

    async def send(self, bot: Bot, chat_id: int, message_thread_id: int | None, flood: FloodControl) -> int:
        """Send to one recipient as bulk (after any waiting reply) and return the message id; raises what
        `bot(self.to(...))` would raise."""
        session = bot.session
        if not isinstance(session, AiohttpSession):
            return (await bot(self.to(chat_id, message_thread_id))).message_id
        await flood.acquire(chat_id, bulk=True)
        try:
            return await self._post(session, bot, chat_id, message_thread_id)
        except TelegramRetryAfter as error:
            flood.rate_limited(chat_id, error.retry_after)
            raise

    async def _post(self, session: AiohttpSession, bot: Bot, chat_id: int, message_thread_id: int | None) -> int:
        client = await session.create_session()
        url = session.api.api_url(token=bot.token, method=self._class.__api_method__)
        try:
            async with client.post(
                url,
                data=self.body(chat_id, message_thread_id),
                headers=_FORM,
                timeout=ClientTimeout(total=session.timeout),  # what aiohttp makes of aiogram's number
            ) as response:
                status, content = response.status, await response.text()
        except TimeoutError as error:
            raise TelegramNetworkError(self.to(chat_id, message_thread_id), "Request timeout error") from error
        except ClientError as error:
            method = self.to(chat_id, message_thread_id)
            raise TelegramNetworkError(method, f"{type(error).__name__}: {error}") from error
        if status == 200:
            answer = session.json_loads(content)
            result = answer.get("result") if isinstance(answer, dict) and answer.get("ok") is True else None
            message_id = result.get("message_id") if isinstance(result, dict) else None
            if type(message_id) is int:
                return message_id
        checked = session.check_response(bot, self.to(chat_id, message_thread_id), status, content)
        return cast(Sent, checked.result).message_id  # as aiogram's make_request: ok means a result
