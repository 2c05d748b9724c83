"""What the admins are told: a text id and its arguments, rendered in each admin chat's language by the Telegram
adapter (bot/telegram/alerts.py). Plain data, so the services and the process raise alerts without Telegram."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class AlertButton:
    """A button under an alert: its label's text id (and arguments) and its packed callback data."""

    label: str
    callback_data: str
    args: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Alert:
    """What to tell the admins: a text id and its arguments, rendered in each admin chat's language.

    The text is plain (arguments are escaped on the way out). `key` is what the rate limit counts: the
    same key alerts at most once per interval; by default the text id and its arguments.
    """

    text: str
    args: Mapping[str, object] = field(default_factory=dict)
    key: str | None = None
    buttons: tuple[AlertButton, ...] = ()

    @property
    def rate_key(self) -> str:
        return self.key or f"{self.text}:{sorted(self.args.items())!r}"
