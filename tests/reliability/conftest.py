"""Fixtures for the reliability tests: the feed tests' local site, database and poller harness."""

from __future__ import annotations

from tests.feeds.conftest import db, harness, site

__all__ = ["db", "harness", "site"]
