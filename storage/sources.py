"""The sources repository: news sources as data, with their polling state and health."""

from __future__ import annotations

import functools
import json
import operator
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.clock import utcnow
from domain.sources import NewSource, PollTarget, Source
from storage.database import Database
from storage.schema import sources
from storage.schema.base import UTCDateTime


class PollState(NamedTuple):
    """What one poll leaves behind on its source (a named tuple: one per poll, built at C speed)."""

    outcome: str  # ok, not_modified, or a failure kind such as timeout or http_404
    error: str | None
    checked_at: datetime
    next_check_at: datetime
    consecutive_failures: int
    disable: bool  # only a failure disables; a success never re-enables what an admin turned off meanwhile
    succeeded: bool
    etag: str | None = None
    last_modified: str | None = None
    url: str | None = None  # a new URL after a permanent redirect
    body_hash: str | None = None  # of a 200 body; a 304 keeps the one stored
    # Outcome, failures, error and validators are the ones stored: only the times are written, and the lease ends.
    same: bool = False


class SourceExistsError(Exception):
    """A source with this URL and language is already configured."""


SOURCES_CHANGED = "sources"  # the `Database.watch` topic: a source added, resumed or made due sooner
_NEXT_CHECK = sa.select(sa.func.min(sources.c.next_check_at)).where(
    sources.c.enabled.is_(True), sources.c.removed.is_(False)
)


def _source(row: sa.Row[tuple[object, ...]]) -> Source:
    return Source(**row._mapping)


# What a lease returns: no timestamps to parse (six per row, most of a round's claim), and the extra headers as
# their JSON text, decoded here only when there are some (SQLAlchemy's JSON type decodes every row's "null").
_TARGET_COLUMNS: list[sa.ColumnElement[Any]] = [sources.c[name] for name in PollTarget._fields[:-1]]
_TARGET_COLUMNS.append(sa.type_coerce(sources.c.extra_headers, sa.Text))


def _target(row: Sequence[Any]) -> PollTarget:
    headers = row[-1]
    if isinstance(headers, str | bytes):  # SQLite's text; asyncpg's JSON codec hands PostgreSQL's over decoded
        headers = None if headers == "null" else json.loads(headers)
    return PollTarget._make((*row[:-1], headers or None))


def _lease_due() -> sa.Update:
    c = sources.c
    now, until = sa.bindparam("now", type_=c.polling_until.type), sa.bindparam("until", type_=c.polling_until.type)
    free = sa.or_(c.polling_until.is_(None), c.polling_until < now)
    # A due source another poll holds keeps its lease (written unchanged) and comes back as not leased; the order
    # is read from the time as stored (SQLite's text sorts as the time does; PostgreSQL's driver reads it itself).
    return (
        sa.update(sources)
        .where(c.enabled.is_(True), c.removed.is_(False), c.next_check_at <= now)
        .values(polling_until=sa.case((free, until), else_=c.polling_until))
        .returning(
            *_TARGET_COLUMNS,
            sa.type_coerce(c.next_check_at, sa.String).label("waiting_since"),
            (c.polling_until == until).label("leased"),
        )
    )


_LEASE_DUE = _lease_due()
_WAITING = operator.itemgetter(-2, 0)  # longest waiting first (waiting_since, then id)


@functools.cache  # four shapes, built once (a list of ids given to `in_` is coerced item by item on every call)
def _claim_statement(due_only: bool, held: bool) -> sa.Update:
    c = sources.c
    now = sa.bindparam("now", type_=c.polling_until.type)
    free = [c.polling_until.is_(None), c.polling_until < now]
    if held:
        free.append(c.polling_until == sa.bindparam("held", type_=c.polling_until.type))
    conditions = [c.id.in_(sa.bindparam("ids", expanding=True)), sa.or_(*free)]
    if due_only:
        conditions += [c.next_check_at <= now, c.enabled.is_(True)]
    until = sa.bindparam("until", type_=c.polling_until.type)
    return sa.update(sources).where(*conditions).values(polling_until=until).returning(*_TARGET_COLUMNS)


