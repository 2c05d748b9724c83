"""At-least-once updates, handled once by update_id: not lost when the process dies, not handled twice when
Telegram delivers one twice, in polling and webhook mode alike.

Telegram forgets an update once the bot confirms it: with long polling, by asking for the next offset; with a
webhook, by answering 200. Both happen only after the update is in the `update_inbox` table (`InboxRecorder` on
getUpdates, `InboxWebhookHandler` before its answer). `HandledOnce`, the outermost update middleware, lets an
update through only to the process that claimed it, and records its end; a process renews its claims while it
handles them, so a claim that grows older than `LEASE_SECONDS` is a process that died, and the leader's recovery
loop hands that update to the dispatcher again. What a crash can repeat is therefore bounded: only an update whose
handler had begun and whose end was not yet recorded is handled again, once per crash, and at most `MAX_ATTEMPTS`
times in all (an update that every attempt dies with is given up, with an error in the log). At most
`HANDLERS_AT_ONCE` handlers run at a time, so a crash repeats at most that many updates; the others wait in the
inbox, not yet begun, and are handled once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from aiogram import BaseMiddleware, Bot, Dispatcher
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import GetUpdates, TelegramMethod
from aiogram.methods.base import Response, TelegramType
from aiogram.types import TelegramObject, Update
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from bot.runtime.supervision import Supervisor
from domain.clock import utcnow
from storage.database import is_transient
from storage.inbox import InboxRepository

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 3
# Handlers running at once. A handler mostly waits for its turn to send: a /start holds its slot two to four
# seconds in a burst (two messages, one second apart in its chat, each behind the others in Telegram's 30 a
# second), so 64 keep that budget busy; more would not answer faster, only leave more half-answered updates to
# repeat after a crash.
HANDLERS_AT_ONCE = 64
# Telegram keeps an update for at most 24 hours: a day later no duplicate of it can arrive, so its row may go.
RETENTION = timedelta(hours=48)
PRUNE_EVERY = 3600.0
FINISH_ATTEMPTS = 5


def payload_of(update: Update) -> str:
    """The update as Telegram sent it (the fields it had), to be handled again after a crash."""
    return update.model_dump_json(exclude_unset=True, by_alias=True)


class Inbox:
    """This process's side of the update inbox: what it received, what it is handling, and the recovery loop."""

    def __init__(
        self, repository: InboxRepository, *, holder: str, lease_seconds: float, supervisor: Supervisor
    ) -> None:
        self._repository = repository
        self._lease = lease_seconds
        self._supervisor = supervisor
        self.holder = holder  # this process, as its leadership lease names it
        self._mine: set[int] = set()  # stored and claimed by this process, not yet begun
        self._handling: set[int] = set()
        self.slots = asyncio.Semaphore(HANDLERS_AT_ONCE)
        self._recovered: set[asyncio.Task[None]] = set()
        self._task: asyncio.Task[None] | None = None
        self.recorder = InboxRecorder(self)
        self.middleware = HandledOnce(self)

    async def receive(self, updates: Sequence[Update]) -> None:
        """Store updates before Telegram is told they arrived; the new ones are this process's to handle."""
        self._mine |= await self._repository.receive([(u.update_id, payload_of(u)) for u in updates], self.holder)

    async def begin(self, update: Update) -> bool:
        """May this process handle the update now? Yes when it stored it, or claims it (new to the inbox, or left
        by a process that died); no when it is done or another live process holds it."""
        if update.update_id in self._mine:
            self._mine.discard(update.update_id)
        elif not await self._repository.claim(
            update.update_id, payload_of(update), self.holder, stale_before=self._stale_before()
        ):
            return False
        self._handling.add(update.update_id)
        return True

    async def end(self, update_id: int) -> None:
        """The update was handled (or its handler failed, which the errors handler answered): never again."""
        self._handling.discard(update_id)
        for attempt in range(1, FINISH_ATTEMPTS + 1):
            try:
                await self._repository.finish(update_id, self.holder)
                return
            except Exception as error:
                if not is_transient(error) or attempt == FINISH_ATTEMPTS:
                    # The claim goes stale and the update is handled again: a possible duplicate, never a loss.
                    logger.exception("update.finish_failed", extra={"update_id": update_id})
                    return
                await asyncio.sleep(0.2 * 2**attempt)

    def start(self, bot: Bot, dispatcher: Dispatcher, *, may_recover: Callable[[], bool]) -> None:
        """Renew this process's claims and, while `may_recover()` (the leader), handle updates left by a dead one."""
        if self._task is None:
            self._task = self._supervisor.spawn("update-inbox", lambda: self._keep(bot, dispatcher, may_recover))

    async def stop(self) -> None:
        """Stop renewing; updates still being handled are taken again by the next leader once their claims age."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        for task in list(self._recovered):
            task.cancel()
        await asyncio.gather(*self._recovered, return_exceptions=True)

    async def recover(self, bot: Bot, dispatcher: Dispatcher) -> int:
        """Hand the dispatcher every update whose holder died; returns how many. Each is claimed as it begins,
        so two processes recovering at once still handle it once."""
        stale_before = self._stale_before()
        taken = 0
        for stored in await self._repository.stale(stale_before=stale_before):
            if stored.attempts >= MAX_ATTEMPTS:
                if await self._repository.give_up(stored.update_id, stale_before=stale_before):
                    logger.error(
                        "update.given_up",
                        extra={
                            "update_id": stored.update_id,
                            "attempts": stored.attempts,
                            "reason": "every attempt died",
                        },
                    )
                continue
            try:
                update = Update.model_validate_json(stored.payload, context={"bot": bot})
            except ValidationError:
                update = Update(update_id=stored.update_id)  # as a malformed update from getUpdates: skipped, ended
            logger.warning("update.recovered", extra={"update_id": stored.update_id, "attempt": stored.attempts + 1})
            task = asyncio.create_task(_feed(dispatcher, bot, update))
            self._recovered.add(task)
            task.add_done_callback(self._recovered.discard)
            taken += 1
        return taken

    def _stale_before(self) -> datetime:
        return utcnow() - timedelta(seconds=self._lease)

    async def _keep(self, bot: Bot, dispatcher: Dispatcher, may_recover: Callable[[], bool]) -> None:
        loop = asyncio.get_running_loop()
        pruned_at = loop.time() - PRUNE_EVERY
        while True:
            await self._repository.renew(sorted(self._handling), self.holder)
            if may_recover():
                await self.recover(bot, dispatcher)
                if loop.time() - pruned_at >= PRUNE_EVERY:
                    pruned_at = loop.time()
                    pruned = await self._repository.prune(before=utcnow() - RETENTION)
                    if pruned:
                        logger.info("update.pruned", extra={"rows": pruned})
            await asyncio.sleep(self._lease / 3)


async def _feed(dispatcher: Dispatcher, bot: Bot, update: Update) -> None:
    # As aiogram handles an update from polling: a method returned by a handler is called, an error is logged.
    try:
        result = await dispatcher.feed_update(bot, update)
        if isinstance(result, TelegramMethod):
            await dispatcher.silent_call_request(bot, result)
    except Exception:
        logger.exception("update.recovery_failed", extra={"update_id": update.update_id})


class InboxRecorder(BaseRequestMiddleware):
    """On the session: the updates getUpdates returns are in the inbox before aiogram asks for the next offset
    (which tells Telegram to forget them)."""

    def __init__(self, inbox: Inbox) -> None:
        self._inbox = inbox

    async def __call__(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot, method: TelegramMethod[TelegramType]
    ) -> Response[TelegramType]:
        result = await make_request(bot, method)  # what the call returns: for getUpdates, the list of updates
        if isinstance(method, GetUpdates) and isinstance(result, list):
            # A failure here raises into aiogram's polling loop, which backs off and asks again at the same offset.
            await self._inbox.receive([update for update in result if isinstance(update, Update)])
        return result


class HandledOnce(BaseMiddleware):
    """The outermost update middleware: an update runs only in the process that claimed it, in one of the
    `HANDLERS_AT_ONCE` slots, and its end is recorded. A duplicate (Telegram's, or one a restart fetched again) is
    logged and skipped."""

    def __init__(self, inbox: Inbox) -> None:
        self._inbox = inbox

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        if not await self._inbox.begin(event):
            logger.info("update.duplicate", extra={"update_id": event.update_id, "reason": "handled, or being handled"})
            return None
        try:
            async with self._inbox.slots:
                return await handler(event, data)
        finally:
            await self._inbox.end(event.update_id)


class InboxWebhookHandler(SimpleRequestHandler):
    """The webhook: a body that is not an update is refused with 400 (one log line, no traceback), an update is
    stored before the 200 that tells Telegram it arrived, then handled in the background. A database that cannot
    store it gets 503, so Telegram delivers it again later."""

    def __init__(self, dispatcher: Dispatcher, bot: Bot, inbox: Inbox, *, secret_token: str | None) -> None:
        super().__init__(dispatcher=dispatcher, bot=bot, secret_token=secret_token)
        self._inbox = inbox
        self._tasks: set[asyncio.Task[None]] = set()

    async def handle(self, request: web.Request) -> web.Response:
        bot = await self.resolve_bot(request)
        if not self.verify_secret(request.headers.get("X-Telegram-Bot-Api-Secret-Token", ""), bot):
            return web.Response(body="Unauthorized", status=401)
        try:
            update = Update.model_validate_json(await request.read(), context={"bot": bot})
        except ValidationError as error:
            first = error.errors()[0]
            reason = f"{'.'.join(str(part) for part in first['loc'])}: {first['msg']}"
            return _refused(reason)
        if len(update.model_dump(exclude_none=True)) < 2:
            return _refused("an update_id and nothing else")  # Telegram's updates always carry an event
        try:
            await self._inbox.receive([update])
        except (SQLAlchemyError, OSError) as error:
            logger.warning("webhook.not_stored", extra={"update_id": update.update_id, "error": type(error).__name__})
            return web.json_response({"ok": False, "description": "Service Unavailable"}, status=503)
        task = asyncio.create_task(_feed(self.dispatcher, bot, update))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return web.json_response({}, dumps=bot.session.json_dumps)


def _refused(reason: str) -> web.Response:
    logger.warning("webhook.malformed", extra={"error": reason[:200]})
    return web.json_response({"ok": False, "description": "Bad Request: not an update"}, status=400)
