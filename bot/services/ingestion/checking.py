"""Checking a feed before it becomes a source: fetched with the headers its polls will send, and parsed.

One check for every door: `/sources add` and OPML import (from Telegram and from the shell) call it, so a 404,
a page that is not a feed or a refused address is reported before anything is saved.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import LANGUAGES, Settings
from bot.services.ingestion.fetching import Fetcher, FetchError, FetchLimits, FetchRequest, request_headers
from bot.services.ingestion.kinds import SOURCE_KINDS
from bot.services.ingestion.parsing import ParseError, parse_feed_document
from domain.clock import utcnow
from domain.sources import NewSource

# Languages feeds name in <language> or xml:lang that mean one of ours ("kz" is a common misspelling of kk).
_LANGUAGE_ALIASES = {"kz": "kk"}


class FeedCheckError(Exception):
    """The feed cannot become a source; the text is one line (`kind: reason`)."""


@dataclass(frozen=True, slots=True)
class FeedCheck:
    """What a feed offers now: how many entries, and the language it names itself (one of ours), if any."""

    entries: int
    language: str | None
    title: str | None = None  # the feed's own name, when it has one


def fetch_limits(settings: Settings) -> FetchLimits:
    """The limits of a poll, from the settings."""
    return FetchLimits(
        timeout_seconds=settings.feed_timeout_seconds,
        max_bytes=settings.feed_max_bytes,
        allow_private=settings.allow_private_sources,
    )


def feed_language(body: bytes, *, content_type: str, url: str) -> str | None:
    """The language an RSS or Atom feed names (`<language>`, `xml:lang`), when it is one the bot serves."""
    named = str(parse_feed_document(body, content_type=content_type, url=url).get("feed", {}).get("language") or "")
    code = named.strip().lower().replace("_", "-").split("-", 1)[0]
    code = _LANGUAGE_ALIASES.get(code, code)
    return code if code in LANGUAGES else None


async def check_feed(described: NewSource, settings: Settings, fetcher: Fetcher | None = None) -> FeedCheck:
    """Fetch and parse the source as its polls will (with `fetcher`, the poller's; without, a client of its own for
    this one check); FeedCheckError with `kind: reason` when it fails."""
    kind = SOURCE_KINDS[described.kind]
    own = None
    if fetcher is None:
        from bot.services.ingestion.http import HttpFetcher  # aiohttp: only what fetches imports it

        fetcher = own = HttpFetcher(fetch_limits(settings))
    try:
        try:
            headers = request_headers(kind.accept, described.language, described.extra_headers)
            response = await fetcher.get(FetchRequest(described.url, headers))
        finally:
            if own is not None:
                await own.close()
        args = {"content_type": response.content_type, "url": response.url}
        entries = kind.read(response.body, language=described.language, now=utcnow(), **args)
        # gov.kz serves the language asked for (Accept-Language); only a feed's document names its own.
        language = feed_language(response.body, **args) if described.kind == "rss" else None
        title = kind.read_title(response.body, **args)
    except (FetchError, ParseError) as error:
        raise FeedCheckError(f"{error.kind}: {error}") from None
    return FeedCheck(len(entries), language, title)
