"""The sender: pulls due outbox rows in batches and sends them under Telegram's limits.

Telegram's limits are the bot's shared budget (`bot.telegram.flood.FloodControl`): every request takes a slot of the
global rate there, after any reply that waits, and a chat that is not ready (its own pace, or a 429 it got) is
postponed when rows are claimed, so it never holds a worker. Only the oldest pending row of a chat is ever
claimed, so one chat's messages keep their order.
A worker keeps its slot until its result is committed, so at most `concurrency` sends can be repeated
after a crash.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import random
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramMigrateToChat,
    TelegramNotFound,
    TelegramRetryAfter,
)
from aiogram.methods import SendMessage, SendPhoto
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.rendering import CAPTION_LIMIT, RenderedMessage, strip_tags, truncate_html
from bot.runtime.metrics import record_send
from bot.runtime.supervision import Supervisor
from bot.telegram.errors import Verdict, verdict
from bot.telegram.flood import BULK, FloodControl
from bot.telegram.requests import PreparedRequest
from bot.telegram.rich import RichMessages
from domain.clock import utcnow
from storage.database import is_transient
from storage.outbox import ClaimedDelivery, Outbox

logger = logging.getLogger(__name__)
RECORD_ATTEMPTS = 5  # at shutdown; while running, outcomes are retried until the database answers
RECORD_RETRY_BASE = 0.4
RECORD_RETRY_CAP = 10.0
PREPARED_CACHE_SIZE = 64  # messages whose requests are kept: those of the fan-outs running now
T = TypeVar("T")
# Cancelled message ids remembered (oldest forgotten first): a cancelled broadcast's claimed rows are
# dropped within seconds, so a long memory buys nothing and would grow for the life of the process.
CANCELLED_MEMORY = 10_000
FIRST_IDLE_POLL = 0.25  # seconds: the first look for due rows after the outbox ran dry


def default_concurrency(rate: float) -> int:
    """Parallel sends: enough to reach `rate` at about 250 ms per request, at least 4."""
    return max(4, math.ceil(rate / 4))


def plain_text(html_text: str) -> str:
    """Telegram HTML as plain text: tags dropped, entities decoded (the fallback when HTML is refused)."""
    return strip_tags(html_text)


@dataclass(slots=True)
class SenderStats:
    """What the sender did since it started (for logs and benchmarks)."""

    sent: int = 0
    rate_limited: int = 0
    retried: int = 0
    failed: int = 0
    blocked: int = 0
    migrated: int = 0
    looks: int = 0  # times the claimer looked whether it may claim (it may not while another process leads)


@dataclass(frozen=True, slots=True)
class _Requests:
    """One message's requests, built once and shared by its rows, with what the fallbacks need."""

    payload: dict[str, Any] | None
    rendered: RenderedMessage
    markup: InlineKeyboardMarkup | None
    photo: PreparedRequest | None
    text: PreparedRequest


