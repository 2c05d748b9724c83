"""The entries repository: stored news items, dedup by key per source, and full-text search."""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.entries import Entry, StoredEntry
from storage.database import Database
from storage.schema import entries, seen_keys, sources

# SQLite allows many more bound parameters; this keeps every IN list far below any backend's limit.
_CHUNK = 500
# An entry joins a story first seen at most this long ago; older look-alikes are news of their own.
STORY_WINDOW = timedelta(days=30)
# The identity key first, then the two likeness keys (see bot.services.ingestion.stories).
_STORY_KEYS = ("url_key", "title_key", "fingerprint")
# pg_advisory_xact_lock's key for linking stories: any constant no other lock of the bot uses.
_STORY_LOCK = 0x5702_1E5
logger = logging.getLogger(__name__)
_VERSIONS_PER_STORY = 4


def one_per_story(found: Sequence[StoredEntry], languages: Sequence[str]) -> list[StoredEntry]:
    """One entry per story, in the order the stories first appear, each in the first of `languages` it exists in
    (else the version that came first)."""

    def rank(stored: StoredEntry) -> int:
        language = stored.entry.language
        return languages.index(language) if language in languages else len(languages)

    best: dict[int, StoredEntry] = {}
    for stored in found:
        current = best.get(stored.story)
        if current is None or rank(stored) < rank(current):
            best[stored.story] = stored
    return list(best.values())


_MAX_QUERY_TERMS = 12
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class EntryRecord:
    """An entry ready to store: the normalized entry plus what ingestion learned about it."""

    entry: Entry
    key_hash: str
    content_hash: str
    search_text: str
    is_alliance: bool
    alliance_reason: str | None
    # Story identity (bot.services.ingestion.stories): one story across sources, guids and languages.
    url_key: str | None = None
    title_key: str | None = None  # likeness only, never merged on
    fingerprint: str | None = None


@dataclass(frozen=True, slots=True)
class StoreResult:
    """What storing one poll's entries did."""

    new: list[StoredEntry]  # oldest first, in the order given
    updated: int
    # The entries whose content changed under their key (a correction at the source), as now stored.
    changed: list[StoredEntry] = field(default_factory=list)


def search_terms(query: str) -> list[str]:
    """Words of a free-text query as prefixes; nothing of the query's own syntax survives.

    Only letters and digits are kept, so no user text can ever be read as FTS5 or tsquery syntax.
    Longer words lose their last letter or two, a cheap stem that lets "альянсе" find "Альянс" in ru, kk and en
    alike (no stemming library covers Kazakh).
    """
    terms: list[str] = []
    for word in _WORD.findall(query.casefold()):
        term = word[:-2] if len(word) >= 7 else word[:-1] if len(word) >= 5 else word
        if len(term) >= 2 and term not in terms:
            terms.append(term)
    return terms[:_MAX_QUERY_TERMS]


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


_COLUMNS = [*entries.c, sources.c.title.label("source_title")]


def _stored(row: sa.Row[tuple[object, ...]]) -> StoredEntry:
    m = row._mapping
    return StoredEntry(
        id=m["id"],
        source_id=m["source_id"],
        source_title=m["source_title"],
        entry=Entry(
            key=m["key"],
            url=m["url"],
            title=m["title"],
            summary_html=m["summary_html"],
            image_url=m["image_url"],
            published_at=m["published_at"],
            language=m["language"],
            document_url=m["document_url"],
        ),
        first_seen_at=m["first_seen_at"],
        is_alliance=m["is_alliance"],
        alliance_reason=m["alliance_reason"],
        story_id=m["story_id"],
    )


def _select() -> sa.Select[tuple[object, ...]]:
    return sa.select(*_COLUMNS).select_from(entries.join(sources, sources.c.id == entries.c.source_id))


