"""Rendering: a stored entry (or a digest of entries) into Telegram messages, valid HTML within limits.

The names below are imported on first use (PEP 562): `bot.rendering.markup` alone, say, does not load the
translations and the sanitizer that `render_entry` needs, so the shell's commands that render nothing skip them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.rendering.cut import CAPTION_LIMIT, MESSAGE_LIMIT, split_html, truncate_html
    from bot.rendering.entry import render_digest, render_entry, render_entry_off_loop
    from bot.rendering.markup import strip_tags
    from bot.rendering.message import RenderedMessage

_WHERE = {
    "CAPTION_LIMIT": "cut",
    "MESSAGE_LIMIT": "cut",
    "split_html": "cut",
    "truncate_html": "cut",
    "render_digest": "entry",
    "render_entry": "entry",
    "render_entry_off_loop": "entry",
    "strip_tags": "markup",
    "RenderedMessage": "message",
}

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


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    globals()[name] = value
    return value
