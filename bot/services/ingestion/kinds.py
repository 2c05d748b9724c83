"""The kinds of news source: a new kind is a parser and one entry here; nothing downstream knows the kind."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.services.ingestion.parsing import parse_govkz, parse_rss, rss_feed_title
from domain.entries import Entry

Parser = Callable[..., list[Entry]]  # (body, *, content_type, url, language, now) -> entries
TitleReader = Callable[..., str | None]  # (body, *, content_type, url) -> the document's own name


def no_title(body: bytes, *, content_type: str, url: str) -> str | None:
    """A kind whose documents carry no name of their own (gov.kz's JSON)."""
    return None


@dataclass(frozen=True, slots=True)
class SourceKind:
    """How sources of one kind are fetched and read."""

    name: str
    accept: str  # the Accept header of a poll
    parse: Parser
    alert_on_refusal: bool = False  # a 401/403 means the site changed its rules: the admins hear at once
    title: TitleReader = no_title

    def read(self, body: bytes, *, content_type: str, url: str, language: str, now: datetime) -> list[Entry]:
        """The entries of one fetched document."""
        return self.parse(body, content_type=content_type, url=url, language=language, now=now)

    def read_title(self, body: bytes, *, content_type: str, url: str) -> str | None:
        """The name the document gives itself (a feed's title), None when it gives none."""
        return self.title(body, content_type=content_type, url=url)


RSS_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
SOURCE_KINDS: dict[str, SourceKind] = {
    kind.name: kind
    for kind in (
        SourceKind("rss", RSS_ACCEPT, parse_rss, title=rss_feed_title),  # RSS and Atom, through feedparser
        SourceKind("govkz", "application/json", parse_govkz, alert_on_refusal=True),  # gov.kz's JSON news API
    )
}
KINDS = tuple(SOURCE_KINDS)
