"""The normalized entry every source yields; nothing downstream knows the source kind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Entry:
    """One news item as a source published it."""

    key: str  # stable id within its source: guid, else link, else title + date
    url: str | None  # absolute http(s) link to the item's page
    title: str  # plain text, entities decoded once
    summary_html: str  # the item's summary or body as the source gave it (HTML)
    image_url: str | None  # absolute http(s) URL of the lead image
    published_at: datetime | None  # timezone-aware; None when the source gives no date
    language: str  # ru, kk or en
    # The official document the item encloses (a PDF: RSS <enclosure>, Atom <link rel="enclosure">), absolute http(s).
    document_url: str | None = None
    # What parsing dropped and why (a link Telegram would refuse, ...): logged with the poll, never sent.
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StoredEntry:
    """An entry as stored, with what ingestion learned about it; what delivery and answers read."""

    id: int
    source_id: int
    source_title: str
    entry: Entry
    first_seen_at: datetime
    is_alliance: bool
    alliance_reason: str | None  # e.g. "keywords: альянс + низкоуглерод" or "organization: ACCA21"
    story_id: int | None = None  # the first entry of the same story (another source, guid or language)

    @property
    def story(self) -> int:
        """The story this entry tells: its own id unless an earlier entry told it first."""
        return self.story_id if self.story_id is not None else self.id

    @property
    def published(self) -> datetime:
        """The feed's date, else the time the bot first saw the item."""
        return self.entry.published_at or self.first_seen_at
