"""What the renderer produces and the sender sends: one message, text or photo with caption."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class RenderedMessage:
    """A message ready for Telegram in HTML parse mode, reused for every recipient.

    `text` is at most 4096 UTF-16 units after entity parsing. With `photo_url`, the message goes as a
    photo whose caption is `caption` (at most 1024 units); `text` is the fallback if the photo fails.
    """

    text: str
    photo_url: str | None = None
    caption: str | None = None
    button_text: str | None = None  # an inline button to the article
    button_url: str | None = None
    document_text: str | None = None  # a second button, to the official document (a PDF)
    document_url: str | None = None
    # The whole article as one rich message (an InputRichMessage dict, bot/rendering/rich.py), for alliance
    # announcements; None when it is not one or does not fit. The fields above stay its fallback.
    rich: dict[str, Any] | None = None
