"""Entry and digest rendering. Minimal first version: escaped title, date, source and link."""

from __future__ import annotations

import html
from collections.abc import Sequence

from bot.feeds.entry import StoredEntry
from bot.rendering.message import RenderedMessage


def render_entry(stored: StoredEntry, language: str) -> RenderedMessage:
    """One message for an entry in the recipient's interface language."""
    entry = stored.entry
    text = f"<b>{html.escape(entry.title)}</b>\n{stored.published:%d.%m.%Y} · {html.escape(stored.source_title)}"
    return RenderedMessage(text=text, button_text="→", button_url=entry.url)


def render_digest(entries: Sequence[StoredEntry], language: str, period: str) -> list[RenderedMessage]:
    """Messages for a digest of entries (`period` is "day" or "week"), newest first."""
    lines = [
        f'• <a href="{html.escape(e.entry.url or "")}">{html.escape(e.entry.title)}</a>'
        for e in sorted(entries, key=lambda e: e.published, reverse=True)
    ]
    return [RenderedMessage(text="\n".join(lines))] if lines else []
