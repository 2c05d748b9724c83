"""/sources from Telegram: OPML out and in as documents, extra headers on the add check, per-source interval."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from bot.config import Settings
from bot.runtime.bootstrap import build_core
from bot.services.ingestion.opml import parse_opml
from domain.audit import SHELL
from domain.clock import utcnow
from local_telegram import BotAPIStub
from storage.schema import sources
from storage.sources import SourceRepository
from tests.admin.conftest import admin
from tests.conftest import RunningBot
from tests.support.feeds import FeedSite, Item, StaticFetcher, rss


async def test_add_with_header_lines_checks_the_feed_with_them_and_polls_keep_them(
    stub: BotAPIStub, app: RunningBot, site: FeedSite
) -> None:
    url = site.serve("/waf", rss([Item(title="Hello", link="http://x/1", guid="1")]))
    boss = admin(stub)
    boss.send(f"/sources add {url} rss en\nUser-Agent: Mozilla/5.0 (X11)\nCookie: waf=ok")
    assert (await boss.reply()).text.startswith("Checking")
    added = await boss.reply()
    assert added.text.startswith("Added source #1")
    assert "extra headers: Cookie, User-Agent" in added.text
    assert "waf=ok" not in added.text  # values may be secrets
    check = site.hits("/waf")[-1]
    assert check.headers["User-Agent"] == "Mozilla/5.0 (X11)"
    assert check.headers["Cookie"] == "waf=ok"
    assert check.headers["Accept-Language"] == "en"  # the check sends what a poll sends

    listing = await boss.ask("/sources")
    boss.press(listing, "🔄 #1")
    polled = (await boss.reply()).text  # read, or not changed when the bot's own tick polled it first
    assert polled.startswith("Source #1 polled: ") and "failed" not in polled, polled
    assert site.hits("/waf")[-1].headers["Cookie"] == "waf=ok"

    boss.send("/sources headers 1\nAccept-Encoding: br")
    assert (await boss.reply()).text.startswith("Nothing changed: the Accept-Encoding header is set by the bot")
    assert (await boss.ask("/sources headers 1")).text == "Extra headers of source #1: —"
    assert "extra headers: —" in (await boss.ask("/sources")).text


async def test_interval_is_set_per_source_within_bounds(stub: BotAPIStub, app: RunningBot, site: FeedSite) -> None:
    url = site.serve("/feed", rss([Item(title="Hello", link="http://x/1", guid="1")]))
    boss = admin(stub)
    await boss.ask(f"/sources add {url}")
    await boss.reply()
    assert (await boss.ask("/sources interval 1 5")).text.startswith(
        "Nothing changed: the poll interval must be 10 to 604800 seconds, got 5"
    )
    set_to = await boss.ask("/sources interval 1 900")
    assert re.fullmatch(r"Source #1 is polled every 900 s; next poll: .+ \(Almaty, UTC\+5\)\.", set_to.text)
    assert "every 900 s" in (await boss.ask("/sources")).text
    assert (await boss.ask("/sources interval 99 900")).text.startswith("Usage:")
    assert (await boss.ask("/sources interval 1 soon")).text.startswith("Usage:")


async def test_a_shorter_interval_brings_the_planned_poll_forward(
    stub: BotAPIStub, app: RunningBot, site: FeedSite
) -> None:
    """The walk: a source stayed two hours ahead after its interval was set to 20 s; now the next poll moves."""
    url = site.serve("/feed", rss([Item(title="Hello", link="http://x/1", guid="1")]))
    boss = admin(stub)
    await boss.ask(f"/sources add {url}")
    await boss.reply()
    repository = SourceRepository(app.services.db)
    await boss.ask("/sources interval 1 7200")
    async with app.services.db.begin() as conn:  # polled just now: the next poll is two hours ahead
        await conn.execute(sa.update(sources).values(next_check_at=utcnow() + timedelta(hours=2)))
    before = utcnow()
    await boss.ask("/sources interval 1 20")
    source = await repository.get(1)
    assert source is not None
    assert source.interval_seconds == 20
    assert source.next_check_at <= before + timedelta(seconds=31)  # within one and a half new intervals
    # The poller's own view: the source is due then (the watchdog's query of due sources finds it).
    assert await app.services.stats.oldest_overdue_source(before + timedelta(seconds=31)) is not None
    # A longer interval never postpones a poll already planned.
    await boss.ask("/sources interval 1 86400")
    later = await repository.get(1)
    assert later is not None
    assert later.next_check_at == source.next_check_at


async def test_export_sends_opml_and_a_readers_file_imports_by_document(
    stub: BotAPIStub, app: RunningBot, site: FeedSite
) -> None:
    url = site.serve("/feed", rss([Item(title="Hello", link="http://x/1", guid="1")]))
    boss = admin(stub)
    await boss.ask(f"/sources add {url} kk")
    await boss.reply()
    boss.send("/sources export")
    exported = await boss.reply()
    assert exported.kind == "document"
    assert exported.upload is not None
    assert exported.upload.filename == "sources.opml"
    assert exported.text.startswith("1 source as OPML.")
    assert [(o.url, o.language, o.kind) for o in parse_opml(exported.upload.content)] == [(url, "kk", "rss")]

    green = site.serve("/green", rss([Item(title="Green", guid="g1")]))
    reader_file = (
        '<?xml version="1.0"?><opml version="1.0"><head/><body><outline text="Tech">'
        f'<outline type="rss" text="Again" xmlUrl="{url}" language="kk"/>'
        f'<outline type="rss" text="New one" xmlUrl="{green}" language="en"/>'
        f'<outline type="rss" text="Gone" xmlUrl="{site.url("/gone")}" language="en"/>'
        '<outline type="rss" text="Broken" xmlUrl="gopher://x"/>'
        "</outline></body></opml>"
    )
    assert (await boss.ask("/sources import")).text.startswith("Send an OPML file")
    boss.send_media("document", file_name="reader.opml", content=reader_file.encode())
    report = await boss.reply()
    assert report.text.startswith("OPML imported: 1 added, 1 already there, 2 refused.")
    assert "gopher://x: only http:// and https:// URLs can be fetched" in report.text
    assert f"{site.url('/gone')}: http_404: HTTP 404 Not Found" in report.text  # fetched first, as /sources add
    assert green in (await boss.ask("/sources")).text


async def test_a_hostile_or_broken_opml_document_imports_nothing(stub: BotAPIStub, app: RunningBot) -> None:
    boss = admin(stub)
    bomb = '<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaa">]><opml><body>&a;</body></opml>'
    await boss.ask("/sources import")
    boss.send_media("document", file_name="bomb.opml", content=bomb.encode())
    assert (await boss.reply()).text == (
        "Nothing was imported: refused: the file declares a DTD or entities (DTDForbidden)"
    )
    await boss.ask("/sources import")
    boss.send_media("document", file_name="page.html", content=b"<html><body/></html>")
    assert (await boss.reply()).text == "Nothing was imported: not an OPML file: no <opml> element with a <body>"
    assert (await boss.ask("/sources import")).text.startswith("Send an OPML file")
    assert (await boss.ask("/stats")).text == "Cancelled."  # a command leaves the dialog
    assert (await boss.ask("/sources")).text.startswith("No sources are configured")


async def test_a_source_is_checked_and_polled_through_the_http_client_the_graph_was_given(settings: Settings) -> None:
    # `build_core(settings, http=...)` (and `bootstrap`): the check before adding and every poll fetch through it.
    fetcher = StaticFetcher()
    url = fetcher.serve("/feed", rss([Item(title="Hello", link="http://x/1", guid="1")]))
    core = build_core(settings, http=fetcher)
    await core.start()
    try:
        source, entries = await core.source_admin.add(url, actor=SHELL, language="en")
        outcome = await core.source_admin.poll(source.id, actor=SHELL)
    finally:
        await core.close()
    assert (entries, outcome.outcome, outcome.new) == (1, "ok", 1)
    assert [(requested, headers["Accept-Language"]) for requested, headers in fetcher.requests] == [(url, "en")] * 2