class SourceRepository:
    """Reads and writes the `sources` table."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def watch(self, callback: Callable[[], None]) -> None:
        """Call `callback` when this process adds a source or makes one due sooner (`Database.watch`)."""
        self._db.watch(SOURCES_CHANGED, callback)

    async def add(self, new: NewSource) -> Source:
        """Add a source, due at once; a removed source with the same URL and language comes back instead.

        Raises SourceExistsError when that URL and language is already a configured source.
        """
        now = utcnow()
        async with self._db.begin() as conn:
            row = (
                await conn.execute(
                    sa.select(sources).where(sources.c.url == new.url, sources.c.language == new.language)
                )
            ).first()
            if row is not None and not row.removed:
                raise SourceExistsError(new.url)
            values = {
                "kind": new.kind,
                "language": new.language,
                "title": new.title,
                "interval_seconds": new.interval_seconds,
                "extra_headers": new.extra_headers,
                "enabled": True,
                "removed": False,
                "next_check_at": now,
                "consecutive_failures": 0,
                "updated_at": now,
            }
            if row is None:
                source_id = (
                    await conn.execute(
                        sa.insert(sources).values(url=new.url, created_at=now, **values).returning(sources.c.id)
                    )
                ).scalar_one()
            else:
                source_id = row.id
                await conn.execute(sa.update(sources).where(sources.c.id == source_id).values(**values))
            added = _source((await conn.execute(sa.select(sources).where(sources.c.id == source_id))).one())
        self._db.changed(SOURCES_CHANGED)  # due at once: a poller that sleeps until its next check wakes
        return added

    async def seed(self, defaults: Iterable[NewSource]) -> list[Source]:
        """Add each default whose URL and language were never configured; removed sources stay removed."""
        added = []
        async with self._db.begin() as conn:
            known = {
                (row.url, row.language) for row in await conn.execute(sa.select(sources.c.url, sources.c.language))
            }
            now = utcnow()
            for new in defaults:
                if (new.url, new.language) in known:
                    continue
                source_id = (
                    await conn.execute(
                        sa.insert(sources)
                        .values(
                            url=new.url,
                            kind=new.kind,
                            language=new.language,
                            title=new.title,
                            interval_seconds=new.interval_seconds,
                            extra_headers=new.extra_headers,
                            enabled=True,
                            removed=False,
                            next_check_at=now,
                            consecutive_failures=0,
                            created_at=now,
                            updated_at=now,
                        )
                        .returning(sources.c.id)
                    )
                ).scalar_one()
                known.add((new.url, new.language))
                added.append(_source((await conn.execute(sa.select(sources).where(sources.c.id == source_id))).one()))
        if added:
            self._db.changed(SOURCES_CHANGED)
        return added

    async def get(self, source_id: int) -> Source | None:
        """The source with this id (removed ones too), or None."""
        async with self._db.connect() as conn:
            row = (await conn.execute(sa.select(sources).where(sources.c.id == source_id))).first()
        return _source(row) if row else None

    async def find(self, id_or_url: str) -> list[Source]:
        """Configured (not removed) sources with this id, or with this URL (one per language)."""
        condition = sources.c.url == id_or_url
        if id_or_url.isdigit():
            condition = sa.or_(condition, sources.c.id == int(id_or_url))
        async with self._db.connect() as conn:
            rows = await conn.execute(
                sa.select(sources).where(condition, sources.c.removed.is_(False)).order_by(sources.c.id)
            )
            return [_source(row) for row in rows]

    async def list_all(self) -> list[Source]:
        """Every configured source (not removed), by id."""
        async with self._db.connect() as conn:
            rows = await conn.execute(sa.select(sources).where(sources.c.removed.is_(False)).order_by(sources.c.id))
            return [_source(row) for row in rows]

    async def remove(self, source_id: int) -> None:
        """Stop polling a source for good; its entries stay, and seeding will not add it again."""
        async with self._db.begin() as conn:
            await conn.execute(
                sa.update(sources)
                .where(sources.c.id == source_id)
                .values(removed=True, enabled=False, updated_at=utcnow())
            )

    async def set_enabled(self, source_id: int, enabled: bool) -> None:
        """Enable (due at once, failures forgotten) or disable a source."""
        now = utcnow()
        values: dict[str, object] = {"enabled": enabled, "updated_at": now}
        if enabled:
            values |= {"consecutive_failures": 0, "next_check_at": now}
        async with self._db.begin() as conn:
            await conn.execute(sa.update(sources).where(sources.c.id == source_id).values(**values))
        if enabled:
            self._db.changed(SOURCES_CHANGED)

    async def set_interval(self, source_id: int, seconds: int, *, poll_by: datetime | None = None) -> datetime | None:
        """Poll a source every `seconds`; a next poll planned later than `poll_by` moves to `poll_by` (a shorter
        interval takes effect now, not after a wait planned under the old one). Returns the next poll."""
        c = sources.c
        values: dict[str, Any] = {"interval_seconds": seconds, "updated_at": utcnow()}
        if poll_by is not None:
            sooner = sa.literal(poll_by, UTCDateTime())
            values["next_check_at"] = sa.case((c.next_check_at > sooner, sooner), else_=c.next_check_at)
        async with self._db.begin() as conn:
            await conn.execute(sa.update(sources).where(c.id == source_id).values(**values))
            found: datetime | None = (
                await conn.execute(sa.select(c.next_check_at).where(c.id == source_id))
            ).scalar_one_or_none()
        if poll_by is not None:
            self._db.changed(SOURCES_CHANGED)
        return found

    async def set_headers(self, source_id: int, headers: dict[str, str] | None) -> None:
        """Replace a source's extra request headers (None or empty: none)."""
        async with self._db.begin() as conn:
            await conn.execute(
                sa.update(sources)
                .where(sources.c.id == source_id)
                .values(extra_headers=headers or None, updated_at=utcnow())
            )

    async def lease_due(self, now: datetime, *, until: datetime) -> tuple[list[PollTarget], list[int]]:
        """Lease every due source that no other poll holds until `until`, in one statement: the sources leased,
        longest waiting first, and the ids of the due ones another poll holds."""
        async with self._db.begin() as conn:
            rows = list((await conn.execute(_LEASE_DUE, {"now": now, "until": until})).all())
        rows.sort(key=_WAITING)
        return [_target(row[:-2]) for row in rows if row[-1]], [row[0] for row in rows if not row[-1]]

    async def next_check(self) -> datetime | None:
        """When the enabled source checked soonest is due (None when no source is enabled)."""
        async with self._db.connect() as conn:
            found: datetime | None = (await conn.execute(_NEXT_CHECK)).scalar_one()
        return found

    async def claim(self, source_id: int, now: datetime, *, until: datetime, due_only: bool) -> PollTarget | None:
        """Take a lease on a source for one poll; None when another poll holds it (or, with `due_only`,
        when it is no longer due because another poll just finished).

        A compare-and-set on `polling_until`, so two ticks, the CLI and other replicas never poll one source
        at the same time; `save_poll` releases the lease, and an expired one (a crash) can be taken again.
        """
        claimed = await self.claim_many([source_id], now, until=until, due_only=due_only)
        return claimed[0] if claimed else None

    async def claim_many(
        self,
        source_ids: Sequence[int],
        now: datetime,
        *,
        until: datetime,
        due_only: bool,
        held: datetime | None = None,
    ) -> list[PollTarget]:
        """`claim` for several sources in one statement; returns those claimed, in no particular order.

        `held`: the end of a lease the caller took and still holds, which it extends to `until` (a lease someone
        else took since, after this one expired, ends elsewhere and is not taken).
        """
        values = {"ids": list(source_ids), "now": now, "until": until}
        if held is not None:
            values["held"] = held
        async with self._db.begin() as conn:
            rows = await conn.execute(_claim_statement(due_only, held is not None), values)
            return [_target(row) for row in rows]

    async def save_poll(self, source_id: int, state: PollState) -> None:
        """Record a poll's outcome, health and validators (ETag, Last-Modified) on its source."""
        await self.save_polls([(source_id, state)])

    async def save_polls(self, polls: Sequence[tuple[int, PollState]]) -> None:
        """Record several polls in one transaction (the poller batches its health records)."""
        if not polls:
            return
        # Quiet polls (a success that changed nothing but the times: most 304s) are one statement: on SQLite an
        # executemany of the times as SQLite's text, on PostgreSQL their ids and times as one JSON parameter, the
        # times written by the database (SQLite updates a row a third faster that way than through json_each; a
        # round trip per row is what PostgreSQL's executemany would cost). The others share an executemany
        # statement per set of columns they write.
        quiet = [(source_id, state) for source_id, state in polls if state.same and state.succeeded]
        groups: dict[tuple[str, ...], list[dict[str, object]]] = {}
        for source_id, state in polls:
            if not (state.same and state.succeeded):
                row = _poll_row(source_id, state)
                groups.setdefault(tuple(row), []).append(row)
        async with self._db.begin() as conn:
            # The writes come first so SQLite takes its write lock before any read (see EntryRepository).
            if quiet and conn.dialect.name == "sqlite":
                texts = [(_sqlite_time(s.checked_at), _sqlite_time(s.next_check_at), i) for i, s in quiet]
                await conn.exec_driver_sql(_QUIET_POLLS_SQLITE, texts)
            elif quiet:
                times = [(i, _microseconds(s.checked_at), _microseconds(s.next_check_at)) for i, s in quiet]
                await conn.execute(_QUIET_POLLS_POSTGRES, {"polls": json.dumps(times, separators=(",", ":"))})
            for columns, group in groups.items():
                await conn.execute(_poll_statement(columns), group)
            for source_id, state in polls:
                if state.url:
                    await self._move(conn, source_id, state.url)

    @staticmethod
    async def _move(conn: AsyncConnection, source_id: int, url: str) -> None:
        language = sa.select(sources.c.language).where(sources.c.id == source_id).scalar_subquery()
        taken = await conn.execute(
            sa.select(sources.c.id).where(
                sources.c.url == url, sources.c.language == language, sources.c.id != source_id
            )
        )
        # Two sources redirecting to one URL keep their own URLs rather than collide.
        if taken.first() is None:
            await conn.execute(sa.update(sources).where(sources.c.id == source_id).values(url=url))


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def _microseconds(moment: datetime) -> int:
    return (moment - _EPOCH) // _MICROSECOND


