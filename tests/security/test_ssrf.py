"""No server-side request forgery: sources on loopback, private, link-local or other non-public addresses are refused.

Checked on the URL as typed (`feeds add`), on every request and redirect hop (IP literals), and on the addresses
DNS returns, which are the ones aiohttp connects to.
"""

from __future__ import annotations

import socket
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult

from bot.cli.main import main
from bot.services.ingestion import http as feeds_http
from bot.services.ingestion.http import FetchError, FetchLimits, address_problem, create_http_session, fetch
from tests.support.feeds import FeedSite, items, rss, served_in_thread

DEFAULT = FetchLimits(timeout_seconds=2.0)  # ALLOW_PRIVATE_SOURCES unset


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("fc00::1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1%eth0", "link-local"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("100.64.0.1", "non-public"),
        ("8.8.8.8", None),
        ("2a00:1450:4001:80b::200e", None),
    ],
)
def test_address_classification(address, problem):
    assert address_problem(address) == problem


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/feed",
        "http://10.0.0.7/feed",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:{port}/feed",
        "http://localhost:{port}/feed",
        "http://0.0.0.0:{port}/feed",
    ],
)
async def test_fetch_refuses_non_public_hosts_by_default(site: FeedSite, url: str):
    site.serve("/feed", rss(items(1)))
    target = url.format(port=site.server.port)
    async with create_http_session(DEFAULT) as session:
        with pytest.raises(FetchError) as caught:
            await fetch(session, target, limits=DEFAULT)
    assert caught.value.kind == "forbidden_address"
    assert "ALLOW_PRIVATE_SOURCES=true" in str(caught.value)
    assert site.requests == []  # nothing reached the server


async def test_the_setting_allows_them(site: FeedSite):
    url = site.serve("/feed", rss(items(1)))
    limits = FetchLimits(timeout_seconds=2.0, allow_private=True)
    async with create_http_session(limits) as session:
        result = await fetch(session, url, limits=limits)
    assert result.status == 200


class _MapTo(AbstractResolver):
    """A stand-in for DNS: every name resolves to one fixed address."""

    def __init__(self, address: str = "127.0.0.1") -> None:
        self.address = address

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        return [
            ResolveResult(
                hostname=host, host=self.address, port=port, family=socket.AF_INET, proto=0, flags=socket.AI_NUMERICHOST
            )
        ]

    async def close(self) -> None:
        return None


async def test_a_name_resolving_to_loopback_is_refused_after_resolution(site: FeedSite, monkeypatch):
    """DNS rebinding: a harmless-looking name whose A record is 127.0.0.1."""
    site.serve("/feed", rss(items(1)))
    monkeypatch.setattr(feeds_http, "DefaultResolver", _MapTo)
    async with create_http_session(DEFAULT) as session:
        with pytest.raises(FetchError) as caught:
            await fetch(session, f"http://news.example:{site.server.port}/feed", limits=DEFAULT)
    assert caught.value.kind == "forbidden_address"
    assert "news.example resolves to 127.0.0.1, a loopback address" in str(caught.value)
    assert site.requests == []


@pytest.mark.parametrize("target", ["http://127.0.0.1:{port}/feed", "http://localhost:{port}/feed", "http://10.9.8.7/"])
async def test_a_redirect_to_a_private_address_is_refused(site: FeedSite, target: str):
    """The first hop is a (pretend) public host; it redirects inward."""
    site.serve("/feed", rss(items(1)))
    location = target.format(port=site.server.port)

    async def redirect(_request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(location)

    site.handle("/go", redirect)
    # A session whose DNS maps the public-looking name to the local server, without the public-only check,
    # stands in for a real public site that answers with a redirect.
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(resolver=_MapTo())) as session:
        with pytest.raises(FetchError) as caught:
            await fetch(session, f"http://public.example:{site.server.port}/go", limits=DEFAULT)
    assert caught.value.kind == "forbidden_address"
    assert location in str(caught.value)
    assert [request.path for request in site.requests] == ["/go"]


@pytest.fixture
def cli_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path}/cli.sqlite3"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("DEFAULT_SOURCES", "false")
    monkeypatch.delenv("ALLOW_PRIVATE_SOURCES", raising=False)
    return url


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:8080/feed", "127.0.0.1 is a loopback address"),
        ("http://10.0.0.1/rss", "10.0.0.1 is a private address"),
        ("http://169.254.169.254/latest", "169.254.169.254 is a link-local address"),
        ("http://[::1]/feed", "::1 is a loopback address"),
        ("http://localhost/feed", "localhost is a loopback host"),
    ],
)
def test_feeds_add_refuses_private_addresses(cli_database, capsys, url, reason):
    code = main(["feeds", "add", url])
    err = capsys.readouterr().err
    assert code != 0
    assert err.strip().splitlines() == [
        f"error: bad source URL {url!r}: {reason}; set ALLOW_PRIVATE_SOURCES=true to allow it"
    ]


def test_feeds_add_accepts_them_when_allowed(cli_database, capsys, monkeypatch):
    monkeypatch.setenv("ALLOW_PRIVATE_SOURCES", "true")
    with served_in_thread(rss(items(1))) as url:  # `feeds add` fetches the feed before it stores it
        assert main(["feeds", "add", url]) == 0
    assert "added" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
        ("http://192.168.0.1/admin", "192.168.0.1 is a private address"),
        ("http://localhost:8080/feed", "localhost is a loopback host"),
    ],
)
async def test_an_admins_add_source_refuses_private_addresses(tmp_path: Path, url: str, reason: str):
    """The admin console's "add source" goes through the same check before anything is fetched."""
    from bot.config import Settings
    from bot.services.admin.sources import SourceAdmin, SourceCheckError
    from bot.services.ingestion.poller import FeedPoller
    from domain.audit import SHELL
    from storage import Database
    from storage.sources import SourceRepository
    from tests.support.audit import AuditRecords

    db = Database(f"sqlite+aiosqlite:///{tmp_path}/t.sqlite3")
    await db.migrate()
    try:
        settings = Settings(_env_file=None, default_sources=False)
        admin = SourceAdmin(SourceRepository(db), FeedPoller(db), settings, AuditRecords())
        with pytest.raises(SourceCheckError) as caught:
            await admin.add(url, actor=SHELL)
        assert str(caught.value) == f"{reason}; set ALLOW_PRIVATE_SOURCES=true to allow it"
        assert await SourceRepository(db).list_all() == []
    finally:
        await db.close()
