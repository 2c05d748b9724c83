"""/why: an admin asks what became of a news item, and whether one subscriber got it.

The news items come from documents the bot fetches from memory (`StaticFetcher` passed to the graph): what is
tested here starts after the fetch."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest

from bot.config import Settings
from domain.clock import utcnow
from domain.localtime import format_moment, zone
from domain.sources import NewSource
from local_telegram import BotAPIStub
from local_telegram.server import StubUser
from storage.sources import SourceRepository
from tests.admin.conftest import add_subscribers, admin
from tests.conftest import ADMIN_ID, RunningBot, make_settings, start_bot
from tests.support.feeds import Item, StaticFetcher, rss, seed_article

ARTICLE = "http://ministry.test/news/77"
COUNTS = {
    "en": "Sent 2, failed 0, blocked 1, left 0, waiting 0",
    "ru": "Отправлено 2, ошибок 0, заблокировано 1, отписались 0, ждут 0",
    "kk": "Жіберілді 2, қате 0, бұғатталды 1, жазылымнан шықты 0, күтуде 0",
}


@pytest.fixture
def fetcher() -> StaticFetcher:
    return StaticFetcher()


@pytest.fixture
async def app(settings: Settings, stub: BotAPIStub, fetcher: StaticFetcher) -> AsyncIterator[RunningBot]:
    running = await start_bot(settings, stub, http=fetcher)
    yield running
    await running.stop()


async def _announced(
    app: RunningBot, stub: BotAPIStub, fetcher: StaticFetcher, waiting: int = 0
) -> tuple[list[int], int]:
    """One ordinary news item polled from a feed and sent to three subscribers (one has blocked the bot),
    and a fourth subscriber who reads English news only; returns the three ids and the fourth. `waiting` rows are
    held back (quiet hours) and stay queued."""
    readers = await add_subscribers(app, stub, 3)
    (english,) = await add_subscribers(app, stub, 1, first_id=20_000, language="en")
    for reader in [*readers, english]:
        await app.services.subscriptions.set_scope(reader.id, "all")
    stub.block(readers[2].id)
    url = fetcher.serve("/feed/", rss([Item(title="Министр провёл совещание по паводкам", link=ARTICLE, guid="77")]))
    source = await SourceRepository(app.services.db).add(NewSource(url, "rss", "ru", "Министерство", 3600))
    await app.services.poller.poll_now([source.id])
    while await app.services.outbox.pending_count() > waiting:
        await asyncio.sleep(0.05)
    return [reader.id for reader in readers], english.id


async def _as_admin(app: RunningBot, boss: StubUser, language: str, text: str) -> str:
    """The admin's answer to `text`, with the admin's chat in `language`."""
    await app.services.chats.meet(ADMIN_ID, type="private", language=language, title=None, username=None)
    await app.services.chats.set_language(ADMIN_ID, language)
    return (await boss.ask(text)).text


async def test_why_counts_sent_and_blocked_in_every_language(
    app: RunningBot, stub: BotAPIStub, fetcher: StaticFetcher
) -> None:
    await _announced(app, stub, fetcher)
    boss = admin(stub)
    for language, counts in COUNTS.items():
        answer = await _as_admin(app, boss, language, f"/why {ARTICLE}")
        assert "Министр провёл совещание по паводкам" in answer
        assert "Министерство" in answer
        assert counts in answer, answer
        assert "Forbidden: bot was blocked by the user" in answer


async def test_why_for_a_subscriber_says_why_not_or_when(
    app: RunningBot, stub: BotAPIStub, fetcher: StaticFetcher
) -> None:
    before = utcnow()  # the delivery happens inside _announced, which may cross a minute's edge
    readers, english = await _announced(app, stub, fetcher)
    boss = admin(stub)
    answer = await _as_admin(app, boss, "en", f"/why {ARTICLE} {english}")
    assert f"Chat {english}: its news languages (en) exclude the item's language (ru)." in answer

    answer = await _as_admin(app, boss, "en", f"/why {ARTICLE} {readers[0]}")
    after = utcnow()
    line = answer.splitlines()[-1]
    assert line.startswith(f"Chat {readers[0]}: got it on ")
    assert any(_moment(moment) in line for moment in _minutes(before, after)), line

    blocked = (await _as_admin(app, boss, "ru", f"/why {ARTICLE} {readers[2]}")).splitlines()[-1]
    assert blocked.startswith(f"Чат {readers[2]}: не доставлено, бот заблокирован")


async def test_why_names_the_setting_that_kept_it_from_a_subscriber(
    app: RunningBot, stub: BotAPIStub, fetcher: StaticFetcher
) -> None:
    service = app.services.subscriptions
    paused, alliance_only, filtered, digest, quiet = [
        u.id for u in await add_subscribers(app, stub, 5, first_id=30_000)
    ]
    for chat_id in (paused, filtered, digest, quiet):
        await service.set_scope(chat_id, "all")
    await service.set_paused(paused, True)
    await service.set_words(filtered, exclude="паводкам")
    await service.set_mode(digest, "daily")
    hour = utcnow().astimezone(zone("Asia/Almaty")).hour
    await service.set_quiet_hours(quiet, (hour, (hour + 23) % 24))  # every hour but the one before now
    await _announced(app, stub, fetcher, waiting=1)
    boss = admin(stub)
    expected = {
        paused: "subscription paused.",
        alliance_only: "subscribed to alliance news only, and this is other news.",
        filtered: "its keyword filter excludes it (include: —; exclude: паводкам).",
        digest: "waits for its next digest.",
        quiet: "waits for the end of its quiet hours (",
        99_999: "not subscribed.",
    }
    for chat_id, reason in expected.items():
        line = (await _as_admin(app, boss, "en", f"/why {ARTICLE} {chat_id}")).splitlines()[-1]
        assert line.startswith(f"Chat {chat_id}: {reason}"), line


def _minutes(first: datetime, last: datetime) -> list[datetime]:
    """Every minute from `first` to `last`, both included."""
    minute = first.replace(second=0, microsecond=0)
    minutes = []
    while minute <= last:
        minutes.append(minute)
        minute += timedelta(minutes=1)
    return minutes


def _moment(moment: datetime) -> str:
    # The admin reads English; without a zone of their own they get the bot's zone (Asia/Almaty).
    return format_moment(moment, "en", "Asia/Almaty")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/why http://nowhere.test/1", "No stored news item has the link http://nowhere.test/1."),
        ("/why", "Send /why and an article link"),
        (f"/why {ARTICLE} someone", "Send /why and an article link"),
    ],
)
async def test_why_unknown_link_or_no_link_is_one_line(
    app: RunningBot, stub: BotAPIStub, text: str, expected: str
) -> None:
    answer = await _as_admin(app, admin(stub), "en", text)
    assert len(answer.splitlines()) == 1
    assert answer.startswith(expected)


async def test_why_is_unknown_to_a_non_admin(app: RunningBot, stub: BotAPIStub) -> None:
    stranger = stub.user(7001, language_code="en")
    unknown = await stranger.ask("/nosuchcommand")
    answer = await stranger.ask(f"/why {ARTICLE}")
    assert answer.text == unknown.text.replace("/nosuchcommand", "/why")


async def test_why_button_of_a_moderation_notice(stub: BotAPIStub, database_url: str, fetcher: StaticFetcher) -> None:
    title, body = seed_article().split("\n", 1)
    url = fetcher.serve(
        "/feed/", rss([Item(title=title, link="http://igtipc.test/9036", guid="9036", description=body)])
    )
    app = await start_bot(make_settings(stub, database_url, moderation=True), stub, http=fetcher)
    try:
        boss = admin(stub)
        await app.services.chats.meet(ADMIN_ID, type="private", language="en", title=None, username=None)
        source = await SourceRepository(app.services.db).add(NewSource(url, "rss", "ru", "МЦЗТИП", 3600))
        await app.services.poller.poll_now([source.id])
        held = await boss.reply()
        assert held.text.startswith("🛂 Waiting for approval")
        boss.press(held, "🔎 Why?")
        answer = (await boss.reply()).text
    finally:
        await app.stop()
    assert "Classified: alliance news (" in answer
    assert "Moderation: held since " in answer and "waiting for a decision" in answer
    assert "Queued: not for anyone" in answer


async def test_why_reports_every_version_of_a_story_in_three_languages(
    app: RunningBot, stub: BotAPIStub, fetcher: StaticFetcher
) -> None:
    """The walk: /why on a story told in Russian, Kazakh and English reported one version; it reports each."""
    titles = {
        "ru": "Альянс принял новых членов",
        "kk": "Альянс жаңа мүшелерді қабылдады",
        "en": "Alliance admits members",
    }
    repository = SourceRepository(app.services.db)
    ids = []
    for language, title in titles.items():
        url = fetcher.serve(f"/{language}/feed/", rss([Item(title=title, link=ARTICLE, guid=f"story-{language}")]))
        ids.append((await repository.add(NewSource(url, "rss", language, f"Center {language}", 3600))).id)
    for source_id in ids:  # one by one: each later version joins the story the first began
        await app.services.poller.poll_now([source_id])
    boss = admin(stub)
    answer = await _as_admin(app, boss, "en", f"/why {ARTICLE}")
    assert answer.startswith("One story in 3 versions (ru, kk, en)")
    for language, title in titles.items():
        assert f"Version {language}" in answer
        assert title in answer
    assert answer.count("Fetched:") == 3
    assert "Одна новость в 3 версиях (ru, kk, en)" in await _as_admin(app, boss, "ru", f"/why {ARTICLE}")
