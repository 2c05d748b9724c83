"""Sources, for both doors (/sources in Telegram, `python -m bot feeds` in the shell): a new source is fetched and
parsed before it is saved; pause, resume, remove, poll, interval, headers, OPML. Every change is audited here,
with the actor and the door, so the shell's actions are in the audit log as the admins' are."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from bot.config import Settings
from bot.services.ingestion.checking import FeedCheckError, check_feed
from bot.services.ingestion.opml import ImportReport, dump_opml, import_opml
from bot.services.ingestion.poller import FeedPoller, PollOutcome
from bot.services.ingestion.scheduling import next_check
from bot.services.ingestion.sources import check_interval, new_source, parse_header_lines
from domain.audit import Actor, AuditTrail, record
from domain.clock import utcnow
from domain.sources import Source
from storage.sources import SourceExistsError, SourceRepository

logger = logging.getLogger(__name__)
# Telegram refuses a keyboard of more than 100 buttons; a page of sources is 3 buttons each plus navigation.
SOURCES_PER_PAGE = 10


@dataclass(frozen=True, slots=True)
class SourcePage:
    """One page of the source list."""

    sources: list[Source]
    page: int  # from 0
    pages: int


class SourceCheckError(Exception):
    """The URL cannot become a source; the text is one line for the admin."""


class SourceAdmin:
    """What /sources does; the poller polls on demand."""

    def __init__(self, repository: SourceRepository, poller: FeedPoller, settings: Settings, audit: AuditTrail) -> None:
        self._repository = repository
        self._poller = poller
        self._settings = settings
        self._audit = audit

    async def configured(self) -> list[Source]:
        """Every configured source (removed ones excluded), with its health."""
        return [source for source in await self._repository.list_all() if not source.removed]

    async def page(self, page: int, *, size: int = SOURCES_PER_PAGE) -> SourcePage:
        """The sources of one page (a page past the end shows the last one)."""
        sources = await self.configured()
        pages = max(1, -(-len(sources) // size))
        page = min(max(page, 0), pages - 1)
        return SourcePage(sources[page * size : (page + 1) * size], page, pages)

    async def get(self, source_id: int) -> Source | None:
        """A configured source, or None."""
        source = await self._repository.get(source_id)
        return source if source is not None and not source.removed else None

    async def find(self, id_or_url: str) -> list[Source]:
        """The configured sources with this id, or at this URL (one per language); SourceCheckError when none."""
        found = [source for source in await self._repository.find(id_or_url) if not source.removed]
        if not found:
            raise SourceCheckError(f"no source with id or URL {id_or_url!r}")
        return found

    async def add(
        self,
        url: str,
        *,
        actor: Actor,
        kind: str = "rss",
        language: str | None = None,
        header_lines: Sequence[str] = (),
        interval_seconds: int | None = None,
    ) -> tuple[Source, int]:
        """Fetch and parse the URL (with the headers its polls will send: `Name: value` lines), then save it;
        returns the source and how many entries it offers now."""
        try:
            described = new_source(
                url,
                kind=kind,
                language=language or self._settings.default_language,
                settings=self._settings,
                interval_seconds=interval_seconds,
                headers=parse_header_lines(header_lines),
            )
        except ValueError as error:
            raise SourceCheckError(str(error)) from None
        try:
            checked = await check_feed(described, self._settings, self._poller.fetcher)
        except FeedCheckError as error:
            raise SourceCheckError(str(error)) from None
        # Named as the feed names itself; the host ("127.0.0.1", "www.gov.kz") stays only for a feed without a name.
        if checked.title:
            described = replace(described, title=checked.title)
        try:
            source = await self._repository.add(described)
        except SourceExistsError:
            raise SourceCheckError(f"{described.url} ({described.language}) is already a source") from None
        await record(self._audit, actor, "source.add", source=source.id, url=source.url, language=source.language)
        return source, checked.entries

    async def set_enabled(self, source_id: int, enabled: bool, *, actor: Actor) -> None:
        """Pause or resume polling of a source (resuming polls it at once, with its failures forgotten)."""
        await self._repository.set_enabled(source_id, enabled)
        await record(self._audit, actor, "source.resume" if enabled else "source.pause", source=source_id)

    async def remove(self, source_id: int, *, actor: Actor) -> None:
        """Stop polling a source for good; its stored entries stay."""
        await self._repository.remove(source_id)
        await record(self._audit, actor, "source.remove", source=source_id)

    async def set_interval(self, source_id: int, seconds: int, *, actor: Actor) -> datetime | None:
        """Poll a source every `seconds`, the next poll at most one new interval away (a poll planned under a
        longer interval is brought forward); returns the next poll. SourceCheckError when out of bounds."""
        try:
            seconds = check_interval(seconds)
        except ValueError as error:
            raise SourceCheckError(str(error)) from None
        poll_by = next_check(utcnow(), seconds, source_id)
        next_poll = await self._repository.set_interval(source_id, seconds, poll_by=poll_by)
        logger.info("feeds.interval", extra={"source": source_id, "seconds": seconds, "next_check_at": next_poll})
        await record(self._audit, actor, "source.interval", source=source_id, seconds=seconds)
        return next_poll

    async def set_headers(self, source_id: int, lines: Sequence[str], *, actor: Actor) -> dict[str, str]:
        """Replace a source's extra headers with `Name: value` lines (none: clear them); returns what was set."""
        try:
            headers = parse_header_lines(lines)
        except ValueError as error:
            raise SourceCheckError(str(error)) from None
        await self._repository.set_headers(source_id, headers)
        # names only: values may be secrets (an API key in a header)
        await record(self._audit, actor, "source.headers", source=source_id, names=sorted(headers))
        return headers

    async def import_opml(self, data: bytes, *, actor: Actor) -> ImportReport:
        """Add the feeds of an OPML file that are not sources yet, each fetched and parsed first as `add` does."""
        report = await import_opml(self._repository, data, self._settings, self._poller.fetcher)
        await record(self._audit, actor, "source.import", added=len(report.added), refused=len(report.refused))
        return report

    async def export_opml(self, *, actor: Actor) -> tuple[bytes, int]:
        """Every configured source as an OPML file, and how many it lists."""
        sources = await self.configured()
        await record(self._audit, actor, "source.export", sources=len(sources))
        return dump_opml(sources, title="Alliance news bot sources"), len(sources)

    async def poll(self, source_id: int, *, actor: Actor) -> PollOutcome:
        """Poll a source now, due or not; what it brings is classified, moderated and queued as any poll's."""
        (outcome,) = await self._poller.poll_now([source_id])
        await record(self._audit, actor, "source.poll", source=source_id, outcome=outcome.outcome)
        return outcome

    async def poll_all(self, *, actor: Actor) -> list[PollOutcome]:
        """Poll every enabled source now."""
        outcomes = await self._poller.poll_now([source.id for source in await self.configured() if source.enabled])
        await record(self._audit, actor, "source.poll", sources=len(outcomes))
        return outcomes
