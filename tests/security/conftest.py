"""Fixtures for the security tests: the feed tests' local site."""

from __future__ import annotations

from tests.feeds.conftest import site

__all__ = ["site"]