def _sqlite_time(moment: datetime) -> str:
    """A time as SQLAlchemy writes it to SQLite ("2026-12-07 11:33:32.160593", UTC)."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


# A quiet poll's row. SQLite: (checked at, next check at, source id), the times as SQLite's text. PostgreSQL: [source
# id, checked at, next check at] in JSON, the times in microseconds since 1970 (exact in JSON and in PostgreSQL's
# integers), turned into timestamptz.
_QUIET_POLLS_SQLITE = (
    "UPDATE sources SET last_checked_at = ?1, updated_at = ?1, last_success_at = ?1, next_check_at = ?2,"
    " polling_until = NULL WHERE id = ?3"
)
_QUIET_POLLS_POSTGRES = sa.text(
    "UPDATE sources SET last_checked_at = v.checked, updated_at = v.checked, last_success_at = v.checked,"
    " next_check_at = v.next, polling_until = NULL FROM (SELECT (p ->> 0)::integer AS id,"
    " TIMESTAMPTZ 'epoch' + (p ->> 1)::bigint * INTERVAL '1 microsecond' AS checked,"
    " TIMESTAMPTZ 'epoch' + (p ->> 2)::bigint * INTERVAL '1 microsecond' AS next"
    " FROM json_array_elements(CAST(:polls AS json)) AS p) AS v WHERE sources.id = v.id"
)


def _poll_row(source_id: int, state: PollState) -> dict[str, object]:
    """A poll's bound values; their names (with `_succeeded`, `_disable`) pick its statement."""
    row: dict[str, object] = {"source_id": source_id, "checked_at": state.checked_at, "next": state.next_check_at}
    if not state.same:
        row |= {"outcome": state.outcome, "error": state.error[:512] if state.error else None}
        row["failures"] = state.consecutive_failures
        if state.succeeded:
            row |= {"etag": state.etag, "last_modified": state.last_modified, "body_hash": state.body_hash}
    if state.succeeded:
        row["_succeeded"] = True
    if state.disable:
        row["_disable"] = True
    return row


@functools.cache  # a handful of shapes: built once, not on every batch
def _poll_statement(names: tuple[str, ...]) -> sa.Update:
    c = sources.c
    checked = sa.bindparam("checked_at", type_=c.last_checked_at.type)
    values: dict[sa.Column[Any], object] = {
        c.last_checked_at: checked,
        c.updated_at: checked,
        c.next_check_at: sa.bindparam("next", type_=c.next_check_at.type),
        c.polling_until: sa.null(),  # the lease ends
    }
    columns = {"outcome": c.last_outcome, "error": c.last_error, "failures": c.consecutive_failures}
    columns |= {"etag": c.etag, "last_modified": c.last_modified, "body_hash": c.body_hash}
    values |= {column: sa.bindparam(name, type_=column.type) for name, column in columns.items() if name in names}
    if "_succeeded" in names:
        values[c.last_success_at] = checked
    if "_disable" in names:
        values[c.enabled] = sa.false()
    return sa.update(sources).where(c.id == sa.bindparam("source_id")).values(values)
