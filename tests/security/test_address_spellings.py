"""Every spelling of a non-public address is refused when a source is added or imported, not only when polled.

Resolvers (and so aiohttp) read `0x7f.1`, `2130706433` and `017700000001` as 127.0.0.1, and an IPv6 address can
carry an IPv4 one (IPv4-mapped, 6to4, NAT64); the check at `/sources add`, `feeds add` and OPML import reads
them the same way. Public addresses in the same spellings stay allowed.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.config import Settings
from bot.services.ingestion.http import FetchError, FetchLimits, create_http_session, fetch
from bot.services.ingestion.opml import import_opml
from bot.services.ingestion.sources import new_source
from storage import Database
from storage.sources import SourceRepository

SETTINGS = Settings(_env_file=None, default_sources=False)
NON_PUBLIC = [
    ipaddress.IPv4Network(net)
    for net in ("127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "0.0.0.0/8")
]
PUBLIC = [ipaddress.IPv4Network(net) for net in ("8.8.8.0/24", "93.184.216.0/24", "1.1.1.0/24")]


def addresses(networks: list[ipaddress.IPv4Network]) -> st.SearchStrategy[ipaddress.IPv4Address]:
    return st.sampled_from(networks).flatmap(
        lambda net: st.integers(0, net.num_addresses - 1).map(lambda i: net.network_address + i)
    )


def _part(value: int, style: str) -> str:
    return {"dec": str(value), "hex": hex(value), "oct": f"0{value:o}"}[style]


@st.composite
def spellings(draw: st.DrawFn, networks: list[ipaddress.IPv4Network]) -> str:
    """A URL host for an IPv4 address, in one of the forms inet_aton or IPv6 allow."""
    ip = draw(addresses(networks))
    value, octets = int(ip), list(ip.packed)
    form = draw(st.sampled_from(["dotted", "one", "two", "three", "mapped", "6to4", "nat64"]))
    style = st.sampled_from(["dec", "hex", "oct"])
    if form == "dotted":
        return ".".join(_part(octet, draw(style)) for octet in octets)
    if form == "one":
        return _part(value, draw(style))
    if form == "two":  # a.bcd: the last part fills 24 bits
        return f"{_part(octets[0], draw(style))}.{_part(value & 0xFFFFFF, draw(style))}"
    if form == "three":  # a.b.cd: the last part fills 16 bits
        return f"{_part(octets[0], draw(style))}.{_part(octets[1], draw(style))}.{_part(value & 0xFFFF, draw(style))}"
    if form == "mapped":
        return f"[::ffff:{ip}]"
    high, low = value >> 16, value & 0xFFFF
    if form == "6to4":
        return f"[2002:{high:x}:{low:x}::{draw(st.integers(1, 0xFFFF)):x}]"
    return f"[64:ff9b::{high:x}:{low:x}]"


@given(host=spellings(NON_PUBLIC), port=st.sampled_from(["", ":8080", ":80"]))
def test_a_non_public_address_in_any_spelling_is_refused_when_added(host: str, port: str) -> None:
    with pytest.raises(ValueError, match="ALLOW_PRIVATE_SOURCES=true"):
        new_source(f"http://{host}{port}/feed", kind="rss", language="ru", settings=SETTINGS)


@given(host=spellings(PUBLIC))
def test_a_public_address_in_any_spelling_stays_allowed(host: str) -> None:
    new_source(f"http://{host}/feed", kind="rss", language="ru", settings=SETTINGS)


@pytest.mark.parametrize("host", ["0x7f.1", "2130706433", "017700000001", "127.1", "[2002:7f00:1::1]"])
async def test_the_poll_refuses_them_too(host: str) -> None:
    async with create_http_session(FetchLimits(timeout_seconds=2.0)) as session:
        with pytest.raises(FetchError) as caught:
            await fetch(session, f"http://{host}/feed", limits=FetchLimits(timeout_seconds=2.0))
    assert caught.value.kind == "forbidden_address"


async def test_an_opml_import_refuses_them_without_fetching(tmp_path: Path) -> None:
    hosts = ["0x7f.1", "2130706433", "017700000001", "[2002:c0a8:101::1]", "[64:ff9b::a9fe:a9fe]"]
    outlines = "".join(f'<outline text="x" xmlUrl="http://{host}/feed"/>' for host in hosts)
    data = f'<?xml version="1.0"?><opml version="2.0"><body>{outlines}</body></opml>'.encode()
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/t.sqlite3")
    await db.migrate()
    try:
        report = await import_opml(SourceRepository(db), data, SETTINGS)
        assert report.added == []
        assert [url for url, _reason in report.refused] == [f"http://{host}/feed" for host in hosts]
        assert all("ALLOW_PRIVATE_SOURCES=true" in reason for _url, reason in report.refused)
        assert await SourceRepository(db).list_all() == []
    finally:
        await db.close()
