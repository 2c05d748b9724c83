"""The kinds of news source: a new kind is a parser and one entry here; nothing downstream knows the kind."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.services.ingestion.parsing import parse_govkz, parse_rss
from domain.entries import Entry

Parser = Callable[..., list[Entry]]  # (body, *, content_type, url, language, now) -> entries


@dataclass(frozen=True, slots=True)
class SourceKind:
    """How sources of one kind are fetched and read."""

    name: str
    accept: str  # the Accept header of a poll
    parse: Parser
    alert_on_refusal: bool = False  # a 401/403 means the site changed its rules: the admins hear at once

    def read(self, body: bytes, *, content_type: str, url: str, language: str, now: datetime) -> list[Entry]:
        """The entries of one fetched document."""
        return self.parse(body, content_type=content_type, url=url, language=language, now=now)


RSS_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
SOURCE_KINDS: dict[str, SourceKind] = {
    kind.name: kind
    for kind in (
        SourceKind("rss", RSS_ACCEPT, parse_rss),  # RSS and Atom, through feedparser
        SourceKind("govkz", "application/json", parse_govkz, alert_on_refusal=True),  # gov.kz's JSON news API
    )
}
KINDS = tuple(SOURCE_KINDS)
