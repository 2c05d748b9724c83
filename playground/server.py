"""The playground: the real bot against the built-in local Telegram, and a web chat page, all on 127.0.0.1.

`Playground.start()` starts local_telegram, the page's HTTP server (which also serves the demo feed as RSS),
then the bot exactly as `make run` builds it (`bootstrap`, `create_bot`, `create_dispatcher`, long polling)
over its own fresh SQLite file, so the operator's database is never touched. The page talks to the bridge
below: a long-polled GET for the chat as the user sees it (new and edited messages), POSTs to send text and
press buttons. The page is plain HTML/JS shipped in static/; nothing is downloaded.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher
from aiohttp import web

from bot.config import LANGUAGES, Settings
from bot.i18n import localizer
from bot.runtime.app import preflight
from bot.runtime.bootstrap import Services, bootstrap
from bot.runtime.factory import create_dispatcher
from domain.sources import NewSource
from local_telegram import BotAPIStub, SentMessage, StubUser
from local_telegram.server import TOKEN
from playground.feed import FEED_TITLES, DemoFeed
from playground.render import telegram_html_tree

logger = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).parent / "static"
DATABASE_FILE = "playground.sqlite3"
# One subscriber per interface language, each with Telegram set to that language; ids well away from the admin's.
SUBSCRIBERS = {"ru": (1_000_001, "Айгерим"), "kk": (1_000_002, "Ерлан"), "en": (1_000_003, "Anna")}
ROLES = ("subscriber", "admin")
LONG_POLL_SECONDS = 20.0
MAX_TEXT = 4096
PAGE_TEXTS = (
    "playground-title",
    "playground-intro",
    "playground-language",
    "playground-role-subscriber",
    "playground-role-admin",
    "playground-you-are",
    "playground-publish",
    "playground-input",
    "playground-send",
    "playground-edited",
    "playground-kind-photo",
    "playground-kind-document",
    "playground-kind-video",
    "playground-kind-rich",
)


def playground_settings(base: Settings, *, telegram_url: str, database_url: str) -> Settings:
    """The operator's settings, pointed at the local Telegram and the playground's own database.

    Only the playground admin is an admin; the real sources, the official channel, the webhook and the
    health port stay off, and private sources are allowed because the demo feed is served from 127.0.0.1.
    """
    values = base.model_dump()
    values.update(
        bot_token=TOKEN,
        telegram_api_url=telegram_url,
        database_url=database_url,
        admin_ids=frozenset({base.playground_admin_id}),
        admin_chat_id=None,
        default_sources=False,
        allow_private_sources=True,
        official_channel_id=None,
        official_channels={},
        webhook_url="",
        webhook_secret=None,
        health_port=None,
    )
    return Settings(_env_file=None, **values)


@dataclass
class SentLine:
    """A message the page's user sent, placed after the bot message that was the newest at that moment."""

    after: int
    message_id: int
    text: str


@dataclass
class PageUser:
    role: str
    user: StubUser
    lines: list[SentLine] = field(default_factory=list)
    queries: list[str] = field(default_factory=list)