class EntryRepository:
    """Reads and writes `entries` and the per-source `seen_keys` history."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, entry_id: int) -> StoredEntry | None:
        """The stored entry with this id, or None."""
        async with self._db.connect() as conn:
            row = (await conn.execute(_select().where(entries.c.id == entry_id))).first()
        return _stored(row) if row else None

    async def latest(
        self, *, limit: int = 5, alliance_only: bool = True, languages: Sequence[str] = ()
    ) -> list[StoredEntry]:
        """The newest stories by published time (else first-seen time), newest first: one entry per story, in the
        first of `languages` it exists in (else its first version), so an article from two sources, republished,
        or in three languages is listed once."""
        query = _select()
        if alliance_only:
            query = query.where(entries.c.is_alliance.is_(True))
        published = sa.func.coalesce(entries.c.published_at, entries.c.first_seen_at)
        # Versions of one story are published close together: a few times the limit finds `limit` stories.
        query = query.order_by(published.desc(), entries.c.id.desc()).limit(limit * _VERSIONS_PER_STORY)
        async with self._db.connect() as conn:
            found = [_stored(row) for row in await conn.execute(query)]
        return one_per_story(found, languages)[:limit]

    async def search(self, query: str, *, limit: int = 5) -> list[StoredEntry]:
        """Entries matching any word of a free-text query, best match first; never raises on odd input."""
        terms = search_terms(query)
        if not terms or limit <= 0:
            return []
        if self._db.is_sqlite:
            match = " OR ".join(f'"{term}"*' for term in terms)
            ranked = (
                sa.text(
                    "SELECT rowid AS entry_id, bm25(entries_fts) AS rank FROM entries_fts "
                    "WHERE entries_fts MATCH :match ORDER BY rank LIMIT :limit"
                )
                .bindparams(match=match, limit=limit)
                .columns(entry_id=sa.Integer, rank=sa.Float)
                .subquery("ranked")
            )
            statement = (
                _select().join(ranked, ranked.c.entry_id == entries.c.id).order_by(ranked.c.rank, entries.c.id.desc())
            )
        else:
            # The same expression as the GIN index in migration 0002, so PostgreSQL can use it.
            document = sa.func.to_tsvector(
                "simple", entries.c.title.op("||")(sa.literal_column("' '")).op("||")(entries.c.search_text)
            )
            tsquery: sa.ColumnElement[object] = sa.func.to_tsquery("simple", terms[0] + ":*")
            for term in terms[1:]:
                tsquery = tsquery.op("||")(sa.func.to_tsquery("simple", term + ":*"))
            rank = sa.func.ts_rank(document, tsquery)
            statement = (
                _select().where(document.op("@@")(tsquery)).order_by(rank.desc(), entries.c.id.desc()).limit(limit)
            )
        async with self._db.connect() as conn:
            return one_per_story([_stored(row) for row in await conn.execute(statement)], ())

    async def story_versions(self, story: int) -> dict[str, str]:
        """The address of the story in each language it exists in (its first version with an address in that
        language): what a "Read in ..." button opens."""
        query = (
            sa.select(entries.c.language, entries.c.url)
            .where(sa.or_(entries.c.id == story, entries.c.story_id == story), entries.c.url.is_not(None))
            .order_by(entries.c.id)
        )
        async with self._db.connect() as conn:
            rows = (await conn.execute(query)).all()
        versions: dict[str, str] = {}
        for language, url in rows:
            versions.setdefault(str(language), str(url))
        return versions

    async def store_poll(
        self, source_id: int, records: Sequence[EntryRecord], *, now: datetime, history_size: int
    ) -> StoreResult:
        """Store one poll's entries: unseen keys become new entries, known keys with changed content are
        updated in place, and every key goes into the source's seen history (bounded to `history_size`).

        A key counts as seen while it is in the history or stored as an entry, so an item that drops out of
        the feed and comes back is never new again.
        """
        hashes = [record.key_hash for record in records]
        async with self._db.begin() as conn:
            # Write first: SQLite then takes its write lock (waiting politely) before the reads, instead of
            # failing with "database is locked" when a read transaction later tries to become a writer.
            await conn.execute(sa.update(sources).where(sources.c.id == source_id).values(updated_at=now))
            stored: dict[str, tuple[int, str]] = {}
            seen: set[str] = set()
            for chunk in _chunks(hashes):
                rows = await conn.execute(
                    sa.select(entries.c.key_hash, entries.c.id, entries.c.content_hash).where(
                        entries.c.source_id == source_id, entries.c.key_hash.in_(chunk)
                    )
                )
                stored.update({row.key_hash: (row.id, row.content_hash) for row in rows})
                seen.update(
                    (
                        await conn.execute(
                            sa.select(seen_keys.c.key_hash).where(
                                seen_keys.c.source_id == source_id, seen_keys.c.key_hash.in_(chunk)
                            )
                        )
                    ).scalars()
                )
            fresh = [r for r in records if r.key_hash not in stored and r.key_hash not in seen]
            changed = [r for r in records if r.key_hash in stored and stored[r.key_hash][1] != r.content_hash]
            for record in changed:
                await conn.execute(
                    sa.update(entries)
                    .where(entries.c.id == stored[record.key_hash][0])
                    .values(**_entry_values(record), updated_at=now)
                )
            corrected: list[StoredEntry] = []
            if changed:
                changed_ids = [stored[record.key_hash][0] for record in changed]
                query = _select().where(entries.c.id.in_(changed_ids)).order_by(entries.c.id)
                corrected = [_stored(row) for row in await conn.execute(query)]
            new: list[StoredEntry] = []
            if fresh:
                new_rows = [
                    {
                        **_entry_values(r),
                        "source_id": source_id,
                        "key": r.entry.key,
                        "first_seen_at": now,
                        "updated_at": now,
                    }
                    for r in fresh
                ]
                ids = (
                    (
                        await conn.execute(
                            sa.insert(entries).returning(entries.c.id, sort_by_parameter_order=True), new_rows
                        )
                    )
                    .scalars()
                    .all()
                )
                title = (await conn.execute(sa.select(sources.c.title).where(sources.c.id == source_id))).scalar_one()
                stories = await _link_stories(conn, source_id, list(zip(ids, fresh, strict=True)), now=now)
                new = [
                    StoredEntry(
                        id=entry_id,
                        source_id=source_id,
                        source_title=title,
                        entry=r.entry,
                        first_seen_at=now,
                        is_alliance=r.is_alliance,
                        alliance_reason=r.alliance_reason,
                        story_id=stories.get(entry_id),
                    )
                    for entry_id, r in zip(ids, fresh, strict=True)
                ]
            await self._remember(conn, source_id, hashes, seen, now=now, history_size=history_size)
        return StoreResult(new=new, updated=len(changed), changed=corrected)

    async def mark_announced(self, entry_ids: Sequence[int], now: datetime) -> None:
        """Record that these entries reached the outbox (or digest queue)."""
        async with self._db.begin() as conn:
            for start in range(0, len(entry_ids), _CHUNK):
                chunk = list(entry_ids[start : start + _CHUNK])
                await conn.execute(sa.update(entries).where(entries.c.id.in_(chunk)).values(announced_at=now))

    async def unannounced(self, *, seen_after: datetime, seen_before: datetime, limit: int = 500) -> list[StoredEntry]:
        """Entries stored but never handed over (a crash or a failed hand-over), first seen in this window."""
        query = (
            _select()
            .where(
                entries.c.announced_at.is_(None),
                entries.c.first_seen_at > seen_after,
                entries.c.first_seen_at < seen_before,
            )
            .order_by(entries.c.id)
            .limit(limit)
        )
        async with self._db.connect() as conn:
            return [_stored(row) for row in await conn.execute(query)]

    async def _remember(
        self,
        conn: AsyncConnection,
        source_id: int,
        hashes: list[str],
        seen: set[str],
        *,
        now: datetime,
        history_size: int,
    ) -> None:
        unseen = list(dict.fromkeys(h for h in hashes if h not in seen))
        if unseen:
            await conn.execute(
                sa.insert(seen_keys), [{"source_id": source_id, "key_hash": h, "seen_at": now} for h in unseen]
            )
        known = [h for h in hashes if h in seen]
        for chunk in _chunks(known):
            # Keys still in the feed stay young, so trimming the history never forgets them.
            await conn.execute(
                sa.update(seen_keys)
                .where(seen_keys.c.source_id == source_id, seen_keys.c.key_hash.in_(chunk))
                .values(seen_at=now)
            )
        if unseen:
            keep = (
                sa.select(seen_keys.c.key_hash)
                .where(seen_keys.c.source_id == source_id)
                .order_by(seen_keys.c.seen_at.desc())
                .limit(history_size)
            )
            await conn.execute(
                sa.delete(seen_keys).where(
                    seen_keys.c.source_id == source_id, seen_keys.c.key_hash.not_in(keep.scalar_subquery())
                )
            )


@dataclass(frozen=True, slots=True)
class _Told:
    """An entry already telling a story, as the linking of new entries needs it."""

    id: int
    story: int
    source_id: int
    language: str
    title: str


def _same_item_of_source(earlier: _Told, source_id: int, record: EntryRecord) -> bool:
    """False when the source itself says the two are different items: same source and language, another guid and
    another title (feeds whose every item links to one landing page)."""
    if earlier.source_id != source_id or earlier.language != record.entry.language:
        return True
    return _plain_title(earlier.title) == _plain_title(record.entry.title)


def _plain_title(title: str) -> str:
    return " ".join(title.casefold().split())


async def _earlier(
    conn: AsyncConnection, name: str, values: set[str], new_ids: list[int], now: datetime
) -> dict[str, list[_Told]]:
    found: dict[str, list[_Told]] = defaultdict(list)
    for chunk in _chunks(sorted(values)):
        rows = await conn.execute(
            sa.select(
                entries.c[name],
                entries.c.id,
                entries.c.story_id,
                entries.c.source_id,
                entries.c.language,
                entries.c.title,
            )
            .where(
                entries.c[name].in_(chunk),
                entries.c.first_seen_at > now - STORY_WINDOW,
                entries.c.id.not_in(new_ids),
            )
            .order_by(entries.c.id)
        )
        for value, entry_id, story_id, source_id, language, title in rows:
            found[value].append(_Told(entry_id, story_id or entry_id, source_id, language, title))
    return found


async def _link_stories(
    conn: AsyncConnection, source_id: int, new: Sequence[tuple[int, EntryRecord]], *, now: datetime
) -> dict[int, int]:
    """Give each new entry the story of an earlier entry that is the same article; returns entry id -> story id.

    Earlier means stored before (within STORY_WINDOW) or earlier in this poll. The same article means the same
    normalised address (`url_key`), unless the source itself says they are two items (`_same_item_of_source`).
    A shared title or text is likeness, not identity: such an entry starts a story of its own, and the likeness is
    logged and recorded (`similar_to`) for /why. Every merge is logged and recorded with its reason.
    """
    if conn.dialect.name == "postgresql":
        # Two sources polled at once store one article in two transactions; taken in turn, the second sees the
        # first's entry and joins its story instead of starting a second one (SQLite serialises writers anyway).
        await conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _STORY_LOCK})
    new_ids = [entry_id for entry_id, _ in new]
    known: dict[str, dict[str, list[_Told]]] = {}
    for name in _STORY_KEYS:
        wanted = {value for _, record in new if (value := getattr(record, name))}
        known[name] = await _earlier(conn, name, wanted, new_ids, now) if wanted else defaultdict(list)
    linked: dict[int, int] = {}
    for entry_id, record in new:
        same = known["url_key"][record.url_key] if record.url_key else []
        identical = [told for told in same if _same_item_of_source(told, source_id, record)]
        values: dict[str, object] = {}
        if identical:
            story = min(told.story for told in identical)
            linked[entry_id] = story
            values = {"story_id": story, "story_reason": "url"}
            logger.info("stories.merged", extra={"entry": entry_id, "story": story, "reason": "url"})
        else:
            story = entry_id
            likeness = [("url", told) for told in same]  # another item of the same source with the same link
            likeness += [("title", told) for told in known["title_key"][record.title_key or ""]]
            likeness += [("text", told) for told in known["fingerprint"][record.fingerprint or ""]]
            if likeness:
                reason, told = likeness[0]
                values = {"similar_to": told.story, "similar_reason": reason}
                logger.info(
                    "stories.kept_apart",
                    extra={"entry": entry_id, "like": told.id, "story": told.story, "likeness": reason},
                )
        if values:
            await conn.execute(sa.update(entries).where(entries.c.id == entry_id).values(**values))
        told = _Told(entry_id, story, source_id, record.entry.language, record.entry.title)
        for name in _STORY_KEYS:
            if value := getattr(record, name):
                known[name][value].append(told)
    return linked


def _entry_values(record: EntryRecord) -> dict[str, object]:
    entry = record.entry
    return {
        "key_hash": record.key_hash,
        "url": entry.url,
        "title": entry.title,
        "summary_html": entry.summary_html,
        "search_text": record.search_text,
        "image_url": entry.image_url,
        "published_at": entry.published_at,
        "language": entry.language,
        "document_url": entry.document_url,
        "content_hash": record.content_hash,
        "is_alliance": record.is_alliance,
        "alliance_reason": record.alliance_reason[:256] if record.alliance_reason else None,
        "url_key": record.url_key,
        "title_key": record.title_key,
        "fingerprint": record.fingerprint,
    }
