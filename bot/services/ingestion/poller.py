"""Polling sources: fetch, parse, dedup, classify, store, hand new entries over, keep each source's health."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import logging
import math
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from bot.config import Settings
from bot.services.ingestion.classifier import AllianceClassifier
from bot.services.ingestion.fetching import Fetcher, FetchError, FetchLimits, FetchRequest, FetchResult, request_headers
from bot.services.ingestion.kinds import SOURCE_KINDS
from bot.services.ingestion.parsing import ParseError, skip_item
from bot.services.ingestion.scheduling import next_check
from bot.services.ingestion.stories import story_keys
from bot.services.ingestion.text import html_to_text
from domain.clock import utcnow
from domain.entries import Entry, StoredEntry
from domain.sources import PollTarget, SourceTrouble
from storage import Database
from storage.database import is_transient
from storage.entries import EntryRecord, EntryRepository, StoreResult
from storage.sources import PollState, SourceRepository

if TYPE_CHECKING:
    import aiohttp

logger = logging.getLogger(__name__)

NewEntriesHandler = Callable[[Sequence[StoredEntry]], Awaitable[object]]
AdminNotifier = Callable[[SourceTrouble], Awaitable[object]]  # the Telegram adapter alerts the admins
OrganizationNames = Callable[[], Awaitable[Iterable[str]]]

MAX_BACKOFF_SECONDS = 24 * 3600
# A stored entry not handed over after HANDOFF_GRACE is handed over again for a day: looked for at a polling tick
# when this process starts, HANDOFF_GRACE after that and after one of its own hand-overs did not complete, and every
# HANDOFF_LOOK_EVERY anyway (another process, a `feeds poll` of the shell, may have died after storing).
HANDOFF_GRACE = timedelta(seconds=5)
HANDOFF_RETRY_WINDOW = timedelta(days=1)
HANDOFF_LOOK_EVERY = timedelta(minutes=5)
HANDOFF_PAGE = 500  # entries handed over again per look
HEALTH_BATCH = 1000  # poll records per transaction at most (a round writes its quiet polls in one)
_REFUSED = {401, 403}


async def _no_new_entries(_entries: Sequence[StoredEntry]) -> None:
    return None


async def _no_admins(trouble: SourceTrouble) -> None:
    logger.warning("feeds.admin_alert", extra={"source": trouble.source_id, "disabled": trouble.disabled})


async def _no_organizations() -> Iterable[str]:
    return ()


@dataclass(frozen=True, slots=True)
class PollPolicy:
    """Limits and health rules for polling."""

    fetch: FetchLimits = field(default_factory=FetchLimits)
    failure_threshold: int = 10
    history_size: int = 1000
    max_concurrency: int = 8
    parse_in_thread: bool = True  # parsing big feeds must not stall the bot's event loop

    @classmethod
    def from_settings(cls, settings: Settings) -> PollPolicy:
        return cls(
            fetch=FetchLimits(
                timeout_seconds=settings.feed_timeout_seconds,
                max_bytes=settings.feed_max_bytes,
                allow_private=settings.allow_private_sources,
            ),
            failure_threshold=settings.feed_failure_threshold,
            history_size=settings.feed_history_size,
        )

    @property
    def lease(self) -> timedelta:
        # Long enough for the slowest possible poll: fetch timeout plus parsing and storing.
        return timedelta(seconds=self.fetch.timeout_seconds * 3 + 60)


class PollOutcome(NamedTuple):
    """What one poll of one source did (also what the CLI prints); a named tuple, one per poll built at C speed."""

    source_id: int
    url: str
    outcome: str  # ok, not_modified, busy, or a failure kind (timeout, http_404, not_a_feed, ...)
    new: int = 0
    updated: int = 0
    duration_ms: int = 0
    error: str | None = None
    disabled: bool = False

    @property
    def failed(self) -> bool:
        return self.outcome not in ("ok", "not_modified", "busy")


_poll_recorder: list[Callable[[Sequence[tuple[str, float]]], None]] = []  # the metrics', imported at the first poll


def _record_polls(polls: Sequence[tuple[str, float]]) -> None:
    if not polls:
        return
    if not _poll_recorder:
        from bot.runtime.metrics import record_polls  # prometheus_client: not for the shell's commands that never poll

        _poll_recorder.append(record_polls)
    _poll_recorder[0](polls)


def _headers(kind: str, language: str, extra: dict[str, str] | None) -> Mapping[str, str]:
    """A poll's request headers: one shared (read-only) mapping per kind and language for sources without extras."""
    if extra:
        return request_headers(SOURCE_KINDS[kind].accept, language, extra)
    return _plain_headers(kind, language)


