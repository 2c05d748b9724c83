"""Fixtures for the local Telegram's own tests: the feed tests' local site serves the images it fetches."""

from __future__ import annotations

from tests.feeds.conftest import site

__all__ = ["site"]
