"""The stub Bot API server. A real aiogram Bot talks to it over HTTP on 127.0.0.1.

It keeps chats, users, an update queue served by long-polled getUpdates with Telegram's offset
semantics, every message the bot sent, and a record of every call. It checks what Telegram checks
(HTML entities, 1-4096 text and 0-1024 caption in characters after parsing, unknown chats, blocked
users, migrated groups, forum threads, keyboards, and the parameter rules of local_telegram/rules.py,
each with its citation) and fails on demand (429 with retry_after, 5xx, latency, timeouts) through
`Fault` rules. Optional flood control (local_telegram/flood.py, `stub.rate_limits`) answers 429 like
Telegram when the bot sends or edits faster than Telegram's limits.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web
from yarl import URL

from local_telegram import rules
from local_telegram.errors import ApiError
from local_telegram.flood import FloodControl, RateLimits
from local_telegram.html import Entity, EntityParseError, parse_html, plain_text
from local_telegram.urls import LinkError, normalise_link

__all__ = [  # RateLimits and ApiError moved to their own modules; tests and benches still import them from here
    "BOT_ID",
    "BOT_USERNAME",
    "TOKEN",
    "WAIT",
    "ApiError",
    "BotAPIStub",
    "Call",
    "Fault",
    "RateLimits",
    "SentMessage",
    "StubChat",
    "StubUser",
    "Upload",
]

SEND_METHODS = {"sendmessage", "sendphoto", "senddocument", "sendvideo", "copymessage"}
# Edits are requests on the chat like sends and spend the same flood budgets (see local_telegram/flood.py).
EDIT_METHODS = {"editmessagetext", "editmessagecaption", "editmessagereplymarkup"}
NOT_MODIFIED = (
    # telegram-bot-api's wording for MESSAGE_NOT_MODIFIED, the same for every edit method
    "Bad Request: message is not modified: specified new message content and reply markup are exactly the same "
    "as a current content and reply markup of the message"
)
QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"
TOKEN = "123456789:AAHstubTOKENforTESTSonlyxxxxxxxxxxx"  # noqa: S105 - the local server's own token, no secret
BOT_ID = 123456789
BOT_USERNAME = "alliance_test_bot"
# How long a caller waits for the bot by default: until it happens. A shared machine under load may take seconds
# or minutes for what is instant alone; the tests' own timeout (pytest-timeout) is the one guard against a hang.
WAIT: float | None = None
# Telegram's update types; without allowed_updates every type but these three is delivered.
UPDATE_TYPES = {
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "business_connection",
    "business_message",
    "edited_business_message",
    "deleted_business_messages",
    "message_reaction",
    "message_reaction_count",
    "inline_query",
    "chosen_inline_result",
    "callback_query",
    "shipping_query",
    "pre_checkout_query",
    "purchased_paid_media",
    "poll",
    "poll_answer",
    "my_chat_member",
    "chat_member",
    "chat_join_request",
    "chat_boost",
    "removed_chat_boost",
}
DEFAULT_UPDATE_TYPES = UPDATE_TYPES - {"chat_member", "message_reaction", "message_reaction_count"}
# core.telegram.org/bots/api#inlinekeyboardbutton says "Exactly one of the optional fields must be used to specify
# type of the button", but the Bot API refuses only a button with none: get_inline_keyboard_button_type
# (telegram-bot-api Client.cpp) takes the first action present in this order (url and callback_data only when
# non-empty) and drops the others.
BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "callback_game",
    "pay",
    "switch_inline_query",
    "switch_inline_query_chosen_chat",
    "switch_inline_query_current_chat",
    "login_url",
    "web_app",
    "copy_text",
)
# Not in the Bot API documentation; the limits Telegram is known to enforce (tginfo/Telegram-Limits#228: "max
# inline keyboard button : 100", "max inline keyboard button per row : 8"), answered as REPLY_MARKUP_TOO_LONG.
MAX_BUTTONS = 100
MAX_BUTTONS_PER_ROW = 8
# #inlinekeyboardbutton, callback_data "Data to be sent in a callback query to the bot when the button is
# pressed, 1-64 bytes"
MAX_CALLBACK_DATA_BYTES = 64


@dataclass
class Fault:
    """Fail matching calls: `status` 429/5xx/403/400, or `delay` seconds (longer than the client's
    timeout makes a timeout), or hold them until `gate` is set (Telegram slow for as long as a test
    needs). `times` limits how often it fires; `probability` makes it random."""

    method: str | None = None
    chat_id: int | None = None
    status: int | None = None
    description: str | None = None
    retry_after: int | tuple[int, ...] | None = None  # a tuple gives each firing the next value, cycling
    delay: float = 0.0
    gate: asyncio.Event | None = None
    times: int | None = None
    probability: float = 1.0
    fired: int = 0

    def matches(self, method: str, chat_id: int | None) -> bool:
        if self.times is not None and self.fired >= self.times:
            return False
        if self.method is not None and self.method != method:
            return False
        if self.chat_id is not None and self.chat_id != chat_id:
            return False
        return self.probability >= 1.0 or random.random() < self.probability

    def next_retry_after(self) -> int | None:
        """The retry_after of this firing (`fired` already counts it)."""
        if isinstance(self.retry_after, tuple):
            return self.retry_after[(self.fired - 1) % len(self.retry_after)]
        return self.retry_after


@dataclass(frozen=True)
class Upload:
    """A file the bot uploaded (multipart), kept whole so a test can look at what a user would open."""

    filename: str
    content: bytes


@dataclass
class SentMessage:
    """A message the bot sent (or copied), as a recipient would see it."""

    message_id: int
    chat_id: int
    kind: str  # text, photo, document, video, copy
    text: str  # visible text (or caption), entities parsed
    html: str | None  # what the bot sent, before parsing
    parse_mode: str | None
    reply_markup: dict[str, Any] | None
    message_thread_id: int | None
    params: dict[str, Any]
    edits: int = 0
    copied_kind: str | None = None  # for a copy: what was copied (text, photo, document, video)
    entities: tuple[Entity, ...] = ()  # the formatting Telegram kept, after its nesting rules
    upload: Upload | None = None  # the file the bot uploaded with a photo or document, as received

    @property
    def buttons(self) -> list[dict[str, Any]]:
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [button for row in rows for button in row]

    def button(self, text_part: str) -> dict[str, Any]:
        for button in self.buttons:
            if text_part in button["text"]:
                return button
        raise AssertionError(f"no button with {text_part!r} among {[b['text'] for b in self.buttons]}")


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    ok: bool
    error: str | None
    at: float


@dataclass
class StubChat:
    id: int
    type: str
    title: str | None = None
    first_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_forum: bool = False
    admins: set[int] = field(default_factory=set)
    blocked: bool = False
    migrated_to: int | None = None

    def as_chat(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.type == "private":
            data["first_name"] = self.first_name or "User"
        else:
            data["title"] = self.title or f"Chat {self.id}"
        if self.username:
            data["username"] = self.username
        if self.is_forum:
            data["is_forum"] = True
        return data


class BotAPIStub:
    """Start with `await stub.start()`; `stub.url` goes into TELEGRAM_API_URL."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.chats: dict[int, StubChat] = {}
        self.updates: list[dict[str, Any]] = []
        self.calls: list[Call] = []
        # The offset of every getUpdates as it arrives: `calls` has a long poll only once it is answered, up to
        # `max_long_poll` later, and the offset alone says which updates the bot has taken.
        self.polls: list[int] = []
        self.messages: dict[int, list[SentMessage]] = defaultdict(list)
        self.faults: list[Fault] = []
        self.latency: float = 0.0
        self.max_long_poll: float = 0.3  # short long-polls let a test stop the bot quickly
        self.rate_limits: RateLimits | None = None
        self.rate_limited: int = 0  # 429s the stub answered because the bot sent too fast
        self.held: int = 0  # calls waiting at a Fault's gate
        self.webhook_url: str = ""
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.callback_answers: dict[str, dict[str, Any]] = {}
        self.inline_answers: dict[str, dict[str, Any]] = {}
        self.user_messages: dict[tuple[int, int], dict[str, Any]] = {}  # what users sent, for copyMessage
        self.files: dict[str, bytes] = {}  # file_id -> content, for getFile and downloads
        self.member_counts: dict[int, int] = {}  # chat id -> members, for getChatMemberCount
        self.allowed_updates: set[str] = set(DEFAULT_UPDATE_TYPES)
        self.dropped_updates: list[dict[str, Any]] = []  # pushed but not of an allowed type
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        # What users send is numbered by the stub, not per StubUser: a user object made twice for one
        # chat must not reuse message ids (Telegram never does, and copyMessage looks them up).
        self.user_message_ids = itertools.count(1_000_000)
        self._new_update = asyncio.Condition()
        self._new_message = asyncio.Condition()
        self._flood = FloodControl()
        self.issued_queries: set[str] = set()  # callback and inline query ids users created, as Telegram issued
        self._runner: web.AppRunner | None = None
        self.url = ""

    # -- lifecycle -------------------------------------------------------------------------------

    async def start(self, port: int = 0) -> str:
        """Listen on 127.0.0.1 (`port` 0 picks a free one); returns the base URL."""
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]  # noqa: SLF001 - aiohttp has no public way to read a port chosen by the OS
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # -- the world a test builds -------------------------------------------------------------------

    def user(
        self, user_id: int, first_name: str = "Aigerim", language_code: str | None = "ru", username: str | None = None
    ) -> StubUser:
        """A private user (and their private chat with the bot)."""
        self.chats[user_id] = StubChat(
            user_id, "private", first_name=first_name, username=username, language_code=language_code
        )
        return StubUser(self, user_id, first_name, language_code, username)

    def group(
        self,
        chat_id: int,
        title: str = "Group",
        *,
        type: str = "supergroup",
        is_forum: bool = False,
        admins: set[int] | None = None,
    ) -> StubChat:
        chat = StubChat(chat_id, type, title=title, is_forum=is_forum, admins=set(admins or ()))
        self.chats[chat_id] = chat
        return chat

    def block(self, user_id: int) -> None:
        """The user blocks the bot: sends to them answer 403."""
        self.chats[user_id].blocked = True

    def migrate(self, group_id: int, supergroup_id: int) -> None:
        """A group becomes a supergroup with a new id."""
        old = self.chats[group_id]
        old.migrated_to = supergroup_id
        self.chats[supergroup_id] = StubChat(supergroup_id, "supergroup", title=old.title, admins=set(old.admins))

    def push_update(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Queue a raw update (a malformed one too); `update_id` is assigned."""
        update = {"update_id": next(self._update_ids), **payload}
        kind = next((key for key in payload if key in UPDATE_TYPES), None)
        if kind is not None and kind not in self.allowed_updates:
            # Telegram does not create updates of a type the bot did not ask for (allowed_updates).
            self.dropped_updates.append(update)
            return update
        self._remember_query(payload)
        message = payload.get("message")
        chat = message.get("chat") if isinstance(message, dict) else None
        chat_id = chat.get("id") if isinstance(chat, dict) else None
        if isinstance(message, dict) and isinstance(chat_id, int) and isinstance(message.get("message_id"), int):
            self.user_messages[(chat_id, message["message_id"])] = message
        self.updates.append(update)
        asyncio.get_running_loop().create_task(self._notify(self._new_update))
        return update

    def _remember_query(self, payload: dict[str, Any]) -> None:
        """A callback or inline query a user made: Telegram accepts answers only to the ids it issued."""
        for kind in ("callback_query", "inline_query"):
            query = payload.get(kind)
            if isinstance(query, dict) and isinstance(query.get("id"), str):
                self.issued_queries.add(query["id"])

    # -- reading what happened ---------------------------------------------------------------------

    def sent_to(self, chat_id: int) -> list[SentMessage]:
        return list(self.messages.get(chat_id, []))

    def calls_of(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    async def wait_until(self, predicate: Callable[[], bool], timeout: float | None = WAIT) -> None:
        """Wait until `predicate()` holds, re-checking whenever the bot sends something (for `timeout` seconds at
        most when one is given)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        async with self._new_message:
            while not predicate():
                remaining = 0.2 if deadline is None else deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"timed out after {timeout}s waiting for the bot")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._new_message.wait(), min(remaining, 0.2))

    # -- HTTP ---------------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        params = await _read_params(request)
        method = request.match_info["method"]
        method_key = method.lower()
        chat_id = _int_or_none(params.get("chat_id"))
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        chat = self.chats.get(chat_id) if chat_id is not None else None
        if method_key in SEND_METHODS | EDIT_METHODS and chat is not None:
            try:
                self._check_rate(chat)  # Telegram counts a request when it arrives, not when it is answered
            except ApiError as error:
                self._record(method, params, False, error.description)
                return _error(error.code, error.description, error.parameters)
        delay = self.latency
        for fault in self.faults:
            if fault.delay and fault.status is None and fault.gate is None and fault.matches(method, chat_id):
                fault.fired += 1
                delay += fault.delay
        if delay:
            await asyncio.sleep(delay)
        for fault in self.faults:
            if fault.gate is not None and fault.status is None and fault.matches(method, chat_id):
                fault.fired += 1
                self.held += 1
                await fault.gate.wait()
                self.held -= 1
        for fault in self.faults:
            if fault.status is not None and fault.matches(method, chat_id):
                fault.fired += 1
                self._record(method, params, False, f"fault {fault.status}")
                retry_after = fault.next_retry_after()
                parameters = {"retry_after": retry_after} if retry_after else None
                description = fault.description or _default_description(fault.status, retry_after)
                return _error(fault.status, description, parameters)
        handler = getattr(self, f"_m_{method_key}", None)
        if handler is None:
            self._record(method, params, False, "not found")
            return _error(404, "Not Found: method not found")
        try:
            result = await handler(params)
        except ApiError as error:
            self._record(method, params, False, error.description)
            return _error(error.code, error.description, error.parameters)
        self._record(method, params, True, None)
        return web.json_response({"ok": True, "result": result})

    def _record(self, method: str, params: dict[str, Any], ok: bool, error: str | None) -> None:
        self.calls.append(Call(method, params, ok, error, time.monotonic()))
        asyncio.get_running_loop().create_task(self._notify(self._new_message))

    async def _notify(self, condition: asyncio.Condition) -> None:
        async with condition:
            condition.notify_all()

    # -- methods ------------------------------------------------------------------------------------

    async def _m_getme(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Alliance Bot",
            "username": BOT_USERNAME,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }

    async def _m_getupdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = _int_or_none(params.get("offset")) or 0
        self.polls.append(offset)
        await self._notify(self._new_message)
        # #getupdates, limit "Values between 1-100 are accepted. Defaults to 100."; the Bot API clamps, not refuses
        # (Client::get_integer_arg).
        limit = _int_or_none(params.get("limit"))
        limit = min(max(100 if limit is None else limit, 1), 100)
        timeout = min(float(params.get("timeout") or 0), self.max_long_poll)
        if self.webhook_url:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active")
        self._set_allowed_updates(params)
        if offset:
            self.updates = [update for update in self.updates if update["update_id"] >= offset]
        deadline = time.monotonic() + timeout
        async with self._new_update:
            while not self.updates and time.monotonic() < deadline:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._new_update.wait(), deadline - time.monotonic())
        return self.updates[:limit]

    async def _m_setmycommands(self, params: dict[str, Any]) -> bool:
        commands = rules.check_commands(_json(params.get("commands")))
        key = self._commands_key(params)
        if commands:
            self.commands[key] = commands
        else:  # an empty list deletes the menu of that scope and language, as deleteMyCommands does
            self.commands.pop(key, None)
        return True

    async def _m_deletemycommands(self, params: dict[str, Any]) -> bool:
        self.commands.pop(self._commands_key(params), None)  # the next scope in Telegram's order shows again
        return True

    async def _m_getmycommands(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        return self.commands.get(self._commands_key(params), [])

    def _commands_key(self, params: dict[str, Any]) -> tuple[str, str]:
        """Menus are kept per (scope, language_code); a chat scope names a chat the bot knows."""
        scope = rules.check_scope(_json(params.get("scope")))
        if "chat_id" in scope:
            chat = self._chat({"chat_id": scope["chat_id"]})  # "chat not found" for a user who never met the bot
            # TDLib's BotCommandScope::get_bot_command_scope: a private chat takes only the "chat" scope.
            if chat.type == "private" and scope["type"] != "chat":
                raise ApiError(400, "Bad Request: can't use specified scope in private chats")
        return json.dumps(scope, sort_keys=True), rules.check_language_code(params.get("language_code"))

    def menu(self, chat_id: int, language_code: str | None = None) -> list[dict[str, Any]]:
        """The commands a user whose app is in `language_code` sees in the private chat with the bot: the first
        menu set in Telegram's order (chat + language, chat, all private chats + language, all private chats,
        default + language, default)."""
        scopes = [{"chat_id": chat_id, "type": "chat"}, {"type": "all_private_chats"}, {"type": "default"}]
        for scope in scopes:
            for language in ([language_code] if language_code else []) + [""]:
                menu = self.commands.get((json.dumps(scope, sort_keys=True), language))
                if menu:
                    return menu
        return []

    async def _m_setwebhook(self, params: dict[str, Any]) -> bool:
        url = str(params.get("url") or "")
        rules.check_webhook(url, str(params.get("secret_token") or ""))
        self.webhook_url = url
        self._set_allowed_updates(params)
        return True

    def _set_allowed_updates(self, params: dict[str, Any]) -> None:
        """Not given: the previous setting stays; an empty list: Telegram's default types."""
        if params.get("allowed_updates") is None:
            return
        wanted = _json(params["allowed_updates"])
        if not isinstance(wanted, list):
            raise ApiError(400, "Bad Request: can't parse allowed updates")
        self.allowed_updates = set(wanted) & UPDATE_TYPES or set(DEFAULT_UPDATE_TYPES)

    async def _m_deletewebhook(self, params: dict[str, Any]) -> bool:
        self.webhook_url = ""
        return True

    async def _m_getchat(self, params: dict[str, Any]) -> dict[str, Any]:
        # https://core.telegram.org/bots/api#chatfullinfo: getChat answers a ChatFullInfo, whose accent_color_id,
        # max_reaction_count and accepted_gift_types are always present.
        gifts = dict.fromkeys(
            ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription", "gifts_from_channels"), False
        )
        full = {"accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types": gifts}
        return self._chat(params).as_chat() | full

    async def _m_getchatmembercount(self, params: dict[str, Any]) -> int:
        """https://core.telegram.org/bots/api#getchatmembercount: the number of members in a chat (a user's
        private chat has two: the user and the bot). A test sets `member_counts[chat_id]`."""
        chat = self._chat(params)
        return self.member_counts.get(chat.id, 2 if chat.type == "private" else 1 + len(chat.admins))

    async def _m_getchatmember(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params)
        user_id = _int_or_none(params.get("user_id"))
        if user_id is None:
            raise ApiError(400, "Bad Request: user_id is required")
        user = {"id": user_id, "is_bot": user_id == BOT_ID, "first_name": "User"}
        if user_id in chat.admins or (chat.type == "private" and user_id == chat.id):
            return {
                "status": "administrator",
                "user": user,
                "can_be_edited": False,
                "is_anonymous": False,
                "can_manage_chat": True,
                "can_delete_messages": True,
                "can_manage_video_chats": True,
                "can_restrict_members": True,
                "can_promote_members": False,
                "can_change_info": True,
                "can_invite_users": True,
                "can_post_stories": False,
                "can_edit_stories": False,
                "can_delete_stories": False,
                "can_send_welcome_messages": False,
            }
        return {"status": "member", "user": user}

    async def _m_sendmessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._writable_chat(params)
        text, entities, raw = self._message_text(params)
        return await self._deliver(chat, "text", text, raw, params, entities)

    async def _m_sendphoto(self, params: dict[str, Any]) -> dict[str, Any]:
        return await self._send_media("photo", params)

    async def _m_senddocument(self, params: dict[str, Any]) -> dict[str, Any]:
        return await self._send_media("document", params)

    async def _m_sendvideo(self, params: dict[str, Any]) -> dict[str, Any]:
        return await self._send_media("video", params)

    async def _send_media(self, kind: str, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._writable_chat(params)
        media = params.get(kind)
        if not media:
            raise ApiError(400, f"Bad Request: there is no {kind} in the request")
        if isinstance(media, str) and media.lower().startswith(("http://", "https://")):
            await self._fetch_media(kind, media)
        raw = str(params.get("caption") or "")
        caption, entities = self._parse(raw, params.get("parse_mode"), limit=rules.MAX_CAPTION, what="message caption")
        if isinstance(media, str) and media.startswith("attach://"):
            media = params.get(media.removeprefix("attach://"))
            if not isinstance(media, Upload):
                raise ApiError(400, f"Bad Request: there is no {kind} in the request")
        if isinstance(media, Upload) and not media.content:
            raise ApiError(400, "Bad Request: file must be non-empty")
        upload = media if isinstance(media, Upload) else None
        return await self._deliver(chat, kind, caption, raw, params, entities, upload)

    async def _fetch_media(self, kind: str, url: str) -> None:
        """Telegram downloads a photo given by URL; this stub fetches 127.0.0.1 only, anything else fails."""
        try:
            host = URL(url).host
        except ValueError:
            host = None
        if host != "127.0.0.1":
            raise ApiError(400, "Bad Request: failed to get HTTP URL content")
        try:
            async with (
                aiohttp.ClientSession() as session,
                session.get(url, timeout=aiohttp.ClientTimeout(total=10)) as response,
            ):
                body = await response.read()
                content_type = response.content_type
                status = response.status
        except (aiohttp.ClientError, TimeoutError):
            raise ApiError(400, "Bad Request: failed to get HTTP URL content") from None
        if status != 200 or not body:
            raise ApiError(400, "Bad Request: failed to get HTTP URL content")
        if kind == "photo" and not content_type.startswith("image/"):
            raise ApiError(400, "Bad Request: wrong type of the web page content")

    async def _m_copymessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._writable_chat(params)
        source = self.chats.get(_int_or_none(params.get("from_chat_id")) or 0)
        if source is None:
            raise ApiError(400, "Bad Request: chat not found")
        message_id = _int_or_none(params.get("message_id"))
        original = next((m for m in self.messages.get(source.id, []) if m.message_id == message_id), None)
        from_user = self.user_messages.get((source.id, message_id or 0))
        entities: tuple[Entity, ...] = ()
        if original is not None:
            text, raw, kind, entities = original.text, original.html, original.kind, original.entities
        elif from_user is not None:
            # A user's message keeps its text or caption (and its entities) in the copy, as in Telegram.
            kind = next((k for k in ("photo", "document", "video") if k in from_user), "text")
            text = str(from_user.get("text") or from_user.get("caption") or "")
            raw = None
        else:
            raise ApiError(400, "Bad Request: message to copy not found")
        if "caption" in params:
            if kind == "text":
                raise ApiError(400, "Bad Request: there is no caption in the message to copy")
            raw = str(params.get("caption") or "")
            text, entities = self._parse(raw, params.get("parse_mode"), limit=rules.MAX_CAPTION, what="message caption")
        await self._deliver(chat, "copy", text, raw, params, entities)
        self.messages[chat.id][-1].copied_kind = kind
        return {"message_id": self.messages[chat.id][-1].message_id}

    async def _m_getfile(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = str(params.get("file_id") or "")
        if file_id not in self.files:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {
            "file_id": file_id,
            "file_unique_id": file_id,
            "file_size": len(self.files[file_id]),
            "file_path": f"documents/{file_id}",
        }

    async def _download(self, request: web.Request) -> web.StreamResponse:
        file_id = request.match_info["path"].rsplit("/", 1)[-1]
        if request.match_info["token"] != self.token or file_id not in self.files:
            return web.Response(status=404)
        return web.Response(body=self.files[file_id])

    async def _m_editmessagetext(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._message(params)
        if message.kind != "text" and not (message.kind == "copy" and message.copied_kind == "text"):
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        text, entities, raw = self._message_text(params)
        markup = _markup(params)
        if text == message.text and entities == message.entities and markup == message.reply_markup:
            raise ApiError(400, NOT_MODIFIED)
        message.text, message.html, message.entities, message.edits = text, raw, entities, message.edits + 1
        message.reply_markup = markup
        await self._notify(self._new_message)
        return self._message_payload(message)

    async def _m_editmessagecaption(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._message(params)
        if message.kind not in ("photo", "document", "video", "copy"):
            raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        raw = str(params.get("caption") or "")
        text, entities = self._parse(raw, params.get("parse_mode"), limit=rules.MAX_CAPTION, what="message caption")
        markup = _markup(params)
        if text == message.text and entities == message.entities and markup == message.reply_markup:
            raise ApiError(400, NOT_MODIFIED)
        message.text, message.html, message.entities, message.edits = text, raw, entities, message.edits + 1
        message.reply_markup = markup
        await self._notify(self._new_message)
        return self._message_payload(message)

    async def _m_editmessagereplymarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._message(params)
        markup = _markup(params)
        if markup == message.reply_markup:
            raise ApiError(400, NOT_MODIFIED)
        message.reply_markup, message.edits = markup, message.edits + 1
        await self._notify(self._new_message)
        return self._message_payload(message)

    async def _m_deletemessage(self, params: dict[str, Any]) -> bool:
        message = self._message(params)
        self.messages[message.chat_id].remove(message)
        return True

    async def _m_answercallbackquery(self, params: dict[str, Any]) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        # QUERY_ID_INVALID for an id no user's press created, or one already answered (#answercallbackquery:
        # "Unique identifier for the query to be answered").
        if query_id not in self.issued_queries or query_id in self.callback_answers:
            raise ApiError(400, QUERY_INVALID)
        if rules.text_length(str(params.get("text") or "")) > rules.MAX_CALLBACK_TEXT:  # "0-200 characters"
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        self.callback_answers[query_id] = params
        await self._notify(self._new_message)
        return True

    async def _m_answerinlinequery(self, params: dict[str, Any]) -> bool:
        query_id = str(params.get("inline_query_id") or "")
        results = rules.check_inline_results(_json(params.get("results")))
        for result in results:
            content = result.get("input_message_content") or result
            if content.get("message_text"):
                self._inline_text(content)
        if query_id not in self.issued_queries:  # #answerinlinequery: "Unique identifier for the answered query"
            raise ApiError(400, QUERY_INVALID)
        self.inline_answers[query_id] = {**params, "results": results}
        await self._notify(self._new_message)
        return True

    # -- checks -------------------------------------------------------------------------------------

    def _chat(self, params: dict[str, Any]) -> StubChat:
        raw = params.get("chat_id")
        chat_id = _int_or_none(raw)
        chat = self.chats.get(chat_id) if chat_id is not None else None
        if chat is None and isinstance(raw, str) and raw.startswith("@"):
            chat = next((c for c in self.chats.values() if c.username and "@" + c.username == raw), None)
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        return chat

    def _writable_chat(self, params: dict[str, Any]) -> StubChat:
        chat = self._chat(params)
        if chat.migrated_to is not None:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": chat.migrated_to},
            )
        if chat.blocked:
            if chat.type == "private":
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            raise ApiError(403, "Forbidden: bot was kicked from the supergroup chat")
        thread = _int_or_none(params.get("message_thread_id"))
        if thread is not None and not chat.is_forum:
            raise ApiError(400, "Bad Request: message thread not found")
        return chat

    def _check_rate(self, chat: StubChat) -> None:
        if self.rate_limits is None:
            return
        try:
            self._flood.admit(self.rate_limits, chat.id, chat.type == "private", time.monotonic())
        except ApiError:
            self.rate_limited += 1
            raise

    def _parse(self, raw: str, parse_mode: Any, *, limit: int, what: str) -> tuple[str, tuple[Entity, ...]]:
        """The visible text and entities of `raw`; `limit` in characters after entities parsing (#sendmessage)."""
        entities: tuple[Entity, ...] = ()
        mode = rules.check_parse_mode(parse_mode) if raw else None  # the Bot API parses a non-empty text only
        if mode == "html":
            try:
                parsed = parse_html(raw)
            except EntityParseError as error:
                raise ApiError(400, f"Bad Request: can't parse entities: {error}") from None
            text, entities = parsed.text, parsed.entities
        elif mode is not None:  # a real parse mode this stub has no parser for: say so, never pass it as plain
            raise ApiError(400, f"Bad Request: the local Telegram does not parse {parse_mode}")
        else:
            text = plain_text(raw)
        if rules.text_length(text) > limit:
            raise ApiError(400, f"Bad Request: {what} is too long")
        return text, entities

    def _message_text(self, params: dict[str, Any]) -> tuple[str, tuple[Entity, ...], str]:
        """sendMessage's and editMessageText's `text`: "1-4096 characters after entities parsing" (#sendmessage).
        An empty parameter and a text that parses to nothing are refused with telegram-bot-api's and TDLib's
        different words."""
        raw = str(params.get("text") or "")
        if not raw:
            raise ApiError(400, "Bad Request: message text is empty")
        text, entities = self._parse(raw, params.get("parse_mode"), limit=rules.MAX_TEXT, what="message")
        if not text:
            raise ApiError(400, "Bad Request: text must be non-empty")
        return text, entities, raw

    def _inline_text(self, content: dict[str, Any]) -> None:
        """#inputtextmessagecontent: message_text "Text of the message to be sent, 1-4096 characters"."""
        try:
            text, _ = self._parse(
                str(content["message_text"]), content.get("parse_mode"), limit=rules.MAX_TEXT, what="message"
            )
        except ApiError as error:
            if error.description.endswith("is too long"):  # refused by the server, not by the Bot API
                raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG") from None
            raise
        if not text:
            raise ApiError(400, "Bad Request: text must be non-empty")

    def _message(self, params: dict[str, Any]) -> SentMessage:
        chat = self._chat(params)
        message_id = _int_or_none(params.get("message_id"))
        for message in self.messages.get(chat.id, []):
            if message.message_id == message_id:
                return message
        raise ApiError(400, "Bad Request: message to edit not found")

    async def _deliver(
        self,
        chat: StubChat,
        kind: str,
        text: str,
        raw: str | None,
        params: dict[str, Any],
        entities: tuple[Entity, ...] = (),
        upload: Upload | None = None,
    ) -> dict[str, Any]:
        markup = _markup(params)
        self._check_reply(chat, params)
        message = SentMessage(
            message_id=next(self._message_ids),
            chat_id=chat.id,
            kind=kind,
            text=text,
            html=raw,
            parse_mode=params.get("parse_mode"),
            reply_markup=markup,
            message_thread_id=_int_or_none(params.get("message_thread_id")),
            params=params,
            entities=entities,
            upload=upload,
        )
        self.messages[chat.id].append(message)
        await self._notify(self._new_message)
        return self._message_payload(message)

    def _check_reply(self, chat: StubChat, params: dict[str, Any]) -> None:
        """#replyparameters: message_id "Identifier of the message that will be replied to in the current chat";
        allow_sending_without_reply "Pass True if the message should be sent even if the specified message to be
        replied to is not found". The legacy reply_to_message_id works the same way."""
        reply = _json(params.get("reply_parameters"))
        if isinstance(reply, dict):
            message_id, allowed = _int_or_none(reply.get("message_id")), reply.get("allow_sending_without_reply")
            if reply.get("chat_id") is not None:
                chat = self._chat({"chat_id": reply["chat_id"]})
        else:
            message_id = _int_or_none(params.get("reply_to_message_id"))
            allowed = params.get("allow_sending_without_reply")
        if message_id is None or allowed in (True, "true", "True", "1"):
            return
        sent = any(message.message_id == message_id for message in self.messages.get(chat.id, []))
        if not sent and (chat.id, message_id) not in self.user_messages:
            raise ApiError(400, "Bad Request: message to be replied not found")

    def _message_payload(self, message: SentMessage) -> dict[str, Any]:
        chat = self.chats[message.chat_id]
        payload: dict[str, Any] = {
            "message_id": message.message_id,
            "date": int(time.time()),
            "chat": chat.as_chat(),
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Alliance Bot", "username": BOT_USERNAME},
        }
        entities = [_entity_payload(entity) for entity in message.entities]
        if message.kind == "text":
            payload["text"] = message.text
            if entities:
                payload["entities"] = entities
        elif message.kind in ("photo", "document", "video"):
            if message.kind == "photo":
                payload["photo"] = [{"file_id": "p1", "file_unique_id": "u1", "width": 1, "height": 1}]
            else:
                payload[message.kind] = {"file_id": "f1", "file_unique_id": "u1"} | (
                    {"width": 1, "height": 1, "duration": 1} if message.kind == "video" else {}
                )
            if message.text:
                payload["caption"] = message.text
                if entities:
                    payload["caption_entities"] = entities
        if message.message_thread_id is not None:
            payload["message_thread_id"] = message.message_thread_id
            payload["is_topic_message"] = True
        if message.reply_markup:
            payload["reply_markup"] = message.reply_markup
        return payload


class StubUser:
    """Acts as a Telegram user in a private chat with the bot."""

    def __init__(
        self, stub: BotAPIStub, user_id: int, first_name: str, language_code: str | None, username: str | None
    ) -> None:
        self.stub = stub
        self.id = user_id
        self.first_name = first_name
        self.language_code = language_code
        self.username = username
        self._seen = 0
        self._message_ids = stub.user_message_ids

    def as_user(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.language_code:
            data["language_code"] = self.language_code
        if self.username:
            data["username"] = self.username
        return data

    def send(self, text: str, chat: StubChat | None = None, **extra: Any) -> dict[str, Any]:
        """The user sends a text message (a command too) to the bot, or to `chat`."""
        target = chat or self.stub.chats[self.id]
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": target.as_chat(),
            "from": self.as_user(),
            "text": text,
            **extra,
        }
        if text.startswith("/"):
            length = len(text.split(maxsplit=1)[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return self.stub.push_update({"message": message})

    def send_media(
        self, kind: str, caption: str = "", *, file_name: str = "file", content: bytes = b"", **extra: Any
    ) -> dict[str, Any]:
        """The user sends a photo, document or video (with a caption) to the bot; `content` can be downloaded."""
        file_id = f"{kind}-{next(self._message_ids)}"
        self.stub.files[file_id] = content
        media: Any
        if kind == "photo":
            media = [{"file_id": file_id, "file_unique_id": file_id, "width": 1, "height": 1}]
        else:
            media = {"file_id": file_id, "file_unique_id": file_id, "file_size": len(content)}
            if kind == "document":
                media["file_name"] = file_name
            if kind == "video":
                media |= {"width": 1, "height": 1, "duration": 1}
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.stub.chats[self.id].as_chat(),
            "from": self.as_user(),
            kind: media,
            **extra,
        }
        if caption:
            message["caption"] = caption
        return self.stub.push_update({"message": message})

    def press(self, message: SentMessage, button_text: str | None = None, *, data: str | None = None) -> str:
        """Press an inline button of a bot message (or send forged `data`); returns the query id."""
        if data is None:
            assert button_text is not None
            data = message.button(button_text)["callback_data"]
        query_id = f"q{self.id}-{next(self._message_ids)}"  # unique across users, as in Telegram
        chat = self.stub.chats[message.chat_id]
        self.stub.push_update(
            {
                "callback_query": {
                    "id": query_id,
                    "from": self.as_user(),
                    "chat_instance": str(chat.id),
                    "data": data,
                    "message": {
                        "message_id": message.message_id,
                        "date": int(time.time()),
                        "chat": chat.as_chat(),
                        "text": message.text or "-",
                    },
                }
            }
        )
        return query_id

    def inline(self, query: str) -> str:
        """Type `@bot query` in any chat; returns the inline query id."""
        query_id = f"i{self.id}-{next(self._message_ids)}"
        self.stub.push_update({"inline_query": {"id": query_id, "from": self.as_user(), "query": query, "offset": ""}})
        return query_id

    def messages(self) -> list[SentMessage]:
        return self.stub.sent_to(self.id)

    async def reply(self, timeout: float | None = WAIT) -> SentMessage:
        """The next message the bot sends to this user that the test has not read yet."""
        await self.stub.wait_until(lambda: len(self.stub.sent_to(self.id)) > self._seen, timeout)
        message = self.stub.sent_to(self.id)[self._seen]
        self._seen += 1
        return message

    async def ask(self, text: str, timeout: float | None = WAIT) -> SentMessage:
        """Send a text and return the bot's first reply."""
        self.send(text)
        return await self.reply(timeout)

    async def callback_answer(self, query_id: str, timeout: float | None = WAIT) -> dict[str, Any]:
        await self.stub.wait_until(lambda: query_id in self.stub.callback_answers, timeout)
        return self.stub.callback_answers[query_id]

    async def inline_answer(self, query_id: str, timeout: float | None = WAIT) -> dict[str, Any]:
        await self.stub.wait_until(lambda: query_id in self.stub.inline_answers, timeout)
        return self.stub.inline_answers[query_id]


def _markup(params: dict[str, Any]) -> dict[str, Any] | None:
    """The reply_markup as Telegram keeps it (an inline keyboard checked and its buttons reduced to one action)."""
    markup = _json(params.get("reply_markup"))
    if not isinstance(markup, dict) or "inline_keyboard" not in markup:
        return markup if isinstance(markup, dict) else None
    rows = markup["inline_keyboard"]
    if sum(len(row) for row in rows) > MAX_BUTTONS or any(len(row) > MAX_BUTTONS_PER_ROW for row in rows):
        raise ApiError(400, "Bad Request: reply markup is too long")
    return {**markup, "inline_keyboard": [[_button(button) for button in row] for row in rows]}


def _button(button: dict[str, Any]) -> dict[str, Any]:
    if not button.get("text"):
        raise ApiError(400, "Bad Request: can't parse inline keyboard button: Text is empty")
    action = next((name for name in BUTTON_ACTIONS if _has_action(button, name)), None)
    if action is None:
        raise ApiError(
            400, "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if action == "callback_data" and len(str(button[action]).encode()) > MAX_CALLBACK_DATA_BYTES:
        raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
    if action == "url":
        try:
            normalise_link(str(button["url"]))
        except LinkError as error:
            raise ApiError(
                400, f"Bad Request: inline keyboard button URL '{button['url']}' is invalid: {error}"
            ) from None
    return {key: value for key, value in button.items() if key not in BUTTON_ACTIONS or key == action}


def _has_action(button: dict[str, Any], name: str) -> bool:
    if name in ("url", "callback_data"):  # an empty one is no action (get_optional_string_field, then !empty())
        return button.get(name) not in (None, "")
    return name in button


def _entity_payload(entity: Entity) -> dict[str, Any]:
    payload: dict[str, Any] = {"type": entity.type, "offset": entity.offset, "length": entity.length}
    if entity.url is not None:
        payload["url"] = entity.url
    if entity.language is not None:
        payload["language"] = entity.language
    if entity.custom_emoji_id is not None:
        payload["custom_emoji_id"] = entity.custom_emoji_id
    return payload


def _default_description(status: int, retry_after: int | None) -> str:
    if status == 429:
        return f"Too Many Requests: retry after {retry_after or 1}"
    if status == 403:
        return "Forbidden: bot was blocked by the user"
    if status >= 500:
        return "Internal Server Error"
    return "Bad Request"


def _error(code: int, description: str, parameters: dict[str, Any] | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=code)


async def _read_params(request: web.Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        params.update(await request.json())
    elif request.can_read_body:
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                params[key] = Upload(value.filename, value.file.read())
            else:
                params[key] = value
    return params


def _json(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
