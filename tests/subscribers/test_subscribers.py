"""Subscribers end to end through the Bot API stub: local time, quiet hours, a first taste, news in every language,
one story once (across sources, guids and languages, edited in place)."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from bot.i18n import localizer
from bot.services.delivery import Delivery
from bot.services.ingestion.classifier import AllianceClassifier
from bot.services.ingestion.poller import entry_record
from domain.clock import utcnow
from domain.entries import Entry, StoredEntry
from domain.languages import LANGUAGES
from domain.sources import NewSource, Source
from domain.subscriptions import DEFAULT_DIGEST_HOUR
from local_telegram import BotAPIStub, StubUser
from storage.entries import EntryRepository
from storage.schema import outbox_deliveries
from storage.sources import SourceRepository
from tests.conftest import RunningBot, make_settings
from tests.delivery.conftest import drained, start_delivery_bot
from tests.support.feeds import PNG, FeedSite

RU_TITLE = "Альянс по низкоуглеродным технологиям провёл заседание"
KK_TITLE = "Төмен көміртекті технологиялар альянсы отырыс өткізді"
EN_TITLE = "Low-carbon technology Alliance held a meeting"
GOVKZ = "https://www.gov.kz/memleket/entities/ecogeo/press/news/details/{id}?lang={lang}"


@pytest.fixture
async def running(stub: BotAPIStub, database_url: str) -> AsyncIterator[RunningBot]:
    app = await start_delivery_bot(make_settings(stub, database_url, official_channel_id=None), stub)
    yield app
    await app.stop()


def delivery(app: RunningBot) -> Delivery:
    return app.services.delivery


async def sources(app: RunningBot, *languages: str) -> list[Source]:
    repo = SourceRepository(app.services.db)
    return [
        await repo.add(NewSource(f"https://feeds.example/{i}/{lang}", "rss", lang, f"Feed {i}", 300))
        for i, lang in enumerate(languages)
    ]


async def store(
    app: RunningBot,
    source: Source,
    title: str,
    url: str,
    *,
    key: str | None = None,
    image: str | None = None,
    published: datetime | None = None,
) -> list[StoredEntry]:
    """An item as a poll of `source` stores it: story keys, classification and all."""
    entry = Entry(
        key=key or url,
        url=url,
        title=title,
        summary_html="<p>Belt and Road.</p>",
        image_url=image,
        published_at=published or datetime(2026, 12, 1, 6, tzinfo=UTC),
        language=source.language,
    )
    result = await EntryRepository(app.services.db).store_poll(
        source.id, [entry_record(entry, AllianceClassifier())], now=utcnow(), history_size=100
    )
    return result.new


async def subscriber(stub: BotAPIStub, user_id: int, language: str) -> StubUser:
    user = stub.user(user_id, language_code=language)
    await user.ask("/start")  # the welcome
    await user.reply()  # the first-taste question
    return user


def news(user: StubUser, *titles: str) -> list[str]:
    return [m.text for m in user.messages() if any(title in m.text for title in titles)]


async def test_one_article_from_two_sources_is_pushed_and_listed_once_and_a_look_alike_is_not_merged(
    stub: BotAPIStub, running: RunningBot
) -> None:
    reader = await subscriber(stub, 3001, "ru")
    center, agency = await sources(running, "ru", "ru")
    first = await store(running, center, RU_TITLE, "https://igtipc.org/2026/12/01/9100/")
    await delivery(running).announce(first)
    # The agency links the same article with tracking parameters, another case, a default port and a fragment ...
    copy = await store(running, agency, RU_TITLE + "!", "HTTP://WWW.IGTIPC.org:80/2026/12/01/9100?utm_source=tg#top")
    # ... while an item of another address with the same title and day is only like it: nothing proves it is the
    # same article (ministries repeat titles), so it is news of its own, and the likeness is recorded for /why.
    alike = await store(running, center, RU_TITLE, "https://igtipc.org/?p=9101", key="guid-2")
    assert [e.story for e in copy + alike] == [first[0].id, alike[0].id]
    await delivery(running).announce(copy + alike)
    await drained(running.services.outbox)
    assert len(news(reader, RU_TITLE)) == 2
    why = await running.services.diagnostics.by_id(alike[0].id)
    assert why is not None and why.trail.story is not None
    assert (why.trail.story.like, why.trail.story.likeness) == (first[0].id, "title")
    merged = await running.services.diagnostics.by_id(copy[0].id)
    assert merged is not None and merged.trail.story is not None
    assert (merged.trail.story.merged_into, merged.trail.story.reason) == (first[0].id, "url")
    before = len(reader.messages())
    reader.send("/latest")
    await stub.wait_until(lambda: len(reader.messages()) > before)
    assert reader.messages()[before].text.count(RU_TITLE) == 2


@pytest.mark.parametrize(
    ("language", "title", "day"),
    [
        ("ru", RU_TITLE, "1 декабря 2026"),
        ("kk", KK_TITLE, "2026 жылғы 1 желтоқсан"),
        ("en", EN_TITLE, "1 December 2026"),
    ],
)
async def test_latest_lists_each_story_in_the_readers_language_dated_on_their_clock(
    stub: BotAPIStub, running: RunningBot, language: str, title: str, day: str
) -> None:
    kk, ru, en = await sources(running, "kk", "ru", "en")
    late = datetime(2026, 11, 30, 21, tzinfo=UTC)  # 30 November in UTC, 1 December on Almaty's clock (UTC+5)
    for source, version in ((kk, KK_TITLE), (ru, RU_TITLE), (en, EN_TITLE)):
        await store(running, source, version, GOVKZ.format(id=601, lang=source.language), published=late)
    reader = await subscriber(stub, 3050, language)
    latest = await reader.ask("/latest")
    assert f"{title}</a> — {day}" in latest.params["text"]
    others = {RU_TITLE, KK_TITLE, EN_TITLE} - {title}
    assert not any(other in latest.text for other in others)  # the story once, in the reader's language
    assert "2026-11-30" not in latest.text
    assert "2026-12-01" not in latest.text


async def test_a_story_in_three_languages_reaches_a_reader_once_edited_into_their_language(
    stub: BotAPIStub, running: RunningBot, site: FeedSite
) -> None:
    reader = await subscriber(stub, 3101, "ru")
    kk, ru, en = await sources(running, "kk", "ru", "en")
    picture = site.serve("/uploads/forum.png", PNG, content_type="image/png")  # Telegram fetches it
    kk_version = await store(running, kk, KK_TITLE, GOVKZ.format(id=501, lang="kk"), image=picture)
    await delivery(running).announce(kk_version)
    await drained(running.services.outbox)
    (first,) = [m for m in reader.messages() if KK_TITLE in m.text]
    assert first.kind == "photo" and first.text.startswith("Только на казахском:")
    ru_version = await store(running, ru, RU_TITLE, GOVKZ.format(id=501, lang="ru"), image=picture)
    en_version = await store(running, en, EN_TITLE, GOVKZ.format(id=501, lang="en"), image=picture)
    await delivery(running).announce(ru_version)
    await stub.wait_until(lambda: first.edits == 1)
    await delivery(running).announce(en_version)  # not preferred to the Russian one: nothing happens
    await drained(running.services.outbox)
    assert first.text.startswith(RU_TITLE) and "Только на" not in first.text  # the caption, edited in place
    assert news(reader, RU_TITLE, KK_TITLE, EN_TITLE) == [first.text]
    assert first.edits == 1


async def test_an_announcement_in_another_language_arrives_unless_only_my_languages(
    stub: BotAPIStub, running: RunningBot
) -> None:
    english = await subscriber(stub, 3201, "en")
    strict = await subscriber(stub, 3202, "en")
    panel = await strict.ask("/settings")
    assert "An announcement in none of my languages: sent in the language it exists in" in panel.text
    strict.press(panel, "Only my languages")
    await stub.wait_until(lambda: panel.edits == 1)
    assert "not sent (only my languages)" in panel.text
    (ru,) = await sources(running, "ru")
    await delivery(running).announce(await store(running, ru, RU_TITLE, "https://igtipc.org/2026/12/01/9200/"))
    await stub.wait_until(lambda: len(news(english, RU_TITLE)) == 1)
    await drained(running.services.outbox)
    assert news(english, RU_TITLE)[0].startswith("Only in Russian:")
    assert news(strict, RU_TITLE) == []


async def test_changing_the_language_offers_the_news_languages(stub: BotAPIStub, running: RunningBot) -> None:
    reader = await subscriber(stub, 3301, "ru")
    picker = await reader.ask("/language")
    reader.press(picker, "English")
    assert (await reader.reply()).text.startswith("Done")
    offer = await reader.reply()
    assert "News in English as well?" in offer.text and "Русский" in offer.text
    reader.press(offer, "Only in English")
    await stub.wait_until(lambda: offer.edits == 1)
    assert offer.text == "News languages: English."
    assert (await running.services.subscriptions.get(reader.id)).languages == ("en",)


async def test_a_new_subscriber_chooses_the_latest_three_and_never_gets_the_backlog_again(
    stub: BotAPIStub, running: RunningBot
) -> None:
    (ru,) = await sources(running, "ru")
    for day in range(1, 5):
        await store(
            running,
            ru,
            f"{RU_TITLE} {day}",
            f"https://igtipc.org/2026/11/0{day}/9{day}/",
            published=datetime(2026, 11, day, 6, tzinfo=UTC),
        )
    reader = stub.user(3401, language_code="ru")
    reader.send("/start")
    await stub.wait_until(lambda: len(reader.messages()) == 2)
    question = reader.messages()[1]
    assert "три последних объявления" in question.text
    reader.press(question, "Три последних сейчас")
    await stub.wait_until(lambda: len(news(reader, RU_TITLE)) == 3)
    assert question.text == "Отправляю 3 объявления." and question.buttons == []
    titles = [text.splitlines()[0] for text in news(reader, RU_TITLE)]
    assert titles == [f"{RU_TITLE} {day}" for day in (2, 3, 4)]  # the latest three, oldest first
    # Pausing and resuming, or /start again, brings nothing old back; only new news comes.
    await running.services.subscriptions.set_paused(reader.id, True)
    await delivery(running).announce(await store(running, ru, "Альянс: низкоуглерод, пауза", "https://igtipc.org/p"))
    await running.services.subscriptions.set_paused(reader.id, False)
    assert len((await reader.ask("/start")).text) > 0
    fresh = await store(running, ru, "Альянс: низкоуглерод, новое", "https://igtipc.org/n")
    await delivery(running).announce(fresh)
    await stub.wait_until(lambda: len(news(reader, "новое")) == 1)
    await drained(running.services.outbox)
    assert len(news(reader, RU_TITLE)) == 3 and news(reader, "пауза") == []
    assert not any("три последних" in m.text for m in reader.messages()[2:])


async def test_news_in_quiet_hours_waits_for_the_readers_morning(stub: BotAPIStub, running: RunningBot) -> None:
    sleeper = await subscriber(stub, 3501, "ru")
    awake = await subscriber(stub, 3502, "ru")
    hour = utcnow().astimezone(ZoneInfo("Asia/Almaty")).hour
    start, end = hour, (hour + 2) % 24
    saved = await sleeper.ask(f"/settings quiet {start:02d}-{end:02d}")
    assert saved.text.startswith(f"Тихие часы: {start:02d}:00–{end:02d}:00")
    (ru,) = await sources(running, "ru")
    await delivery(running).announce(await store(running, ru, RU_TITLE, "https://igtipc.org/2026/12/01/9500/"))
    await stub.wait_until(lambda: len(news(awake, RU_TITLE)) == 1)  # the same announcement reached the other
    assert news(sleeper, RU_TITLE) == []
    async with running.services.db.connect() as conn:
        (waiting,) = (
            await conn.execute(
                sa.select(outbox_deliveries.c.next_attempt_at, outbox_deliveries.c.status).where(
                    outbox_deliveries.c.chat_id == sleeper.id, outbox_deliveries.c.status == "queued"
                )
            )
        ).all()
    local = waiting.next_attempt_at.astimezone(ZoneInfo("Asia/Almaty"))
    assert (local.hour, local.minute) == (end, 0) and utcnow() < waiting.next_attempt_at < utcnow() + timedelta(hours=3)


async def test_time_zone_from_settings_moves_digests_and_is_shown(stub: BotAPIStub, running: RunningBot) -> None:
    reader = await subscriber(stub, 3601, "en")
    await running.services.subscriptions.set_mode(reader.id, "daily")
    panel = await reader.ask("/settings")
    assert "daily digest at 09:00 (Almaty (UTC+5))" in panel.text
    reader.press(panel, "🕒")
    zones = await reader.reply()
    assert zones.buttons[0]["text"].startswith("✅ Almaty")
    reader.press(zones, "Berlin")
    await stub.wait_until(lambda: zones.edits == 1)
    assert zones.text.startswith("Time zone: Berlin")
    panel = await reader.ask("/settings")
    assert "daily digest at 09:00 (Berlin (UTC+1))" in panel.text or "(Berlin (UTC+2))" in panel.text
    (en,) = await sources(running, "en")
    await delivery(running).announce(await store(running, en, EN_TITLE, "https://igtipc.org/en/1"))
    # 09:00 in Berlin in winter is 08:00 UTC; the Almaty hour (04:00 UTC) brings nothing any more.
    assert await delivery(running).send_due_digests(datetime(2026, 12, 2, 4, tzinfo=UTC)) == 0
    assert await delivery(running).send_due_digests(datetime(2026, 12, 2, 8, tzinfo=UTC)) == 1
    assert (await reader.reply()).text.startswith("News of the day: 1 item")
    assert "I don't know the time zone Unknown/Zone" in (await reader.ask("/settings timezone Unknown/Zone")).text


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
async def test_the_digest_hour_buttons_move_the_digest_an_hour(
    stub: BotAPIStub, running: RunningBot, language: str
) -> None:
    """The walk: "− 1 hour" and "+ 1 hour" answered "This button is no longer valid." and moved nothing (their data,
    `dsh:-1`, did not unpack into the typed field)."""
    l10n = localizer(language)
    reader = await subscriber(stub, 3701 + LANGUAGES.index(language), language)
    await running.services.subscriptions.set_mode(reader.id, "daily")
    panel = await reader.ask("/settings")
    answer = await reader.callback_answer(reader.press(panel, l10n("delivery-button-earlier")))
    assert answer["text"] == l10n("delivery-saved")
    assert (await running.services.subscriptions.get(reader.id)).digest_hour == DEFAULT_DIGEST_HOUR - 1
    answer = await reader.callback_answer(reader.press(panel, l10n("delivery-button-later")))
    assert answer["text"] == l10n("delivery-saved")
    assert (await running.services.subscriptions.get(reader.id)).digest_hour == DEFAULT_DIGEST_HOUR
