"""Webhook settings Telegram's setWebhook would refuse fail at start (core.telegram.org/bots/api#setwebhook)."""

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from bot.config import Settings

TOKEN_CHARS = string.ascii_letters + string.digits + "_-"


def _settings(url: str, secret: str) -> Settings:
    return Settings(_env_file=None, webhook_url=url, webhook_secret=secret)


@given(st.text(max_size=300).filter(bool))
def test_a_secret_telegram_refuses_is_refused_at_start(secret: str) -> None:
    if len(secret) <= 256 and set(secret) <= set(TOKEN_CHARS):
        assert _settings("https://bot.example.org", secret).webhook_url == "https://bot.example.org"
    else:
        with pytest.raises(ValidationError, match="WEBHOOK_SECRET takes at most 256 letters"):
            _settings("https://bot.example.org", secret)


@given(st.integers(min_value=1, max_value=65535))
def test_a_webhook_port_telegram_refuses_is_refused_at_start(port: int) -> None:
    url = f"https://bot.example.org:{port}"
    if port in (443, 80, 88, 8443):
        assert _settings(url, "s3cret").webhook_url == url
    else:
        with pytest.raises(ValidationError, match="WEBHOOK_URL must be https://"):
            _settings(url, "s3cret")


def test_a_plain_http_webhook_is_refused_at_start() -> None:
    with pytest.raises(ValidationError, match="WEBHOOK_URL must be https://"):
        _settings("http://bot.example.org", "s3cret")