class Sender:
    """Long-running tasks from startup (`start(bot)`) to shutdown (`stop()`); `wake()` skips the idle poll."""

    def __init__(
        self,
        outbox: Outbox,
        *,
        rate: float,
        paid: bool = False,
        concurrency: int | None = None,
        batch_size: int | None = None,
        idle_poll: float = 5.0,
        first_idle_poll: float = FIRST_IDLE_POLL,
        backoff_base: float = 2.0,
        backoff_cap: float = 600.0,
        max_errors: int = 10,  # 2 s doubling to 8.5 min in all: a Telegram outage of minutes loses nothing
        max_attempts: int = 30,
        flood: FloodControl | None = None,
        supervisor: Supervisor | None = None,
        rich: bool = True,
        record_retry_base: float = RECORD_RETRY_BASE,
    ) -> None:
        self._bot: Bot | None = None
        self._supervisor = supervisor or Supervisor()
        self._outbox = outbox
        self.rate = rate
        self._paid = paid
        self.concurrency = concurrency or default_concurrency(rate)
        self._batch_size = batch_size or max(50, 2 * self.concurrency)
        self._idle_poll = idle_poll
        self._first_idle_poll = min(first_idle_poll, idle_poll)
        self._idle_wait = self._first_idle_poll
        outbox.watch(self.wake)
        self._backoff_base = backoff_base
        self._backoff_cap = backoff_cap
        self._max_errors = max_errors
        self._max_attempts = max_attempts
        self.record_retry_base = record_retry_base  # the first wait before recording an outcome again (doubling)
        self.flood = flood or FloodControl(rate)
        self._rich = RichMessages(enabled=rich)  # alliance articles as one rich message where Telegram takes them
        self._queue: asyncio.Queue[ClaimedDelivery | None] = asyncio.Queue()
        self._wake = asyncio.Event()
        self._room = asyncio.Event()
        self._sent: list[tuple[int, asyncio.Future[None]]] = []
        self._sent_messages: dict[int, tuple[int, str]] = {}  # row -> the Telegram message it became
        self._sent_ready = asyncio.Event()
        self._group_full = asyncio.Event()
        self._group_size = self.concurrency  # the group delay decides: the group is full when every worker waits
        self._latency = 0.0  # moving average of a successful send, seconds
        self._cancelled_messages: OrderedDict[int, None] = OrderedDict()
        self._prepared: OrderedDict[tuple[int, bool], _Requests] = OrderedDict()
        self._claimer: asyncio.Task[None] | None = None
        self._listener: asyncio.Task[None] | None = None
        self._waiting: asyncio.Task[None] | None = None
        self._may_claim: Callable[[], bool] = lambda: True
        self._term: Callable[[], int] = lambda: 0
        self._claimed_term = 0
        self._busy = 0  # workers inside a send (their rows are `sending` and in this process's hands)
        self._recorder: asyncio.Task[None] | None = None
        self._workers: list[asyncio.Task[None]] = []
        self.stats = SenderStats()

    @property
    def running(self) -> bool:
        return self._claimer is not None

    def start_when(
        self,
        ready: Callable[[], Awaitable[None]],
        bot: Bot,
        *,
        may_claim: Callable[[], bool] | None = None,
        term: Callable[[], int] | None = None,
    ) -> None:
        """Start in the background once `ready()` returns (this process holds the leadership lease).

        While `may_claim()` is false (the lease was lost) nothing new is claimed; sends in progress finish. When
        `term()` changes (the lease was taken again after a loss), rows left `sending` that this process does not
        hold are reset, as at a start: another instance's, or this one's whose claim was lost in the stall.
        """
        if may_claim is not None:
            self._may_claim = may_claim
        if term is not None:
            self._term = term
        if self._waiting is None and not self.running:
            self._waiting = self._supervisor.spawn("sender-waiting", lambda: self._start_after(ready, bot))

    async def _start_after(self, ready: Callable[[], Awaitable[None]], bot: Bot) -> None:
        await ready()
        await self.start(bot)

    async def start(self, bot: Bot) -> None:
        """Resume after a crash (rows left in flight are queued again) and start sending through `bot`."""
        if self.running:
            return
        self._bot = bot
        self._claimed_term = self._term()
        resumed = await self._outbox.reset_in_flight()
        if resumed:
            logger.warning("sender.resumed_in_flight", extra={"rows": resumed})
        spawn = self._supervisor.spawn
        self._recorder = spawn("sender-recorder", self._record_loop)
        self._workers = [spawn(f"sender-{i}", self._work) for i in range(self.concurrency)]
        self._claimer = spawn("sender-claimer", self._claim_loop)
        if self._outbox.shared:
            # Rows another replica queues (an admin's broadcast, a fan-out of the leading process) wake whatever
            # watches the outbox here: this sender, the broadcast job.
            self._listener = spawn("sender-listener", lambda: self._outbox.listen(self._outbox.notify_watchers))
        logger.info("sender.start", extra={"rate": self.rate, "concurrency": self.concurrency, "paid": self._paid})

    def wake(self) -> None:
        """New rows are in the outbox: claim now instead of at the next poll."""
        self._wake.set()

    async def stop(self, grace: float = 5.0) -> None:
        """Stop claiming, put unstarted rows back, let sends in progress finish for up to `grace` seconds."""
        if self._waiting is not None:
            self._waiting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._waiting
            self._waiting = None
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
            self._listener = None
        if self._claimer is None:
            return
        self._claimer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._claimer
        self._claimer = None
        unstarted: list[int] = []
        while not self._queue.empty():
            row = self._queue.get_nowait()
            if row is not None:
                unstarted.append(row.id)
        for _ in self._workers:
            self._queue.put_nowait(None)
        _done, pending = await asyncio.wait(self._workers, timeout=grace) if self._workers else (set(), set())
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        self._workers = []
        if self._recorder is not None:
            self._recorder.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._recorder
            self._recorder = None
        await self._flush_sent(final=True)
        await self._outbox.release(unstarted)
        logger.info("sender.stop", extra={"sent": self.stats.sent})

    async def _claim_loop(self) -> None:
        while True:
            try:
                await self._claim_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("sender.claim_failed")
                await asyncio.sleep(1.0)

    async def _claim_once(self) -> None:
        # Keep about one batch claimed ahead of the workers; claimed rows are not sent yet, so not at risk.
        while self._queue.qsize() >= self.concurrency:
            self._room.clear()
            await self._room.wait()
        pause = self.flood.pause_remaining()
        if pause > 0:
            await asyncio.sleep(pause)
        self.stats.looks += 1
        if not self._may_claim():
            await asyncio.sleep(self._idle_poll)
            return
        if self._term() != self._claimed_term:
            await self._resume_after_lease_loss()
        self._wake.clear()
        rows = await self._outbox.claim(now=utcnow(), limit=self._batch_size, not_before=self._not_before)
        for row in rows:
            self._queue.put_nowait(row)
        # Rows queued from now on wake the sender (this process's at their commit, other replicas' by NOTIFY).
        # What nobody wakes it for (retries, rows held for quiet hours or a chat's pace: due by time alone) it
        # looks for after `first_idle_poll`, and while it finds nothing, after twice as long each time, up to
        # `idle_poll`.
        if rows:
            self._idle_wait = self._first_idle_poll
        wait = self._idle_wait
        if not rows:
            self._idle_wait = min(self._idle_wait * 2, self._idle_poll)
        if len(rows) < self._batch_size:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=wait)

    async def _resume_after_lease_loss(self) -> None:
        """The lease was taken again: once the rows this process holds are sent and recorded, every row still
        `sending` belongs to nobody (a claim whose answer the stall lost, or another instance's) and is queued."""
        while self._queue.qsize() or self._busy or self._sent:  # noqa: ASYNC110 - drains within one send
            await asyncio.sleep(self._idle_poll / 10)
        term = self._term()
        resumed = await self._outbox.reset_in_flight()
        self._claimed_term = term
        logger.warning("sender.resumed_after_lease_loss", extra={"rows": resumed, "term": term})

    def _not_before(self, chat_id: int) -> datetime | None:
        wait = self.flood.chat_wait(chat_id)
        return utcnow() + timedelta(seconds=wait) if wait > 0 else None

    async def _work(self) -> None:
        BULK.set(True)  # this task's calls yield to replies, and its 429s come back here: the row waits, not the worker
        while True:
            row = await self._queue.get()
            if self._queue.qsize() < self.concurrency:
                self._room.set()
            if row is None:
                return
            self._busy += 1
            try:
                await self._deliver(row)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                logger.exception("sender.unexpected", extra={"row": row.id})
                await self._durably(self._outbox.fail, row.id, f"{type(error).__name__}: {error}")
                self.stats.failed += 1
            finally:
                self._busy -= 1

    def forget_message(self, message_id: int) -> None:
        """A message was cancelled: rows of it already claimed by this process are dropped, not sent."""
        self._cancelled_messages[message_id] = None
        while len(self._cancelled_messages) > CANCELLED_MEMORY:
            self._cancelled_messages.popitem(last=False)

    async def _deliver(self, row: ClaimedDelivery) -> None:
        if row.message.id in self._cancelled_messages:
            return  # the outbox row is already `cancelled`
        started = time.perf_counter()
        try:
            sent = await self._send(row)
        except TelegramAPIError as error:
            await self._refused(row, error, time.perf_counter() - started)
        else:
            elapsed = time.perf_counter() - started
            self._latency += (elapsed - self._latency) * 0.1
            record_send("sent", elapsed)
            await self._record_sent(row.id, sent)

    async def _send(self, row: ClaimedDelivery) -> tuple[int, str] | None:
        """Send (or, for a later version of a story, edit) the row's message; returns (message id, text|photo)."""
        bot = self._bot
        if bot is None:
            raise RuntimeError("the sender was not started")
        message = row.message
        paid = True if self._paid else None
        if message.copy_from_chat_id is not None and message.copy_message_id is not None:
            copied = await bot.copy_message(
                chat_id=row.chat_id,
                from_chat_id=message.copy_from_chat_id,
                message_id=message.copy_message_id,
                message_thread_id=row.message_thread_id,
                allow_paid_broadcast=paid,
            )
            return copied.message_id, "copy"
        if row.edit_target is not None:
            return await self._edit(row)
        requests = self._requests(bot, row)
        rich = await self._send_rich(bot, row, requests.rendered)
        if rich is not None:
            return rich
        if requests.photo is not None:
            try:
                return await requests.photo.send(bot, row.chat_id, row.message_thread_id, self.flood), "photo"
            except TelegramBadRequest as error:
                if verdict(error) is not Verdict.REFUSED_PART:
                    raise
                # The photo itself was refused (bad URL, too big): the text version still carries the news.
                logger.info("sender.photo_refused", extra={"row": row.id, "error": error.message})
        return await self._send_text(
            bot, row, requests.rendered.text, requests.markup, plain=row.plain_text, first=requests.text
        )

    async def _send_rich(self, bot: Bot, row: ClaimedDelivery, rendered: RenderedMessage) -> tuple[int, str] | None:
        """The article as one rich message (bot/telegram/rich.py); None: send the split HTML messages instead."""
        if rendered.rich is None or row.plain_text or not self._rich.enabled:
            return None
        sent = await self._rich.send(
            bot, row.chat_id, row.message_thread_id, rendered.rich, paid=self._paid, flood=self.flood
        )
        return (sent, "rich") if sent is not None else None

    async def _send_text(
        self,
        bot: Bot,
        row: ClaimedDelivery,
        text: str,
        markup: InlineKeyboardMarkup | None,
        *,
        plain: bool,
        first: PreparedRequest | None = None,
    ) -> tuple[int, str]:
        """Send the text, returning its message id and "text"; a 400 for its button, then for its links, falls
        back to less before it counts.

        Telegram refuses the whole message for one URL it does not accept; every recipient should still get
        the news: first without the button, then as plain text (no links at all). `first` is the prepared
        request of the whole message (shared by its rows), tried before any fallback.
        """
        paid = True if self._paid else None
        thread = row.message_thread_id
        try:
            if first is not None:
                return await first.send(bot, row.chat_id, thread, self.flood), "text"
            sent = await bot.send_message(
                chat_id=row.chat_id,
                text=plain_text(text) if plain else text,
                message_thread_id=thread,
                reply_markup=markup,
                allow_paid_broadcast=paid,
                **({"parse_mode": None} if plain else {}),
            )
            return sent.message_id, "text"
        except TelegramBadRequest as error:
            if verdict(error) is not Verdict.REFUSED_PART or (markup is None and plain):
                raise
            logger.warning("sender.fallback", extra={"row": row.id, "error": error.message, "button": bool(markup)})
        if markup is not None:
            return await self._send_text(bot, row, text, None, plain=plain)
        return await self._send_text(bot, row, text, None, plain=True)

    def _requests(self, bot: Bot, row: ClaimedDelivery) -> _Requests:
        """The message's photo request (if it has one) and text request, built once and shared by its rows."""
        key = (row.message.id, row.plain_text)
        cached = self._prepared.get(key)
        # The payload is compared, not trusted by id: SQLite may reuse the id of a message housekeeping deleted.
        if cached is not None and cached.payload == row.message.payload:
            self._prepared.move_to_end(key)
            return cached
        rendered = RenderedMessage(**(row.message.payload or {}))
        markup = _markup(rendered)
        paid = True if self._paid else None
        parse_mode: dict[str, Any] = {"parse_mode": None} if row.plain_text else {}
        photo = None
        if rendered.photo_url and rendered.caption is not None:
            caption = plain_text(rendered.caption) if row.plain_text else rendered.caption
            photo = PreparedRequest(
                bot,
                SendPhoto(
                    chat_id=0,
                    photo=rendered.photo_url,
                    caption=caption,
                    reply_markup=markup,
                    allow_paid_broadcast=paid,
                    **parse_mode,
                ),
            )
        text = plain_text(rendered.text) if row.plain_text else rendered.text
        message = SendMessage(chat_id=0, text=text, reply_markup=markup, allow_paid_broadcast=paid, **parse_mode)
        prepared = _Requests(row.message.payload, rendered, markup, photo, PreparedRequest(bot, message))
        self._prepared[key] = prepared
        while len(self._prepared) > PREPARED_CACHE_SIZE:
            self._prepared.popitem(last=False)
        return prepared

    async def _edit(self, row: ClaimedDelivery) -> tuple[int, str] | None:
        # The preferred language's version came after another one: the reader's message is rewritten, not repeated.
        bot = self._bot
        if bot is None or row.edit_target is None:
            raise RuntimeError("the sender was not started")
        message_id, kind = row.edit_target
        rendered = RenderedMessage(**(row.message.payload or {}))
        markup = _markup(rendered)
        text = plain_text(rendered.text) if row.plain_text else rendered.text
        parse_mode: dict[str, None] = {"parse_mode": None} if row.plain_text else {}
        if kind == "rich":
            if rendered.rich is None:  # the new version does not fit a rich message: the reader keeps the old one
                logger.warning("sender.rich_edit_skipped", extra={"row": row.id, "reason": "no rich rendering"})
            else:
                await self._rich.edit(bot, row.chat_id, message_id, rendered.rich)
            return message_id, kind
        try:
            if kind == "photo":
                caption = (
                    rendered.caption if rendered.caption is not None else truncate_html(rendered.text, CAPTION_LIMIT)
                )
                caption = plain_text(caption) if row.plain_text else caption
                await bot.edit_message_caption(
                    chat_id=row.chat_id, message_id=message_id, caption=caption, reply_markup=markup, **parse_mode
                )
            else:
                await bot.edit_message_text(
                    chat_id=row.chat_id, message_id=message_id, text=text, reply_markup=markup, **parse_mode
                )
        except TelegramBadRequest as error:
            if verdict(error) is not Verdict.UNCHANGED:
                raise
        return message_id, kind

    async def _refused(self, row: ClaimedDelivery, error: TelegramAPIError, elapsed: float) -> None:
        """What Telegram's answer means for the row, by the one table of its errors (bot/telegram/errors.py)."""
        described = f"{type(error).__name__}: {error.message}"
        match verdict(error):
            case Verdict.WAIT if isinstance(error, TelegramRetryAfter):
                record_send("rate_limited", elapsed)
                await self._rate_limited(row, error.retry_after)
            case Verdict.FOLLOW if isinstance(error, TelegramMigrateToChat):
                record_send("retry")
                logger.info("sender.migrated", extra={"from": row.chat_id, "to": error.migrate_to_chat_id})
                self.stats.migrated += 1
                await self._durably(self._outbox.migrate_chat, row.chat_id, error.migrate_to_chat_id)
                await self._durably(
                    self._outbox.retry, row.id, at=utcnow(), error=f"migrated to {error.migrate_to_chat_id}"
                )
            case Verdict.CHAT_GONE:
                record_send("blocked")
                await self._block(row, error.message)
            case Verdict.BAD_MARKUP if not row.plain_text:
                record_send("retry")
                logger.warning("sender.html_refused", extra={"row": row.id, "error": error.message})
                self.stats.retried += 1
                await self._durably(self._outbox.retry, row.id, at=utcnow(), error=error.message, plain_text=True)
            case Verdict.TRANSIENT:
                record_send("retry")
                await self._transient(row, described)
            case _:
                record_send("failed")
                await self._fail(
                    row, error.message if isinstance(error, TelegramBadRequest | TelegramNotFound) else described
                )

    async def _rate_limited(self, row: ClaimedDelivery, retry_after: int) -> None:
        # The row is tried again after `retry_after`; until then its chat gets nothing (only a chat's oldest
        # pending row is ever claimed). The pause itself (the chat's, or the whole bot's) is the shared
        # budget's, which the request already told.
        self.stats.rate_limited += 1
        logger.info("sender.rate_limited", extra={"retry_after": retry_after, "chat_id": row.chat_id})
        if row.attempts >= self._max_attempts:
            await self._fail(row, f"still rate limited after {row.attempts} attempts")
            return
        self.stats.retried += 1
        await self._durably(
            self._outbox.retry, row.id, at=utcnow() + timedelta(seconds=retry_after), error="429 retry_after"
        )

    async def _transient(self, row: ClaimedDelivery, error: str) -> None:
        if row.errors + 1 >= self._max_errors or row.attempts >= self._max_attempts:
            await self._fail(row, f"gave up after {row.errors + 1} errors: {error}")
            return
        delay = min(self._backoff_cap, self._backoff_base * 2**row.errors) * random.uniform(0.75, 1.0)
        self.stats.retried += 1
        await self._durably(
            self._outbox.retry, row.id, at=utcnow() + timedelta(seconds=delay), error=error, transient=True
        )

    async def _block(self, row: ClaimedDelivery, error: str) -> None:
        self.stats.blocked += 1
        dropped = await self._durably(self._outbox.block_chat, row.chat_id, error)
        logger.info("sender.chat_blocked", extra={"chat_id": row.chat_id, "rows": dropped, "error": error})

    async def _fail(self, row: ClaimedDelivery, error: str) -> None:
        self.stats.failed += 1
        logger.warning("sender.failed", extra={"row": row.id, "chat_id": row.chat_id, "error": error})
        await self._durably(self._outbox.fail, row.id, error)

    async def _durably(
        self, operation: Callable[..., Awaitable[T]], *args: Any, attempts: int | None = None, **kwargs: Any
    ) -> T:
        """Record an outcome in the outbox, retrying while the database is briefly unusable (locked beyond
        its timeout, disk full, a PostgreSQL restart); `attempts=None` retries until it works or the sender
        stops. A row whose outcome is not recorded would stay `sending` until the next start: neither
        delivered again nor counted."""
        attempt = 0
        while True:
            attempt += 1
            try:
                return await operation(*args, **kwargs)
            except Exception as error:
                if not is_transient(error) or (attempts is not None and attempt >= attempts):
                    raise
                delay = min(RECORD_RETRY_CAP, self.record_retry_base * 2 ** min(attempt - 1, 10))
                logger.warning(
                    "sender.record_retry",
                    extra={"operation": operation.__name__, "attempt": attempt, "error": f"{type(error).__name__}"},
                )
                await asyncio.sleep(delay)

    async def _record_sent(self, row_id: int, message: tuple[int, str] | None) -> None:
        # Results are committed in groups; the worker waits, so its slot bounds what a crash can repeat.
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if message is not None:
            self._sent_messages[row_id] = message
        self._sent.append((row_id, future))
        self._sent_ready.set()
        if len(self._sent) >= self._group_size:
            self._group_full.set()
        await future

    def group_delay(self, latency: float | None = None) -> float:
        """How long the first result of a group waits for others before the group is committed.

        A worker waits for its commit before it takes the next row, and at the full rate its turn comes every
        `concurrency / rate` seconds, of which the send itself takes `latency` (by default the moving average of
        this sender's sends): waiting for most of the rest costs no rate and makes groups (commits) as large as
        they can be: 5-6 rows at 30/s instead of 4.
        """
        turn = self.concurrency / self.rate
        return max(0.01, min(0.2, 0.8 * turn - (self._latency if latency is None else latency)))

    async def _record_loop(self) -> None:
        while True:
            await self._sent_ready.wait()
            # One commit for a group of results, at 30/s as at 1000/s: every worker's worth, or what came
            # within the group delay (short enough that waiting workers keep the rate).
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._group_full.wait(), timeout=self.group_delay())
            self._sent_ready.clear()
            self._group_full.clear()
            await self._flush_sent()

    async def _flush_sent(self, *, final: bool = False) -> None:
        batch, self._sent = self._sent, []
        if not batch:
            return
        ids = [row_id for row_id, _ in batch]
        messages = {row_id: self._sent_messages.pop(row_id) for row_id in ids if row_id in self._sent_messages}
        try:
            # While running, until the database answers again (the workers wait meanwhile: nothing is sent
            # twice); at shutdown a few attempts, then the rows stay `sending` and are sent again after the
            # restart: a possible duplicate, never a loss.
            await self._durably(
                self._outbox.mark_sent, ids, messages=messages, attempts=RECORD_ATTEMPTS if final else None
            )
            self.stats.sent += len(batch)
        except Exception:
            logger.exception("sender.record_failed", extra={"rows": len(batch)})
        for _, future in batch:
            if not future.done():
                future.set_result(None)


def _markup(rendered: RenderedMessage) -> InlineKeyboardMarkup | None:
    """The split message's buttons, one a row: the article, then its official document."""
    rows = [
        [InlineKeyboardButton(text=text, url=url)]
        for text, url in ((rendered.button_text, rendered.button_url), (rendered.document_text, rendered.document_url))
        if text and url
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None
