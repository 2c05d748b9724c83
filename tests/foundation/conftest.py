"""Fixtures for the foundation tests: the feed tests' local site (a real poll feeds the metrics)."""

from __future__ import annotations

from tests.feeds.conftest import site

__all__ = ["site"]
