"""Sources from Telegram: a new source is fetched and parsed before it is saved; pause, resume, remove, poll."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.config import Settings
from bot.feeds.checking import FeedCheckError, check_feed
from bot.feeds.opml import ImportReport, dump_opml, import_opml
from bot.feeds.poller import FeedPoller, PollOutcome
from bot.feeds.sources import check_interval, new_source, parse_header_lines
from domain.sources import Source
from storage.sources import SourceExistsError, SourceRepository

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

    def __init__(self, repository: SourceRepository, poller: FeedPoller, settings: Settings) -> None:
        self._repository = repository
        self._poller = poller
        self._settings = settings

    async def list(self) -> list[Source]:
        """Every configured source (removed ones excluded), with its health."""
        return [source for source in await self._repository.list_all() if not source.removed]

    async def page(self, page: int, *, size: int = SOURCES_PER_PAGE) -> SourcePage:
        """The sources of one page (a page past the end shows the last one)."""
        sources = await self.list()
        pages = max(1, -(-len(sources) // size))
        page = min(max(page, 0), pages - 1)
        return SourcePage(sources[page * size : (page + 1) * size], page, pages)

    async def get(self, source_id: int) -> Source | None:
        """A configured source, or None."""
        source = await self._repository.get(source_id)
        return source if source is not None and not source.removed else None

    async def add(
        self, url: str, *, kind: str = "rss", language: str | None = None, header_lines: Sequence[str] = ()
    ) -> tuple[Source, int]:
        """Fetch and parse the URL (with the headers its polls will send: `Name: value` lines), then save it;
        returns the source and how many entries it offers now."""
        try:
            described = new_source(
                url,
                kind=kind,
                language=language or self._settings.default_language,
                settings=self._settings,
                headers=parse_header_lines(header_lines),
            )
        except ValueError as error:
            raise SourceCheckError(str(error)) from None
        try:
            checked = await check_feed(described, self._settings)
        except FeedCheckError as error:
            raise SourceCheckError(str(error)) from None
        try:
            source = await self._repository.add(described)
        except SourceExistsError:
            raise SourceCheckError(f"{described.url} ({described.language}) is already a source") from None
        return source, checked.entries

    async def set_enabled(self, source_id: int, enabled: bool) -> None:
        """Pause or resume polling of a source."""
        await self._repository.set_enabled(source_id, enabled)

    async def remove(self, source_id: int) -> None:
        """Stop polling a source for good; its stored entries stay."""
        await self._repository.remove(source_id)

    async def set_interval(self, source_id: int, seconds: int) -> None:
        """Poll a source every `seconds`; SourceCheckError when out of bounds."""
        try:
            await self._repository.set_interval(source_id, check_interval(seconds))
        except ValueError as error:
            raise SourceCheckError(str(error)) from None

    async def set_headers(self, source_id: int, lines: Sequence[str]) -> dict[str, str]:
        """Replace a source's extra headers with `Name: value` lines (none: clear them); returns what was set."""
        try:
            headers = parse_header_lines(lines)
        except ValueError as error:
            raise SourceCheckError(str(error)) from None
        await self._repository.set_headers(source_id, headers)
        return headers

    async def import_opml(self, data: bytes) -> ImportReport:
        """Add the feeds of an OPML file that are not sources yet, each fetched and parsed first as `add` does."""
        return await import_opml(self._repository, data, self._settings)

    async def export_opml(self) -> bytes:
        """Every configured source as an OPML file."""
        return dump_opml(await self.list(), title="Alliance news bot sources")

    async def poll(self, source_id: int) -> PollOutcome:
        """Poll a source now, due or not."""
        (outcome,) = await self._poller.poll_now([source_id])
        return outcome
