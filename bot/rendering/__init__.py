"""Rendering: a stored entry (or a digest of entries) into Telegram messages, valid HTML within limits."""

from bot.rendering.cut import CAPTION_LIMIT, MESSAGE_LIMIT, split_html, truncate_html
from bot.rendering.entry import render_digest, render_entry, render_entry_off_loop
from bot.rendering.markup import strip_tags
from bot.rendering.message import RenderedMessage

__all__ = [
    "CAPTION_LIMIT",
    "MESSAGE_LIMIT",
    "RenderedMessage",
    "render_digest",
    "render_entry",
    "render_entry_off_loop",
    "split_html",
    "strip_tags",
    "truncate_html",
]
