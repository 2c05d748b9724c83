"""StoredEntry to JSON and back, so digest items survive until their digest is rendered."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.entries import Entry, StoredEntry


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def dump_entry(stored: StoredEntry) -> dict[str, Any]:
    """A JSON-ready dict of the entry."""
    e = stored.entry
    return {
        "id": stored.id,
        "source_id": stored.source_id,
        "source_title": stored.source_title,
        "first_seen_at": _time(stored.first_seen_at),
        "is_alliance": stored.is_alliance,
        "alliance_reason": stored.alliance_reason,
        "story_id": stored.story_id,
        "entry": {
            "key": e.key,
            "url": e.url,
            "title": e.title,
            "summary_html": e.summary_html,
            "image_url": e.image_url,
            "published_at": _time(e.published_at),
            "language": e.language,
            "document_url": e.document_url,
        },
    }


def load_entry(data: dict[str, Any]) -> StoredEntry:
    """The entry from `dump_entry`'s dict."""
    e = data["entry"]
    published = e.get("published_at")
    return StoredEntry(
        id=data["id"],
        source_id=data["source_id"],
        source_title=data["source_title"],
        first_seen_at=datetime.fromisoformat(data["first_seen_at"]),
        is_alliance=data["is_alliance"],
        alliance_reason=data.get("alliance_reason"),
        story_id=data.get("story_id"),
        entry=Entry(
            key=e["key"],
            url=e.get("url"),
            title=e["title"],
            summary_html=e["summary_html"],
            image_url=e.get("image_url"),
            published_at=datetime.fromisoformat(published) if published else None,
            language=e["language"],
            document_url=e.get("document_url"),
        ),
    )