class Playground:
    """Start with `await playground.start()` (returns the page URL); `await playground.stop()` ends it all."""

    def __init__(self, settings: Settings, *, data_dir: Path = Path("data")) -> None:
        self.base = settings
        self.database_path = data_dir / DATABASE_FILE
        self.stub = BotAPIStub()
        # The bot long-polls like on Telegram; the stub's default (0.3 s, for tests) would spin the CPU.
        self.stub.max_long_poll = 10.0
        self.feed = DemoFeed()
        self.url = ""
        self.settings: Settings | None = None
        self.services: Services | None = None
        self.polling: asyncio.Task[None] | None = None
        self._bot: Bot | None = None
        self._dp: Dispatcher | None = None
        self._runner: web.AppRunner | None = None
        self._source_ids: list[int] = []
        self._subscribers: dict[str, PageUser] = {}
        self._admin: PageUser | None = None

    # -- lifecycle ---------------------------------------------------------------------------------

    async def start(self) -> str:
        await self.stub.start(self.base.playground_telegram_port)
        for language, (user_id, name) in SUBSCRIBERS.items():
            self._subscribers[language] = PageUser("subscriber", self.stub.user(user_id, name, language))
        self._admin = PageUser("admin", self.stub.user(self.base.playground_admin_id, "Admin", "en"))
        self._runner = web.AppRunner(self.create_app(), handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.base.playground_port)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]  # noqa: SLF001 - aiohttp has no public way to read a port chosen by the OS
        self.url = f"http://127.0.0.1:{port}"
        self._fresh_database()
        settings = self.settings = playground_settings(
            self.base, telegram_url=self.stub.url, database_url=f"sqlite+aiosqlite:///{self.database_path}"
        )
        services = self.services = bootstrap(settings)
        await services.start()
        for language in LANGUAGES:
            source = await services.source_repository.add(
                NewSource(
                    f"{self.url}/demo-feed/{language}.xml",
                    "rss",
                    language,
                    FEED_TITLES[language],
                    settings.poll_interval_seconds,
                )
            )
            self._source_ids.append(source.id)
        assert services.bot is not None  # the playground's settings name the local Telegram's token
        self._bot = services.bot
        self._dp = create_dispatcher(services)
        await preflight(self._bot, settings)
        # Updates the page queues before the first getUpdates are delivered by it, as on Telegram.
        self.polling = asyncio.create_task(self._dp.start_polling(self._bot, handle_signals=False))
        logger.info("playground.ready", extra={"url": self.url, "telegram": self.stub.url})
        return self.url

    async def stop(self) -> None:
        if self.polling is not None and self._dp is not None:
            if not self.polling.done():
                await self._dp.stop_polling()
            with contextlib.suppress(Exception):
                await self.polling  # its error, if any, was logged by the dispatcher
        elif self.services is not None:
            await self.services.close()
        if self._bot is not None:
            await self._bot.session.close()
        if self._runner is not None:
            await self._runner.cleanup()
        await self.stub.stop()

    def _fresh_database(self) -> None:
        """Every playground starts from an empty database: the demo items are news again, and nothing of a
        previous session (or of the operator's bot) shows up."""
        self.database_path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            self.database_path.with_name(self.database_path.name + suffix).unlink(missing_ok=True)

    # -- the chat as the page shows it ------------------------------------------------------------

    def page_user(self, role: str, language: str) -> PageUser:
        """The subscriber of that language, or the admin (whose Telegram language follows the picker)."""
        if role not in ROLES or language not in LANGUAGES:
            raise web.HTTPBadRequest(text="role must be subscriber or admin, language ru, kk or en")
        if role == "subscriber":
            return self._subscribers[language]
        assert self._admin is not None
        self._admin.user.language_code = language
        self.stub.chats[self._admin.user.id].language_code = language
        return self._admin

    def chat_view(self, page_user: PageUser) -> dict[str, Any]:
        user_id = page_user.user.id
        ordered: list[tuple[tuple[int, int], dict[str, Any]]] = [
            ((message.message_id, 0), _bot_message(message)) for message in self.stub.sent_to(user_id)
        ]
        ordered += [
            ((line.after, 1), {"id": f"u{line.message_id}", "from": "user", "nodes": [line.text]})
            for line in page_user.lines
        ]
        ordered.sort(key=lambda pair: pair[0])
        notices = []
        for query_id in page_user.queries:
            answer = self.stub.callback_answers.get(query_id)
            if answer and answer.get("text"):
                notices.append({"id": query_id, "text": str(answer["text"]), "alert": bool(answer.get("show_alert"))})
        view: dict[str, Any] = {
            "user": {"id": user_id, "name": page_user.user.first_name},
            "messages": [message for _, message in ordered],
            "notices": notices,
        }
        view["rev"] = hashlib.sha256(json.dumps(view, sort_keys=True).encode()).hexdigest()[:16]
        return view

    def _newest_bot_message(self) -> int:
        return max((m.message_id for sent in self.stub.messages.values() for m in sent), default=0)

    # -- HTTP --------------------------------------------------------------------------------------

    def create_app(self) -> web.Application:
        app = web.Application(client_max_size=64 * 1024)
        app.router.add_get("/", self._index)
        app.router.add_static("/static/", STATIC_DIR)
        app.router.add_get("/demo-feed/{language}.xml", self._demo_feed)
        app.router.add_get("/api/state", self._state)
        app.router.add_get("/api/chat", self._chat)
        app.router.add_post("/api/send", self._send)
        app.router.add_post("/api/press", self._press)
        app.router.add_post("/api/publish", self._publish)
        app.router.add_get("/api/photo/{chat_id}/{message_id}", self._photo)
        return app

    async def _index(self, _request: web.Request) -> web.FileResponse:
        return web.FileResponse(STATIC_DIR / "index.html")

    async def _demo_feed(self, request: web.Request) -> web.Response:
        language = request.match_info["language"]
        if language not in LANGUAGES:
            raise web.HTTPNotFound
        return web.Response(body=self.feed.rss(language), content_type="application/rss+xml", charset="utf-8")

    async def _state(self, request: web.Request) -> web.Response:
        language = request.query.get("language", self.base.default_language)
        if language not in LANGUAGES:
            raise web.HTTPBadRequest(text="language must be ru, kk or en")
        l10n = localizer(language)
        texts = {key.removeprefix("playground-"): l10n(key) for key in PAGE_TEXTS}
        texts["feed"] = l10n("playground-feed-status", published=self.feed.published, total=self.feed.total)
        return web.json_response(
            {
                "language": language,
                "languages": list(LANGUAGES),
                "texts": texts,
                "feed": {"published": self.feed.published, "total": self.feed.total},
                "admin_id": self.base.playground_admin_id,
            }
        )

    async def _chat(self, request: web.Request) -> web.Response:
        """The chat now, or as soon as it differs from revision `rev` (at most LONG_POLL_SECONDS later)."""
        page_user = self.page_user(request.query.get("role", ""), request.query.get("language", ""))
        rev = request.query.get("rev", "")
        if rev:
            with contextlib.suppress(AssertionError):  # no change within the wait: answer the same chat
                await self.stub.wait_until(lambda: self.chat_view(page_user)["rev"] != rev, LONG_POLL_SECONDS)
        return web.json_response(self.chat_view(page_user))

    async def _send(self, request: web.Request) -> web.Response:
        body = await _json_body(request)
        page_user = self.page_user(str(body.get("role", "")), str(body.get("language", "")))
        text = str(body.get("text", "")).strip()
        if not 1 <= len(text) <= MAX_TEXT:
            raise web.HTTPBadRequest(text=f"text must be 1 to {MAX_TEXT} characters")
        after = self._newest_bot_message()
        update = page_user.user.send(text)
        page_user.lines.append(SentLine(after, update["message"]["message_id"], text))
        return web.json_response(self.chat_view(page_user))

    async def _press(self, request: web.Request) -> web.Response:
        body = await _json_body(request)
        page_user = self.page_user(str(body.get("role", "")), str(body.get("language", "")))
        message_id, data = body.get("message_id"), body.get("data")
        message = next((m for m in self.stub.sent_to(page_user.user.id) if m.message_id == message_id), None)
        if message is None or not any(button.get("callback_data") == data for button in message.buttons):
            raise web.HTTPBadRequest(text="no such button in this chat")
        page_user.queries.append(page_user.user.press(message, data=str(data)))
        return web.json_response(self.chat_view(page_user))

    async def _photo(self, request: web.Request) -> web.Response:
        """The picture of a photo the bot uploaded to one of the page's chats (the /stats chart), as an image.

        Only the page's own chats, only uploads that are an image by their first bytes, served with that type and
        nosniff, so nothing else the stub holds can be read or run through this door.
        """
        try:
            chat_id, message_id = int(request.match_info["chat_id"]), int(request.match_info["message_id"])
        except ValueError:
            raise web.HTTPNotFound from None
        page_chats = {user.user.id for user in self._subscribers.values()}
        if self._admin is not None:
            page_chats.add(self._admin.user.id)
        message = next((m for m in self.stub.sent_to(chat_id) if m.message_id == message_id), None)
        if chat_id not in page_chats or message is None or message.kind != "photo" or message.upload is None:
            raise web.HTTPNotFound
        content_type = image_type(message.upload.content)
        if content_type is None:
            raise web.HTTPNotFound
        return web.Response(
            body=message.upload.content, content_type=content_type, headers={"X-Content-Type-Options": "nosniff"}
        )

    async def _publish(self, _request: web.Request) -> web.Response:
        """Publish the next round of the demo feed and poll the demo sources now, as `feeds poll` does."""
        published = self.feed.publish_next()
        if published and self.services is not None:
            await self.services.poller.poll_now(self._source_ids)
        return web.json_response(
            {"published": published, "feed": {"published": self.feed.published, "total": self.feed.total}}
        )


