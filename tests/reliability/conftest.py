"""Fixtures for the reliability tests: the feed tests' local site and poller harness (the database is shared)."""

from __future__ import annotations

from tests.feeds.conftest import harness, site

__all__ = ["harness", "site"]
