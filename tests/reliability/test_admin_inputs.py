"""Admin inputs that must not go unanswered or flood the admin: a knowledge-base file nested too deeply,
one with thousands of errors, and a source checked with the headers its polls will send."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from domain.audit import SHELL
from domain.sources import NewSource
from local_telegram import BotAPIStub
from tests.admin.conftest import admin
from tests.conftest import RunningBot
from tests.support.feeds import FeedSite, Item, rss


async def test_a_deeply_nested_knowledge_base_file_gets_an_answer(stub: BotAPIStub, app: RunningBot) -> None:
    boss = admin(stub)
    await boss.ask("/kb import")
    boss.send_media("document", file_name="kb.yaml", content=("organizations: " + "[" * 3000 + "]" * 3000).encode())
    report = await boss.reply()
    assert report.text.startswith("Nothing was changed: 1 error in the file.")
    assert "nested too deeply" in report.text


async def test_thousands_of_errors_are_summarised_in_one_message(stub: BotAPIStub, app: RunningBot) -> None:
    boss = admin(stub)
    await boss.ask("/kb import")
    rows = "".join(f"  - {{code: X{n}, in_alliance: maybe}}\n" for n in range(3000))
    boss.send_media("document", file_name="kb.yaml", content=f"version: 1\ncountries:\n{rows}".encode())
    report = await boss.reply()
    errors = report.text.count("• ")
    assert errors == 20
    assert "more problems" in report.text.splitlines()[-1]
    await boss.ask("/help")  # the next reply is /help's: the summary was one message
    assert len([m for m in boss.messages() if m.text.startswith("Nothing was changed")]) == 1


@pytest.fixture
async def picky_site() -> AsyncIterator[FeedSite]:
    """A site that serves its feed only to a client that asks for a feed (as some CDNs do)."""
    site = FeedSite()

    async def feed(request: web.Request) -> web.Response:
        if "rss" not in request.headers.get("Accept", ""):
            return web.Response(status=406, text="Not Acceptable")
        return web.Response(text=rss([Item(title="Picky", link="https://site.kz/p", guid="p")]),
                            content_type="application/rss+xml")  # fmt: skip

    await site.server.start_server()
    site.handle("/feed/", feed)
    yield site
    await site.server.close()


async def test_a_new_source_is_checked_with_the_headers_of_its_polls(picky_site: FeedSite, app: RunningBot) -> None:
    source, offered = await app.services.source_admin.add(picky_site.url("/feed/"), actor=SHELL, language="en")
    assert offered == 1
    # The running bot's own tick may be polling the new source right now ("busy"): then poll once it is done.
    [outcome] = await app.services.poller.poll_now([source.id])
    while outcome.outcome == "busy":
        await asyncio.sleep(0.1)
        [outcome] = await app.services.poller.poll_now([source.id])
    assert outcome.outcome == "ok"


async def test_sources_are_paged_within_telegrams_keyboard_limits(stub: BotAPIStub, app: RunningBot) -> None:
    for n in range(43):
        await app.services.source_repository.add(NewSource(f"https://site{n}.kz/feed", "rss", "ru", f"Site {n}", 300))
    boss = admin(stub)
    seen: set[str] = set()
    listing = await boss.ask("/sources")
    for _ in range(10):
        rows = listing.reply_markup["inline_keyboard"] if listing.reply_markup else []
        assert sum(len(row) for row in rows) <= 100 and all(len(row) <= 8 for row in rows)
        seen.update(f"#{n} " for n in range(1, 44) if f"#{n} " in listing.text)
        following = [button for button in listing.buttons if "Next" in button["text"]]
        if not following:
            break
        boss.press(listing, data=following[0]["callback_data"])
        listing = await boss.reply()
    assert seen == {f"#{n} " for n in range(1, 44)}  # every source reachable, page by page


async def test_a_button_on_a_later_page_redraws_that_page(stub: BotAPIStub, app: RunningBot) -> None:
    for n in range(25):
        await app.services.source_repository.add(NewSource(f"https://site{n}.kz/feed", "rss", "ru", f"Site {n}", 300))
    boss = admin(stub)
    first = await boss.ask("/sources")
    boss.press(first, "Next")
    second = await boss.reply()
    assert "(page 2 of 3)" in second.text and "#11 ▶️ active" in second.text
    await boss.callback_answer(boss.press(second, "⏸ #12"))
    await stub.wait_until(lambda: "#12 ⏸ paused" in second.text)
    assert "(page 2 of 3)" in second.text and "#11 ▶️ active" in second.text and "#1 ▶️" not in second.text
    assert "⏸ paused" not in first.text  # the first page was not touched
