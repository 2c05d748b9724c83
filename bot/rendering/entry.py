"""Entry and digest rendering: one message per entry and language, reused for every recipient."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from bot.i18n import localizer
from bot.rendering.cut import CAPTION_LIMIT, ELLIPSIS, MESSAGE_LIMIT, truncate_tokens
from bot.rendering.dates import format_day, format_week, local_day
from bot.rendering.markup import Close, Open, Token, link_tag, parse_telegram_html, serialize, visible_text
from bot.rendering.message import RenderedMessage
from bot.rendering.rich import rich_entry
from bot.rendering.sanitize import sanitize
from bot.rendering.utf16 import utf16_fit, utf16_len
from domain.entries import StoredEntry
from domain.localtime import KAZAKHSTAN
from domain.urls import telegram_url

PERIODS = ("day", "week")
# Entries with more HTML than this render in a worker thread: even linear work on a large body should not
# hold up the handlers answering users on the event loop.
OFF_LOOP_CHARS = 16_384
# A digest line shows a title, not an article: a longer one is cut so that any item fits in a message.
DIGEST_TITLE_LIMIT = 300
_BOLD, _END_BOLD = Open("b", "<b>"), Close("b")
_ITALIC, _END_ITALIC = Open("i", "<i>"), Close("i")


def _plain(text: str) -> str:
    """A title or a name on one line: whitespace collapsed."""
    return " ".join(text.split())


def _is_web_url(url: str | None) -> bool:
    # Checked at parse time already; again here for entries stored before that check existed.
    return telegram_url(url) is not None


def entry_tokens(stored: StoredEntry, language: str, zone: str = KAZAKHSTAN, *, fallback: bool = False) -> list[Token]:
    """The whole entry as tokens: bold title, date (on the reader's clock) and source, then the cleaned summary.

    A `fallback` (the story exists in none of the reader's news languages) opens with a line saying so ("only in
    Russian").
    """
    entry = stored.entry
    tokens: list[Token] = []
    if fallback:
        tokens += [_ITALIC, localizer(language)(f"rendering-only-in-{entry.language}"), _END_ITALIC, "\n"]
    title = _plain(entry.title)
    if title:
        tokens += [_BOLD, title, _END_BOLD, "\n"]
    meta = format_day(local_day(stored.published, zone), language)
    source = _plain(stored.source_title)
    tokens.append(f"{meta} · {source}" if source else meta)
    body, complete = sanitize(
        entry.summary_html, base_url=entry.url if _is_web_url(entry.url) else None, budget=MESSAGE_LIMIT
    )
    if body:
        tokens.append("\n\n")
        tokens += body
        if not complete:
            tokens.append(ELLIPSIS)  # the source was too large to read whole: say that text is missing
    return tokens


def render_entry(
    stored: StoredEntry,
    language: str,
    zone: str = KAZAKHSTAN,
    *,
    fallback: bool = False,
    versions: Mapping[str, str] | None = None,
) -> RenderedMessage:
    """One message for an entry in the recipient's interface language, dated on the recipient's clock (`zone`).

    With an image the message is a photo whose caption is cut to 1024 UTF-16 units; `text` (at most 4096 units)
    is the fallback when the photo cannot be sent. An alliance entry also carries its rich message, with the
    entry's official document and a "Read in ..." button for each of the story's other `versions` (language ->
    address); the split message links the document with a second button.
    """
    entry = stored.entry
    say = localizer(language)
    tokens = entry_tokens(stored, language, zone, fallback=fallback)
    text = truncate_tokens(tokens, MESSAGE_LIMIT)
    photo_url = entry.image_url if _is_web_url(entry.image_url) else None
    caption = truncate_tokens(tokens, CAPTION_LIMIT) if photo_url else None
    has_link = _is_web_url(entry.url)
    document = entry.document_url if _is_web_url(entry.document_url) else None
    rich = None
    if stored.is_alliance:
        rich = rich_entry(stored, language, zone, fallback=fallback, document_url=document, versions=versions)
    return RenderedMessage(
        text=text,
        photo_url=photo_url,
        caption=caption,
        button_text=say("rendering-read-more") if has_link else None,
        button_url=entry.url if has_link else None,
        document_text=say("rendering-document") if document else None,
        document_url=document,
        rich=rich,
    )


async def render_entry_off_loop(
    stored: StoredEntry,
    language: str,
    zone: str = KAZAKHSTAN,
    *,
    fallback: bool = False,
    versions: Mapping[str, str] | None = None,
) -> RenderedMessage:
    """`render_entry`, in a thread when the entry is large."""
    if len(stored.entry.summary_html) < OFF_LOOP_CHARS:
        return render_entry(stored, language, zone, fallback=fallback, versions=versions)
    return await asyncio.to_thread(render_entry, stored, language, zone, fallback=fallback, versions=versions)


def _digest_item(stored: StoredEntry) -> list[Token]:
    """One digest line: "• linked title — source"."""
    title = _plain(stored.entry.title) or (stored.entry.url or "")
    if utf16_len(title) > DIGEST_TITLE_LIMIT:
        title = title[: utf16_fit(title, DIGEST_TITLE_LIMIT - 1)].rstrip() + ELLIPSIS
    link = link_tag(stored.entry.url) if stored.entry.url and _is_web_url(stored.entry.url) else None
    tokens: list[Token] = ["• "]
    tokens += [link, title, Close("a")] if link else [title]
    source = _plain(stored.source_title)
    if source:
        tokens.append(f" — {source}")
    return tokens


def _group_label(day: date, period: str, language: str) -> str:
    return format_day(day, language) if period == "day" else format_week(day, language)


def render_digest(
    entries: Sequence[StoredEntry], language: str, period: str, zone: str = KAZAKHSTAN
) -> list[RenderedMessage]:
    """Messages for a digest of entries (`period` is "day" or "week"), newest first.

    Entries are grouped by day or by week (Monday to Sunday), each group under its date; the first message opens
    with a heading and the count. Messages stay within 4096 UTF-16 units and an item is never split between two.
    """
    if period not in PERIODS:
        raise ValueError(f"period must be one of {PERIODS}, got {period!r}")
    if not entries:
        return []
    ordered = sorted(entries, key=lambda e: e.published, reverse=True)
    heading = parse_telegram_html(localizer(language)(f"rendering-digest-{period}", count=len(ordered)))

    messages: list[list[Token]] = [list(heading)]
    length = utf16_len(visible_text(heading))  # of the last message
    current_group: date | None = None
    for stored in ordered:
        day = local_day(stored.published, zone)
        group = day - timedelta(days=day.weekday()) if period == "week" else day
        label: list[Token] = [_ITALIC, _group_label(group, period, language), _END_ITALIC]
        item = _digest_item(stored)
        block: list[Token] = (["\n\n", *label, "\n"] if group != current_group else ["\n"]) + item
        added = utf16_len(visible_text(block))
        if length + added > MESSAGE_LIMIT:
            messages.append([*label, "\n", *item])  # a group cut by a new message repeats its date
            length = utf16_len(visible_text(messages[-1]))
        else:
            messages[-1] += block
            length += added
        current_group = group
    return [RenderedMessage(text=serialize(tokens)) for tokens in messages]