@functools.cache
def _plain_headers(kind: str, language: str) -> Mapping[str, str]:
    return MappingProxyType(request_headers(SOURCE_KINDS[kind].accept, language))


def backoff_seconds(interval_seconds: int, failures: int) -> int:
    """Delay before the next try after `failures` failures in a row: doubling from the interval, at most a day."""
    return min(interval_seconds * (1 << min(failures, 20)), MAX_BACKOFF_SECONDS)


def _digest(*parts: object) -> str:
    return hashlib.sha1("\x1f".join(str(part) for part in parts).encode(), usedforsecurity=False).hexdigest()


def _content_hash(entry: Entry) -> str:
    parts: list[object] = [entry.url, entry.title, entry.summary_html, entry.image_url, entry.published_at]
    # Only when there is one: entries stored before documents were read keep their hash (no false "changed").
    if entry.document_url:
        parts.append(entry.document_url)
    return _digest(*parts)


def _body_hash(body: bytes) -> str:
    return hashlib.sha1(body, usedforsecurity=False).hexdigest()


def oldest_first(entries: Sequence[Entry], now: datetime) -> list[Entry]:
    """Unique keys (the first of duplicates wins), ordered oldest first; undated items keep the feed's order
    (newest first in feeds), so they are reversed."""
    unique = list({entry.key: entry for entry in reversed(entries)}.values())
    return sorted(unique, key=lambda entry: entry.published_at or now)


def entry_record(entry: Entry, classifier: AllianceClassifier) -> EntryRecord:
    """An entry ready to store: its key and content hashes, search text and classification."""
    text = html_to_text(entry.summary_html)
    verdict = classifier.classify_text(entry.title + "\n" + text)
    keys = story_keys(entry, text)
    return EntryRecord(
        entry=entry,
        key_hash=_digest(entry.key),
        content_hash=_content_hash(entry),
        search_text=text,
        is_alliance=verdict.is_alliance,
        alliance_reason=verdict.reason,
        url_key=keys.url_key,
        title_key=keys.title_key,
        fingerprint=keys.fingerprint,
    )


