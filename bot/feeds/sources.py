"""The sources the bot starts with, and how a new source is checked before it is stored."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from bot.config import LANGUAGES, Settings
from bot.feeds.http import check_url, forbidden_host_reason
from bot.feeds.kinds import KINDS
from storage.sources import NewSource, Source, SourceRepository

logger = logging.getLogger(__name__)

CENTER_FEED_URL = "https://igtipc.org/feed/"
# facts.md: the ministry's news as gov.kz's own front end reads it; the language goes in Accept-Language.
GOVKZ_NEWS_URL = (
    "https://www.gov.kz/api/v1/public/content-manager/news?sort-by=created_date:DESC&projects=eq:ecogeo&page=1&size=20"
)
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


def new_source(url: str, *, kind: str, language: str, settings: Settings, title: str | None = None) -> NewSource:
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
    host = urlsplit(url).hostname or url
    return NewSource(url, kind, language, title or host, settings.poll_interval_seconds)