IMAGE_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg", b"GIF8": "image/gif"}


def image_type(content: bytes) -> str | None:
    """The image type a file's first bytes say it is, None when it is no image the page shows."""
    return next((kind for signature, kind in IMAGE_SIGNATURES.items() if content.startswith(signature)), None)


def _photo_source(message: SentMessage) -> str | None:
    """Where the page loads a photo from: the bridge for an upload, the URL Telegram fetched for one given by URL."""
    if message.kind != "photo":
        return None
    if message.upload is not None:
        return f"/api/photo/{message.chat_id}/{message.message_id}"
    given = message.params.get("photo")
    # Telegram fetched it; the page may load it too when it is local (the demo feed), as nothing leaves 127.0.0.1.
    if isinstance(given, str) and given.lower().startswith("http://127.0.0.1:"):
        return given
    return None


def _bot_message(message: SentMessage) -> dict[str, Any]:
    if message.html is not None and message.parse_mode and str(message.parse_mode).lower() == "html":
        nodes = telegram_html_tree(message.html.strip())
    else:
        nodes = [message.text]
    kind = message.copied_kind if message.kind == "copy" else message.kind
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    if message.rich_buttons:  # a rich message's buttons are inside it: shown as one more row
        rows = [*rows, message.rich_buttons]
    buttons = [
        [
            {key: button[key] for key in ("text", "callback_data", "url") if isinstance(button.get(key), str)}
            for button in row
        ]
        for row in rows
    ]
    return {
        "id": message.message_id,
        "from": "bot",
        "kind": kind or "text",
        "nodes": nodes,
        "buttons": buttons,
        "edited": message.edits > 0,
        "photo": _photo_source(message),
    }


async def _json_body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(text="the body must be JSON") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="the body must be a JSON object")
    return body


async def serve(settings: Settings, announce: Callable[[str], None] = print) -> None:
    """Run the playground until SIGINT or SIGTERM (or until the bot stops)."""
    playground = Playground(settings)
    try:
        url = await playground.start()
        announce(f"playground: open {url}/ in a browser (Ctrl+C stops it)")
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        waiter = asyncio.create_task(stop.wait())
        assert playground.polling is not None
        await asyncio.wait({waiter, playground.polling}, return_when=asyncio.FIRST_COMPLETED)
        waiter.cancel()
    finally:
        await playground.stop()
