"""News sources as data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple


@dataclass(frozen=True, slots=True)
class Source:
    """A news source: where to fetch, how to read it, and how healthy it is."""

    id: int
    url: str
    kind: str  # rss or govkz
    language: str
    title: str
    interval_seconds: int
    enabled: bool
    removed: bool
    etag: str | None
    last_modified: str | None
    next_check_at: datetime
    last_checked_at: datetime | None
    last_success_at: datetime | None
    consecutive_failures: int
    last_outcome: str | None
    last_error: str | None
    created_at: datetime
    polling_until: datetime | None
    updated_at: datetime
    extra_headers: dict[str, str] | None = None  # sent with every request to it (a User-Agent a WAF wants)
    body_hash: str | None = None  # of the last body parsed: an unchanged body is not parsed again


class PollTarget(NamedTuple):
    """What one poll needs of a source, as its lease returns it: where and how to fetch, and the state the poll
    compares with (validators, body hash, failures in a row, last outcome). A named tuple: a round's lease builds
    one per source from its row, five times cheaper than a frozen dataclass."""

    id: int
    url: str
    kind: str
    language: str
    title: str
    interval_seconds: int
    etag: str | None
    last_modified: str | None
    body_hash: str | None
    consecutive_failures: int
    last_outcome: str | None
    extra_headers: dict[str, str] | None


@dataclass(frozen=True, slots=True)
class NewSource:
    """What is needed to add a source."""

    url: str
    kind: str
    language: str
    title: str
    interval_seconds: int
    extra_headers: dict[str, str] | None = None


@dataclass(frozen=True, slots=True)
class SourceTrouble:
    """What the admins must hear about a source: it was disabled after `failures` failures in a row, or the site
    refused it (`status` 401/403) for the first time. The Telegram adapter turns it into an alert with buttons."""

    source_id: int
    name: str  # "#id title (url, language)"
    disabled: bool
    failures: int
    error: str
    status: int | None = None
    threshold: int = 0
