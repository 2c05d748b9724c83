"""Rendering: a stored entry (or a digest of entries) into Telegram messages, valid HTML within limits."""

from bot.rendering.entry import render_digest, render_entry
from bot.rendering.message import RenderedMessage

__all__ = ["RenderedMessage", "render_digest", "render_entry"]
