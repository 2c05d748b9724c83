"""Fixtures for the reliability tests: the feed tests' poller harness (the database is shared)."""

from __future__ import annotations

from tests.feeds.conftest import harness

__all__ = ["harness"]
