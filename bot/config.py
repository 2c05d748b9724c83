"""Settings from the environment and `.env`; names are the operator interface (DESIGN.md)."""

from __future__ import annotations

import re
import string
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from domain.languages import LANGUAGES, Language

__all__ = ["LANGUAGES", "Language", "Settings"]
CHANNEL_USERNAME = re.compile(r"@[A-Za-z][A-Za-z0-9_]{3,31}")  # Telegram's public usernames
CHANNEL_ID = re.compile(r"-?\d{1,16}")

# What core.telegram.org/bots/api#setwebhook allows, "Ports currently supported for webhooks: 443, 80, 88, 8443"
# and a secret_token of "1-256 characters. Only characters A-Z, a-z, 0-9, _ and - are allowed."
WEBHOOK_PORTS = frozenset({443, 80, 88, 8443})
WEBHOOK_SECRET_CHARS = frozenset(string.ascii_letters + string.digits + "_-")
WEBHOOK_SECRET_MAX = 256


class Settings(BaseSettings):
    """Everything the operator can set. Unknown variables are ignored."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True)

    bot_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    database_url: str = "sqlite+aiosqlite:///data/bot.sqlite3"
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    admin_chat_id: int | None = None
    default_language: Language = "ru"
    timezone: str = "Asia/Almaty"
    poll_interval_seconds: int = Field(default=300, ge=10)
    default_sources: bool = True
    feed_timeout_seconds: float = Field(default=20, gt=0, le=300)
    feed_max_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    feed_failure_threshold: int = Field(default=10, ge=1)
    feed_history_size: int = Field(default=1000, ge=50)
    allow_private_sources: bool = False
    outbox_retention_days: int = Field(default=30, ge=1)
    audit_retention_days: int = Field(default=365, ge=1)
    send_rate_per_second: float = Field(default=25, gt=0, le=1000)
    paid_broadcast: bool = False
    # Alliance announcements as one rich message (sendRichMessage, Bot API 10.1); the split HTML messages
    # whenever Telegram refuses one (docs/RENDERING.md)
    rich_messages: bool = True
    send_concurrency: int | None = Field(default=None, ge=1, le=1000)
    send_retry_base_seconds: float = Field(default=2.0, gt=0, le=60)
    send_retry_cap_seconds: float = Field(default=600.0, gt=0, le=3600)
    send_idle_poll_seconds: float = Field(default=5.0, gt=0, le=60)
    question_rate_per_second: float = Field(default=2.0, gt=0, le=100)
    question_burst: int = Field(default=3, ge=1, le=100)
    official_channel_id: int | None = None
    # Official channels per language, "ru=@chan_ru,kk=-100123,en=@chan_en": a @username or a numeric chat id each.
    official_channels: Annotated[dict[Language, str], NoDecode] = Field(default_factory=dict)
    moderation: bool = False
    # 2: a broadcast to everyone goes only when a second admin approves it within the hours below.
    broadcast_approvals: int = Field(default=1, ge=1, le=2)
    broadcast_approval_hours: float = Field(default=24, gt=0, le=24 * 30)
    webhook_url: str = ""
    webhook_secret: SecretStr | None = None
    webhook_host: str = "0.0.0.0"  # noqa: S104 - a webhook server listens on all interfaces by design
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    health_port: int | None = Field(default=None, ge=1, le=65535)
    health_host: str = "127.0.0.1"
    lease_seconds: float = Field(default=30, ge=3, le=600)
    watchdog_stall_seconds: float = Field(default=600, ge=1)
    backup_dir: Path = Path("data/backups")
    backup_keep: int = Field(default=7, ge=1)
    backup_interval_hours: int = Field(default=24, ge=0, le=24 * 31)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = "text"
    playground_port: int = Field(default=8090, ge=0, le=65535)
    playground_telegram_port: int = Field(default=0, ge=0, le=65535)
    playground_admin_id: int = Field(default=1000, ge=1)

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _parse_admin_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.replace(";", ",").split(",")]
            try:
                return frozenset(int(part) for part in parts if part)
            except ValueError:
                raise ValueError("ADMIN_IDS must be comma-separated numeric Telegram user ids") from None
        if isinstance(value, int):
            return frozenset({value})
        return value

    @field_validator("official_channels", mode="before")
    @classmethod
    def _parse_official_channels(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        channels: dict[str, str] = {}
        for part in value.replace(";", ",").split(","):
            if not part.strip():
                continue
            language, equals, target = (piece.strip() for piece in part.partition("="))
            if not equals or language not in LANGUAGES:
                raise ValueError(f"OFFICIAL_CHANNELS: {part.strip()!r} is not language=channel (ru, kk or en)")
            if language in channels:
                raise ValueError(f"OFFICIAL_CHANNELS names two channels for {language}")
            if not (CHANNEL_USERNAME.fullmatch(target) or CHANNEL_ID.fullmatch(target)):
                raise ValueError(f"OFFICIAL_CHANNELS: {target!r} is neither @username nor a numeric chat id")
            channels[language] = target
        return channels

    @field_validator("send_concurrency", "official_channel_id", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        value = value.strip()
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r}: use an IANA name such as Asia/Almaty or Europe/Berlin"
            ) from None
        return value

    @field_validator("telegram_api_url", "webhook_url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if value and not value.startswith(("http://", "https://")):
            raise ValueError(f"must start with http:// or https://, got {value!r}")
        return value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if not self.webhook_url:
            return self
        secret = self.webhook_secret.get_secret_value() if self.webhook_secret else ""
        if not secret:
            raise ValueError("WEBHOOK_SECRET is required when WEBHOOK_URL is set (letters, digits, _ and -)")
        # What Telegram's setWebhook refuses (core.telegram.org/bots/api#setwebhook) fails here, at start, with a
        # clear line instead of a Bad Request from the first call.
        if len(secret) > WEBHOOK_SECRET_MAX or not set(secret) <= WEBHOOK_SECRET_CHARS:
            raise ValueError("WEBHOOK_SECRET takes at most 256 letters, digits, _ and - (Telegram refuses others)")
        url = urlsplit(self.webhook_url)
        if url.scheme != "https" or (url.port or 443) not in WEBHOOK_PORTS:
            raise ValueError("WEBHOOK_URL must be https:// on port 443, 80, 88 or 8443 (Telegram's webhook ports)")
        return self

    @cached_property
    def token(self) -> str | None:
        """The bot token as plain text, or None when unset or blank."""
        if self.bot_token is None:
            return None
        return self.bot_token.get_secret_value().strip() or None

    def official_targets(self) -> dict[str, str]:
        """The official channel of each language: OFFICIAL_CHANNELS, and OFFICIAL_CHANNEL_ID (the older setting)
        for the default language when OFFICIAL_CHANNELS names none for it."""
        targets: dict[str, str] = {str(language): target for language, target in self.official_channels.items()}
        if self.official_channel_id is not None:
            targets.setdefault(self.default_language, str(self.official_channel_id))
        return targets

    def is_admin(self, user_id: int | None) -> bool:
        """True when the Telegram user id is listed in ADMIN_IDS."""
        return user_id is not None and user_id in self.admin_ids