class FeedPoller:
    """Polls sources; one instance for the bot, with the one shared HTTP client (`fetcher`)."""

    def __init__(
        self,
        db: Database,
        session: aiohttp.ClientSession | None = None,
        *,
        http: Fetcher | None = None,
        on_new_entries: NewEntriesHandler = _no_new_entries,
        on_changed_entries: NewEntriesHandler = _no_new_entries,
        notify_admins: AdminNotifier = _no_admins,
        organization_names: OrganizationNames = _no_organizations,
        policy: PollPolicy | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.sources = SourceRepository(db)
        self.entries = EntryRepository(db)
        # The polls this process runs now, by source: `poll_now` of a source a round is polling waits for that poll.
        self._in_flight: dict[int, asyncio.Future[PollOutcome]] = {}
        self._joined: dict[int, asyncio.Event] = {}  # set when a `poll_now` waits for the poll in flight
        # `http` fetches every source (the tests pass one of their own; the caller closes it). Without one, the
        # poller makes the aiohttp one over `session`, or over a session of its own opened at the first fetch (a
        # session needs a running loop, and factories run before it) and closed in `close()`.
        self._http = http
        self._session = session
        self._owns_http = http is None
        self._on_new_entries = on_new_entries
        self._on_changed_entries = on_changed_entries
        self._notify_admins = notify_admins
        self._organization_names = organization_names
        self.policy = policy or PollPolicy()
        self._clock = clock
        self._semaphore = asyncio.Semaphore(self.policy.max_concurrency)
        self._lease = self.policy.lease  # asked by every poll of a round
        self._classifier: tuple[tuple[str, ...], AllianceClassifier] = ((), AllianceClassifier())
        self._health: list[tuple[int, PollState]] = []
        self._timings: list[tuple[str, float]] = []  # (outcome, seconds) of the polls in `_health`, for the metrics
        self._flush_timer: asyncio.TimerHandle | None = None  # writes the records a long round keeps waiting
        self._flushes: set[asyncio.Future[None]] = set()
        # When hand-overs of this process did not complete, oldest first, until a look has covered them.
        self._losses: list[datetime] = []
        self._handoffs_looked_at: datetime | None = None  # the last look for them

    @property
    def fetcher(self) -> Fetcher:
        """What fetches the sources: the one given, or the aiohttp one (aiohttp imported here, at the first use)."""
        if self._http is None:
            from bot.services.ingestion.http import HttpFetcher

            self._http = HttpFetcher(self.policy.fetch, self._session)
        return self._http

    async def close(self) -> None:
        """Close the HTTP client the poller made itself (call it in the shutdown hook), after the health records
        still waiting are written."""
        await self._flush_logged()
        if self._flushes:
            await asyncio.gather(*self._flushes)
        if self._owns_http and self._http is not None:
            await self._http.close()
            self._http = None

    async def poll_due(self, *, spread_seconds: float = 0.0) -> list[PollOutcome]:
        """Poll every due source once, starting them spread evenly over `spread_seconds`.

        However many are due: the sources' phases (see `scheduling.next_check`) keep that number at about
        `sources x tick / interval`. The round leases its due sources in one statement and writes their health
        records in one transaction at its end (sooner for a poll that found news, or every `HEALTH_BATCH`).
        """
        await self._look_for_lost_handoffs()
        now = self._clock()
        # One lease for the round: a poll started within the spread and one more lease (slow sources ahead of it)
        # still has a whole lease to run; one that starts later renews its own lease first (`_poll_leased`).
        until = now + timedelta(seconds=spread_seconds) + 2 * self._lease
        leased, held = await self.sources.lease_due(now, until=until)
        if not leased and not held:
            return []
        step = spread_seconds / (len(leased) + len(held))
        # In flight from the moment the lease is ours: a `poll_now` of a leased source joins its poll.
        polls = [self._track(s.id, self._poll_leased(s, n * step, until)) for n, s in enumerate(leased)]
        try:
            polled = await asyncio.gather(*polls)
        finally:
            try:
                await self._flush_health()
            finally:
                self._untrack(leased, polls)
        outcomes = [*polled, *(PollOutcome(source_id=i, url="", outcome="busy") for i in held)]
        # One line per round; a poll's own line is at DEBUG unless it failed or stored something.
        logger.info("feeds.round", extra={"sources": len(outcomes), **Counter(o.outcome for o in outcomes)})
        return outcomes

    async def seconds_to_next_check(self) -> float:
        """Seconds until the next source falls due (negative when one is due, inf when none is enabled)."""
        next_check = await self.sources.next_check()
        return math.inf if next_check is None else (next_check - self._clock()).total_seconds()

    async def _poll_leased(self, source: PollTarget, delay: float, until: datetime) -> PollOutcome:
        if delay:
            await asyncio.sleep(delay)
        async with self._semaphore:
            now = self._clock()
            if now + self._lease > until:
                try:
                    renewed = await self.sources.claim_many(
                        [source.id], now, until=now + self._lease, due_only=True, held=until
                    )
                except Exception as error:
                    logger.exception("feeds.poll_crashed", extra={"source": source.id})
                    return PollOutcome(source.id, source.url, "internal", error=str(error))
                if not renewed:  # the round's lease ran out and another poll took the source meanwhile
                    logger.info("feeds.poll", extra={"source": source.id, "outcome": "busy"})
                    return PollOutcome(source.id, source.url, "busy")
                source = renewed[0]
            return await self.poll_source(source)

    async def poll_now(self, source_ids: Iterable[int]) -> list[PollOutcome]:
        """Poll these sources now, due or not (the CLI's `feeds poll`)."""
        try:
            return list(await asyncio.gather(*(self._poll_one(source_id) for source_id in source_ids)))
        finally:
            await self._flush_health()

    def _track(self, source_id: int, poll: Coroutine[Any, Any, PollOutcome]) -> asyncio.Future[PollOutcome]:
        """Start the poll of a source this process leased; a `poll_now` of that source meanwhile waits for it."""
        task = asyncio.ensure_future(poll)
        self._in_flight[source_id] = task
        return task

    def _untrack(self, sources: Iterable[PollTarget], polls: Iterable[asyncio.Future[PollOutcome]]) -> None:
        for source, poll in zip(sources, polls, strict=True):
            if self._in_flight.get(source.id) is poll:
                del self._in_flight[source.id]
                self._joined.pop(source.id, None)

    async def waiting_for(self, source_id: int) -> None:
        """Return once a `poll_now` of this source waits for the poll this process has in flight (for tests)."""
        await self._joined.setdefault(source_id, asyncio.Event()).wait()

    async def _poll_one(self, source_id: int) -> PollOutcome:
        async with self._semaphore:
            now = self._clock()
            try:
                source = await self.sources.claim(source_id, now, until=now + self.policy.lease, due_only=False)
                if source is not None:
                    poll = self._track(source.id, self.poll_source(source))
                    try:
                        return await poll
                    finally:
                        self._untrack([source], [poll])
            except Exception as error:
                # The database itself failed (locked, gone): this source's lease expires and it is retried.
                logger.exception("feeds.poll_crashed", extra={"source": source_id})
                return PollOutcome(source_id=source_id, url="", outcome="internal", error=str(error))
        running = self._in_flight.get(source_id)
        # This process is polling it, or has just polled it (a round's tick; the record waits for the round's batch,
        # at most a fetch timeout): that poll's outcome.
        if running is not None:
            self._joined.setdefault(source_id, asyncio.Event()).set()
            with contextlib.suppress(asyncio.CancelledError):
                return await asyncio.shield(running)
        logger.info("feeds.poll", extra={"source": source_id, "outcome": "busy"})
        return PollOutcome(source_id=source_id, url="", outcome="busy")

    async def _record(self, source_id: int, state: PollState, seconds: float) -> None:
        # Health records wait for a batch (one transaction for many polls); the lease they release holds
        # meanwhile, so nothing polls the source twice. The metrics go with them. A record waits at most one fetch
        # timeout (a round held open by slow polls): its lease, three timeouts and a minute from its poll's start
        # (`PollPolicy.lease`), outlasts that, so no other poller takes the source before its record is written.
        self._health.append((source_id, state))
        self._timings.append((state.outcome, seconds))
        if len(self._health) >= HEALTH_BATCH:
            await self._flush_health()
        elif self._flush_timer is None:
            loop = asyncio.get_running_loop()
            self._flush_timer = loop.call_later(self.policy.fetch.timeout_seconds, self._flush_waiting)

    def _flush_waiting(self) -> None:
        self._flush_timer = None
        flush = asyncio.ensure_future(self._flush_logged())
        self._flushes.add(flush)
        flush.add_done_callback(self._flushes.discard)

    async def _flush_logged(self) -> None:
        try:
            await self._flush_health()
        except Exception:  # the leases expire and the sources are polled again
            logger.exception("feeds.health_write_failed")

    async def _flush_health(self) -> None:
        if self._flush_timer is not None:
            self._flush_timer.cancel()
            self._flush_timer = None
        batch, self._health = self._health, []
        timings, self._timings = self._timings, []
        _record_polls(timings)
        await self.sources.save_polls(batch)

    async def poll_source(self, source: PollTarget) -> PollOutcome:
        """Poll one claimed source and record the result; never raises for a bad source."""
        started = time.perf_counter()
        now = self._clock()
        try:
            headers = _headers(source.kind, source.language, source.extra_headers)
            response = await self.fetcher.get(FetchRequest(source.url, headers, source.etag, source.last_modified))
            outcome = await self._store(source, response, now, started)
        except (FetchError, ParseError) as error:
            return await self._fail(source, error.kind, str(error), now, started, getattr(error, "status", None))
        except Exception as error:
            # A bug must cost one poll of one source, never the poller.
            logger.exception("feeds.poll_crashed", extra={"source": source.id})
            return await self._fail(source, "internal", f"{type(error).__name__}: {error}", now, started, None)
        return outcome

    async def _store(self, source: PollTarget, response: FetchResult, now: datetime, started: float) -> PollOutcome:
        new: list[StoredEntry] = []
        changed: list[StoredEntry] = []
        updated = 0
        body_hash = source.body_hash if response.not_modified else _body_hash(response.body)
        # A 200 with the very body parsed last time (a server without validators) is not parsed again.
        unchanged = response.not_modified or (body_hash == source.body_hash and response.permanent_url is None)
        if not unchanged:
            parse = SOURCE_KINDS[source.kind].read
            args = {"content_type": response.content_type, "url": response.url, "language": source.language}
            if self.policy.parse_in_thread:
                parsed = await asyncio.to_thread(parse, response.body, now=now, **args)
            else:
                parsed = parse(response.body, now=now, **args)
            classifier = await self._current_classifier()
            notes = [note for entry in parsed for note in entry.notes]
            if notes:
                logger.info("feeds.urls_dropped", extra={"source": source.id, "count": len(notes), "first": notes[0]})
            ordered = oldest_first(parsed, now)
            if len(ordered) < len(parsed):
                logger.info("feeds.duplicate_keys", extra={"source": source.id, "dropped": len(parsed) - len(ordered)})
            records = []
            for index, entry in enumerate(ordered):
                try:
                    records.append(entry_record(entry, classifier))
                except Exception as error:  # noqa: BLE001 - one item costs that item, never the poll
                    skip_item(response.url, index, entry.key, error)
            result = await self._store_records(source.id, records, now)
            new, updated, changed = result.new, result.updated, result.changed
        outcome = "not_modified" if unchanged else "ok"
        # A 304 may omit the validators; the ones that earned it stay valid.
        etag = response.etag or (source.etag if response.not_modified else None)
        last_modified = response.last_modified or (source.last_modified if response.not_modified else None)
        stored = (source.last_outcome, source.consecutive_failures, source.etag, source.last_modified, source.body_hash)
        state = PollState(
            outcome=outcome,
            error=None,
            checked_at=now,
            next_check_at=next_check(now, source.interval_seconds, source.id),
            consecutive_failures=0,
            disable=False,
            succeeded=True,
            etag=etag,
            last_modified=last_modified,
            url=response.permanent_url,
            body_hash=body_hash,
            same=response.permanent_url is None and (outcome, 0, etag, last_modified, body_hash) == stored,
        )
        duration_ms = round((time.perf_counter() - started) * 1000)
        await self._record(source.id, state, duration_ms / 1000)
        if source.consecutive_failures:
            logger.info("feeds.recovered", extra={"source": source.id, "after_failures": source.consecutive_failures})
        if response.permanent_url:
            logger.info("feeds.moved", extra={"source": source.id, "from": source.url, "to": response.permanent_url})
        # A poll that stored nothing is one of thousands an hour: DEBUG (the round's `feeds.round` line counts it).
        level = logging.INFO if new or updated else logging.DEBUG
        if logger.isEnabledFor(level):
            extra = {"source": source.id, "outcome": outcome, "new": len(new), "updated": updated}
            logger.log(level, "feeds.poll", extra=extra | {"duration_ms": duration_ms})
        if new:
            handed = False
            try:
                # A poll that found news is recorded before the news go out (the batch waits for quiet polls only).
                await self._flush_health()
                handed = await self._hand_over(new, source.id)
            finally:
                if not handed:  # failed, raised or cancelled: a tick looks for what was stored
                    self._losses.append(self._clock())
        if changed:
            await self._hand_over_changes(changed, source.id)
        return PollOutcome(source.id, source.url, outcome, len(new), updated, duration_ms)

    async def _store_records(self, source_id: int, records: list[EntryRecord], now: datetime) -> StoreResult:
        """Store a poll's records in one transaction; when the database refuses it for what one item holds (not
        for being busy or gone), each record is stored on its own and only the refused ones are left out."""
        history = max(self.policy.history_size, 2 * len(records))
        try:
            return await self.entries.store_poll(source_id, records, now=now, history_size=history)
        except Exception as error:
            if is_transient(error) or len(records) < 2:
                raise
            logger.warning("feeds.store_one_by_one", extra={"source": source_id, "error": type(error).__name__})
        result = StoreResult(new=[], updated=0)
        for index, record in enumerate(records):
            try:
                one = await self.entries.store_poll(source_id, [record], now=now, history_size=history)
            except Exception as error:
                if is_transient(error):
                    raise
                skip_item(f"source {source_id}", index, record.entry.key, error)
                continue
            result = StoreResult(result.new + one.new, result.updated + one.updated, result.changed + one.changed)
        return result

    async def _hand_over_changes(self, changed: Sequence[StoredEntry], source_id: int) -> None:
        """Entries whose content changed under their key go to `on_changed_entries` (the official channels' posts
        are corrected); a failure is logged, the entries stay stored as corrected."""
        try:
            await self._on_changed_entries(changed)
        except Exception:
            logger.exception("feeds.correction_failed", extra={"source": source_id, "entries": len(changed)})

    async def _hand_over(self, new: Sequence[StoredEntry], source_id: int | None) -> bool:
        try:
            await self._on_new_entries(new)
        except Exception:
            logger.exception("feeds.handoff_failed", extra={"source": source_id, "entries": len(new)})
            return False
        await self.entries.mark_announced([entry.id for entry in new], self._clock())
        return True

    async def _look_for_lost_handoffs(self) -> None:
        """`resume_handoffs` at a tick when entries may be waiting: at this process's first tick and once more
        `HANDOFF_GRACE` later (a process that died before this one started), `HANDOFF_GRACE` after a hand-over of
        its own did not complete, and every `HANDOFF_LOOK_EVERY` (another process's); other ticks spare the query."""
        now = self._clock()
        if self._handoffs_looked_at is None:  # the first tick of this process (or every one until a look succeeds)
            self._losses.append(now)
        elif not (self._losses and now - HANDOFF_GRACE >= self._losses[0]) and (
            now - self._handoffs_looked_at < HANDOFF_LOOK_EVERY
        ):
            return
        await self.resume_handoffs()
        self._handoffs_looked_at = now
        # A look finds what was stored up to HANDOFF_GRACE before it; what was lost since is looked for again.
        self._losses = [moment for moment in self._losses if moment > now - HANDOFF_GRACE]

    async def resume_handoffs(self) -> int:
        """Hand over entries stored but never handed over (the process died in between, or the hand-over
        failed); the hand-over is idempotent, so one that did complete is not repeated. Returns the entries."""
        now = self._clock()
        pending = await self.entries.unannounced(
            seen_after=now - HANDOFF_RETRY_WINDOW, seen_before=now - HANDOFF_GRACE, limit=HANDOFF_PAGE
        )
        if not pending:
            return 0
        handed = False
        try:
            handed = await self._hand_over(pending, None)
        finally:
            if not handed or len(pending) == HANDOFF_PAGE:  # failed, or more may be waiting: look again
                self._losses.append(self._clock())
        if not handed:
            return 0
        logger.warning("feeds.handoff_resumed", extra={"entries": len(pending)})
        return len(pending)

    async def _current_classifier(self) -> AllianceClassifier:
        try:
            names = tuple(sorted(set(await self._organization_names())))
        except Exception:
            logger.exception("feeds.organization_names_failed")
            names = self._classifier[0]
        if names != self._classifier[0]:
            self._classifier = (names, AllianceClassifier(names))
        return self._classifier[1]

    async def _fail(
        self, source: PollTarget, kind: str, error: str, now: datetime, started: float, status: int | None
    ) -> PollOutcome:
        failures = source.consecutive_failures + 1
        disabled = failures >= self.policy.failure_threshold
        delay = backoff_seconds(source.interval_seconds, failures)
        state = PollState(
            outcome=kind,
            error=error,
            checked_at=now,
            next_check_at=now + timedelta(seconds=delay),
            consecutive_failures=failures,
            disable=disabled,
            succeeded=False,
        )
        duration_ms = round((time.perf_counter() - started) * 1000)
        await self._record(source.id, state, duration_ms / 1000)
        logger.warning(
            "feeds.poll",
            extra={
                "source": source.id,
                "url": source.url,
                "outcome": kind,
                "error": error,
                "failures": failures,
                "retry_in_s": delay,
                "duration_ms": duration_ms,
            },
        )
        name = f"#{source.id} {source.title} ({source.url}, {source.language})"
        if disabled:
            logger.error("feeds.disabled", extra={"source": source.id, "failures": failures})
            await self._alert(SourceTrouble(source.id, name, disabled=True, failures=failures, error=error or ""))
        elif SOURCE_KINDS[source.kind].alert_on_refusal and status in _REFUSED and source.last_outcome != kind:
            threshold = self.policy.failure_threshold
            refused = SourceTrouble(source.id, name, False, failures, error or "", status=status, threshold=threshold)
            await self._alert(refused)
        return PollOutcome(source.id, source.url, kind, duration_ms=duration_ms, error=error, disabled=disabled)

    async def _alert(self, trouble: SourceTrouble) -> None:
        try:
            await self._notify_admins(trouble)
        except Exception:
            logger.exception("feeds.admin_alert_failed")
