"""Bad input from sources: none crashes the poller or blocks other sources; each leaves a log line and health."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import logging
from collections.abc import Awaitable, Callable

import pytest
from aiohttp import web

from bot.services.ingestion.scheduling import next_check
from tests.feeds.conftest import Harness
from tests.support.feeds import FeedSite, Item, items, rss

GZIP_BOMB = gzip.compress(b"\0" * (20 * 1024 * 1024), compresslevel=9)  # 20 MB of zeros in ~20 KB


async def _slow(request: web.Request) -> web.StreamResponse:
    await asyncio.sleep(5)
    return web.Response(text="too late")


async def _endless_redirect(request: web.Request) -> web.StreamResponse:
    step = int(request.query.get("n", "0")) + 1
    raise web.HTTPFound(f"/loop?n={step}")


async def _fifty_megabytes(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
    await response.prepare(request)
    chunk = b"<!-- " + b"x" * (1024 * 1024) + b" -->"
    try:
        for _ in range(50):
            await response.write(chunk)
    except (ConnectionResetError, ConnectionError):
        pass
    return response


async def _fifty_megabytes_declared(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "application/rss+xml", "Content-Length": str(50 * 2**20)})
    await response.prepare(request)
    with contextlib.suppress(ConnectionResetError, ConnectionError):
        await response.write(b"<rss>")
    return response


async def _gzip_bomb(request: web.Request) -> web.StreamResponse:
    return web.Response(body=GZIP_BOMB, headers={"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"})


def _status(code: int) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def handler(request: web.Request) -> web.StreamResponse:
        return web.Response(status=code, text=f"status {code}")

    return handler


def _unused_port_url() -> str:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/feed"


TRUNCATED = rss(items(3))[:-60]
HTML_PAGE = "<!doctype html><html><head><title>Home</title></head><body><p>Welcome</p></body></html>"


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("404", "http_404"),
        ("500", "http_500"),
        ("timeout", "timeout"),
        ("refused", "connection"),
        ("endless_redirect", "too_many_redirects"),
        ("50mb", "too_large"),
        ("50mb_declared", "too_large"),
        ("gzip_bomb", "too_large"),
        ("html", "not_a_feed"),
        ("truncated", "truncated"),
        ("ftp_redirect", "bad_url"),
        ("broken_gzip", "bad_encoding"),
    ],
)
async def test_a_bad_source_fails_cleanly_and_does_not_block_a_good_one(
    site: FeedSite, harness: Harness, caplog: pytest.LogCaptureFixture, case: str, expected: str
):
    urls = {
        "404": site.url("/missing"),
        "500": site.handle("/error", _status(500)),
        "timeout": site.handle("/slow", _slow),
        "refused": _unused_port_url(),
        "endless_redirect": site.handle("/loop", _endless_redirect),
        "50mb": site.handle("/huge", _fifty_megabytes),
        "50mb_declared": site.handle("/huge-declared", _fifty_megabytes_declared),
        "gzip_bomb": site.handle("/bomb", _gzip_bomb),
        "html": site.serve("/page", HTML_PAGE, content_type="text/html; charset=utf-8"),
        "truncated": site.serve("/cut", TRUNCATED),
        "ftp_redirect": site.serve("/to-ftp", "", status=301, headers={"Location": "ftp://127.0.0.1/feed"}),
        "broken_gzip": site.serve("/broken", b"not gzip at all", headers={"Content-Encoding": "gzip"}),
    }
    bad = await harness.add(urls[case])
    good = await harness.add(site.serve("/good", rss(items(2))))

    with caplog.at_level(logging.INFO, logger="bot.services.ingestion"):
        outcomes = await harness.poller.poll_due()

    by_source = {outcome.source_id: outcome for outcome in outcomes}
    assert by_source[bad.id].outcome == expected
    assert (by_source[good.id].outcome, by_source[good.id].new) == ("ok", 2)
    health = await harness.source(bad)
    assert (health.consecutive_failures, health.last_outcome, health.enabled) == (1, expected, True)
    assert health.last_checked_at is not None
    assert health.next_check_at > health.last_checked_at  # backed off
    lines = [r for r in caplog.records if r.getMessage() == "feeds.poll" and getattr(r, "source", None) == bad.id]
    assert [getattr(r, "outcome", None) for r in lines] == [expected]
    assert lines[0].levelno == logging.WARNING


async def test_failures_back_off_exponentially_then_disable_with_an_alert_and_recovery_resets(
    site: FeedSite, harness: Harness
):
    url = site.handle("/flaky", _status(500))
    source = await harness.add(url, interval=60)
    delays = []
    for _ in range(2):
        await harness.poll(source)
        health = await harness.source(source)
        assert health.last_checked_at is not None
        delays.append((health.next_check_at - health.last_checked_at).total_seconds())
    assert delays == [120, 240]
    assert harness.alerts == []

    site.serve("/ok", rss(items(1)))
    site.handlers["/flaky"] = _status(503)
    third = await harness.poll(source)
    assert third.disabled
    health = await harness.source(source)
    assert (health.enabled, health.consecutive_failures) == (False, 3)
    [alert] = harness.alerts
    assert "disabled after 3 failed polls" in alert
    assert url in alert
    assert await harness.poller.poll_due() == []  # a disabled source is never due

    async def recovered(request: web.Request) -> web.StreamResponse:
        return web.Response(body=rss(items(1)).encode(), content_type="application/rss+xml")

    site.handlers["/flaky"] = recovered
    await harness.poller.sources.set_enabled(source.id, True)
    outcome = await harness.poll(source)
    health = await harness.source(source)
    assert (outcome.outcome, health.consecutive_failures, health.enabled) == ("ok", 0, True)
    assert health.last_checked_at is not None
    assert health.next_check_at == next_check(health.last_checked_at, 60, source.id)  # back on its schedule


async def test_a_handoff_that_raises_does_not_fail_the_poll(site: FeedSite, harness: Harness):
    async def broken(_entries):
        raise RuntimeError("delivery is down")

    harness.delivery = broken
    source = await harness.add(site.serve("/feed", rss([Item(title="A", guid="a")])))
    outcome = await harness.poll(source)
    assert (outcome.outcome, outcome.new) == ("ok", 1)
    assert (await harness.source(source)).consecutive_failures == 0
