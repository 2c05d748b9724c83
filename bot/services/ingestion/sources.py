"""The sources the bot starts with, and how a new source is checked before it is stored."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

from bot.config import LANGUAGES, Settings
from bot.services.ingestion.fetching import RESERVED_HEADERS, check_url, forbidden_host_reason
from bot.services.ingestion.kinds import KINDS
from domain.sources import NewSource, Source
from storage.sources import SourceRepository

logger = logging.getLogger(__name__)

CENTER_FEED_URL = "https://igtipc.org/feed/"
# facts.md: the ministry's news as gov.kz's own front end reads it; the language goes in Accept-Language.
GOVKZ_NEWS_URL = (
    "https://www.gov.kz/api/v1/public/content-manager/news?sort-by=created_date:DESC&projects=eq:ecogeo&page=1&size=20"
)
MIN_INTERVAL_SECONDS = 10  # as POLL_INTERVAL_SECONDS
MAX_INTERVAL_SECONDS = 7 * 24 * 3600
MAX_HEADERS = 20
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}")  # an HTTP token (RFC 9110)
_HEADER_VALUE = re.compile(r"[\t\x20-\x7e\x80-\xff]{0,1024}")  # visible text, no line breaks
_GOVKZ_TITLES = {
    "ru": "МЭПР РК (gov.kz)",
    "kk": "ҚР ЭТРМ (gov.kz)",
    "en": "Ministry of Ecology (gov.kz)",
}


def default_sources(settings: Settings) -> list[NewSource]:
    """The Center's WordPress feed and the ministry's gov.kz news in ru, kk and en."""
    interval = settings.poll_interval_seconds
    center = NewSource(CENTER_FEED_URL, "rss", "ru", "МЦЗТИП (igtipc.org)", interval)
    ministry = [NewSource(GOVKZ_NEWS_URL, "govkz", lang, _GOVKZ_TITLES[lang], interval) for lang in LANGUAGES]
    return [center, *ministry]


async def seed_default_sources(repository: SourceRepository, settings: Settings) -> list[Source]:
    """Add the default sources on first run; idempotent, and a removed default never comes back."""
    added = await repository.seed(default_sources(settings))
    for source in added:
        logger.info("feeds.seeded", extra={"source": source.id, "url": source.url, "language": source.language})
    return added


def check_interval(seconds: int) -> int:
    """A per-source poll interval, or ValueError with the bounds."""
    if not MIN_INTERVAL_SECONDS <= seconds <= MAX_INTERVAL_SECONDS:
        raise ValueError(
            f"the poll interval must be {MIN_INTERVAL_SECONDS} to {MAX_INTERVAL_SECONDS} seconds, got {seconds}"
        )
    return seconds


def check_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Extra request headers for a source (a User-Agent or cookie a WAF wants), or ValueError saying which is wrong.

    Headers the fetcher sets itself (compression, conditional GET, Host and framing) cannot be replaced.
    """
    if len(headers) > MAX_HEADERS:
        raise ValueError(f"at most {MAX_HEADERS} extra headers")
    checked = {}
    for name, value in headers.items():
        if not _HEADER_NAME.fullmatch(name):
            raise ValueError(f"{name!r} is not a valid header name")
        if name.lower() in RESERVED_HEADERS:
            raise ValueError(f"the {name} header is set by the bot itself and cannot be replaced")
        if not _HEADER_VALUE.fullmatch(value):
            raise ValueError(f"the value of {name} must be one line of at most 1024 characters")
        checked[name] = value.strip()
    return checked


def parse_header_lines(lines: Iterable[str]) -> dict[str, str]:
    """`Name: value` lines (blank ones skipped) as headers; ValueError for a line without a colon."""
    headers = {}
    for line in lines:
        if not line.strip():
            continue
        name, colon, value = line.partition(":")
        if not colon:
            raise ValueError(f"{line.strip()!r} is not a header: write Name: value")
        headers[name.strip()] = value.strip()
    return check_headers(headers)


def new_source(
    url: str,
    *,
    kind: str,
    language: str,
    settings: Settings,
    title: str | None = None,
    interval_seconds: int | None = None,
    headers: Mapping[str, str] | None = None,
) -> NewSource:
    """A source described from operator input; ValueError with a one-line reason when the input is wrong."""
    url = check_url(url)
    if not settings.allow_private_sources:
        reason = forbidden_host_reason(urlsplit(url).hostname or "")
        if reason is not None:
            raise ValueError(reason)
    if kind not in KINDS:
        raise ValueError(f"unknown source kind {kind!r}: use one of {', '.join(KINDS)}")
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}: use one of {', '.join(LANGUAGES)}")
    interval = check_interval(interval_seconds) if interval_seconds is not None else settings.poll_interval_seconds
    host = urlsplit(url).hostname or url
    return NewSource(url, kind, language, title or host, interval, check_headers(headers or {}) or None)
