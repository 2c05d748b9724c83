"""Fixtures for the rendering tests: the feed tests' local site serves the images Telegram fetches."""

from __future__ import annotations

from tests.feeds.conftest import site

__all__ = ["site"]
