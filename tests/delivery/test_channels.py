"""Official channels per language: each alliance story once per channel, in the channel's language when it exists,
else the version that exists saying so, rewritten in place when the channel's own version arrives."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Sequence

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.i18n import localizer
from bot.services.admin.diagnostics import story_text
from bot.services.delivery import Delivery
from bot.services.ingestion.classifier import AllianceClassifier
from bot.services.ingestion.poller import entry_record
from domain.audit import Actor
from domain.clock import utcnow
from domain.entries import Entry, StoredEntry
from domain.sources import NewSource
from local_telegram import BotAPIStub
from local_telegram.server import BOT_ID
from storage import Database
from storage.entries import EntryRepository
from storage.outbox import Outbox
from storage.schema import outbox_deliveries, outbox_messages
from storage.sources import SourceRepository
from storage.subscriptions import SubscriptionRepository
from tests.conftest import ADMIN_ID, RunningBot, make_settings
from tests.delivery.conftest import drained, start_delivery_bot
from tests.delivery.helpers import make_entry
from tests.support.feeds import FeedSite, Item, rss

TITLES = {"ru": "Альянс принял новых членов", "kk": "Альянс жаңа мүшелерді қабылдады", "en": "Alliance admits members"}
_story_ids = itertools.count(50_000, 10)


def story(order: Sequence[str]) -> list[StoredEntry]:
    """The versions of one story in the order they arrive; the first begins the story, the others join it."""
    first = next(_story_ids)
    versions = []
    for n, language in enumerate(order):
        entry = make_entry(TITLES[language], language=language, entry_id=first + n)
        versions.append(dataclasses.replace(entry, story_id=first if n else None))
    return versions


async def test_each_channel_gets_the_story_in_its_language(stub: BotAPIStub, database_url: str) -> None:
    ru = stub.group(-100_551, "Центр RU", type="channel", admins={BOT_ID})
    ru.username = "chan_ru"
    kk = stub.group(-100_552, "Орталық KK", type="channel", admins={BOT_ID})
    en = stub.group(-100_553, "Center EN", type="channel", admins={BOT_ID})
    en.username = "chan_en"
    stub.member_counts[ru.id] = 1234
    app = await start_delivery_bot(
        make_settings(stub, database_url, official_channels=f"ru=@chan_ru,kk={kk.id},en=@chan_en"), stub
    )
    try:
        assert app.services.delivery.official_channels == {"ru": ru.id, "kk": kk.id, "en": en.id}
        first, english, kazakh = story(["ru", "en", "kk"])
        await app.services.delivery.announce([first])
        await drained(app.services.outbox)
        (ru_post,) = stub.sent_to(ru.id)
        (kk_post,) = stub.sent_to(kk.id)
        (en_post,) = stub.sent_to(en.id)
        assert ru_post.text.startswith(TITLES["ru"])
        assert kk_post.text.startswith(localizer("kk")("rendering-only-in-ru"))
        assert en_post.text.startswith(localizer("en")("rendering-only-in-ru"))
        assert TITLES["ru"] in kk_post.text and TITLES["ru"] in en_post.text

        await app.services.delivery.announce([english])
        await drained(app.services.outbox)
        await stub.wait_until(lambda: TITLES["en"] in en_post.text)
        assert en_post.edits == 1 and "Only in" not in en_post.text
        assert TITLES["ru"] in kk_post.text  # English is no better for a Kazakh channel: untouched
        await app.services.delivery.announce([kazakh])
        await drained(app.services.outbox)
        await stub.wait_until(lambda: TITLES["kk"] in kk_post.text)
        assert [len(stub.sent_to(channel.id)) for channel in (ru, kk, en)] == [1, 1, 1]  # once per story
        assert ru_post.edits == 0

        # /latest links to the newest post of the channel in the reader's language.
        reader = stub.user(7100, language_code="ru")
        shown = await reader.ask("/latest")
        assert f'href="https://t.me/chan_ru/{ru_post.message_id}"' in (shown.html or "")
        kazakh_reader = stub.user(7101, language_code="kk")
        shown = await kazakh_reader.ask("/latest")
        assert f'href="https://t.me/c/552/{kk_post.message_id}"' in (shown.html or "")

        boss = stub.user(ADMIN_ID, first_name="Admin", language_code="en")
        shown = await boss.ask("/stats")
        assert "Official channels" in shown.text
        assert "Русский: @chan_ru · members: 1,234 · last post:" in shown.text
        assert f"Қазақша: {kk.id} · members: 2 · last post:" in shown.text
    finally:
        await app.stop()


async def test_the_older_single_channel_setting_still_works(stub: BotAPIStub, database_url: str) -> None:
    channel = stub.group(-100_560, "Center", type="channel", admins={BOT_ID})
    app = await start_delivery_bot(
        make_settings(stub, database_url, official_channel_id=channel.id, default_language="ru"), stub
    )
    try:
        (version,) = story(["en"])
        await app.services.delivery.announce([version, make_entry(alliance=False)])
        await drained(app.services.outbox)
        (post,) = stub.sent_to(channel.id)
        assert post.text.startswith(localizer("ru")("rendering-only-in-en"))
    finally:
        await app.stop()


@pytest.fixture
def channels() -> dict[str, int]:
    return {"ru": -100_1, "kk": -100_2, "en": -100_3}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    order=st.lists(st.sampled_from(["ru", "kk", "en"]), min_size=1, max_size=5),
    batches=st.integers(min_value=1, max_value=3),
    repeats=st.booleans(),
)
async def test_any_order_of_versions_gives_each_channel_one_post_ending_in_the_best_version(
    db: Database, channels: dict[str, int], order: list[str], batches: int, repeats: bool
) -> None:
    """Versions arrive in any order, several at once or one by one, some twice (a second source, a re-poll):
    a channel gets one new message, later only edits, and ends with its own language when it came, else the
    first version that came."""
    outbox, delivery = await empty_channel_delivery(db, channels)
    versions = story(order)
    size = max(1, len(versions) // batches)
    for start in range(0, len(versions), size):
        await delivery.announce(versions[start : start + size])
        if repeats:
            assert await delivery.announce(versions[start : start + size]) == 0
    copies = await outbox.story_copies(versions[0].story)
    for language, channel in channels.items():
        rows = [row for row in await _rows(db) if row[0] == channel]
        assert sum(1 for _, replaces, _ in rows if replaces is None) == 1
        expected = language if language in order else order[0]
        assert copies[channel].language == expected


async def empty_channel_delivery(db: Database, channels: dict[str, int]) -> tuple[Outbox, Delivery]:
    """An empty outbox (each generated example starts from none) and the fan-out to these channels."""
    async with db.begin() as conn:
        await conn.execute(outbox_deliveries.delete())
        await conn.execute(outbox_messages.delete())
    outbox = Outbox(db)
    return outbox, Delivery(SubscriptionRepository(db), outbox, official_channels=channels)


async def _rows(db: Database) -> list[tuple[int, int | None, int]]:
    async with db.connect() as conn:
        result = await conn.execute(
            outbox_deliveries.select().with_only_columns(
                outbox_deliveries.c.chat_id, outbox_deliveries.c.replaces_id, outbox_deliveries.c.id
            )
        )
        return [(int(chat_id), replaces, int(row_id)) for chat_id, replaces, row_id in result.all()]


HYDROGEN = {
    "ru": (
        "Альянс низкоуглеродных технологий: форум по водородной энергетике",
        "Что обсуждали о водородной энергетике?",
    ),
    "kk": (
        "Төмен көміртекті технологиялар альянсы: сутегі энергетикасы форумы",
        "Сутегі энергетикасы туралы не айтылды?",
    ),
    "en": ("Low-carbon technology Alliance: a forum on hydrogen energy", "What was said about hydrogen energy?"),
}
CHANNEL_POST = {"ru": "📣 в официальном канале", "kk": "📣 ресми арнада", "en": "📣 in the official channel"}


async def test_an_answer_naming_an_announcement_links_its_channel_post(stub: BotAPIStub, database_url: str) -> None:
    """A question answered from an ingested announcement links, beside the article, its post in the official channel
    of the answer's language; an announcement not (yet) posted there has no such link."""
    channels = {}
    for n, language in enumerate(("ru", "kk", "en")):
        channels[language] = stub.group(-100_570 - n, f"Center {language}", type="channel", admins={BOT_ID})
        channels[language].username = f"center_{language}"
    setting = ",".join(f"{language}=@center_{language}" for language in channels)
    app = await start_delivery_bot(make_settings(stub, database_url, official_channels=setting), stub)
    try:
        source_ids = {}
        for language in channels:
            source = NewSource(f"https://center.example/feed/{language}", "rss", language, f"Center {language}", 300)
            source_ids[language] = (await SourceRepository(app.services.db).add(source)).id
        readers = {language: stub.user(7200 + n, language_code=language) for n, language in enumerate(channels)}
        # Not posted yet: the answer names the article only.
        await store_and_announce(app, source_ids["ru"], "ru", announce=False)
        before = await readers["ru"].ask(HYDROGEN["ru"][1])
        assert HYDROGEN["ru"][0] in before.text and CHANNEL_POST["ru"] not in before.text

        for language in channels:
            await store_and_announce(app, source_ids[language], language, announce=True)
        await drained(app.services.outbox)
        for language, reader in readers.items():
            (post,) = stub.sent_to(channels[language].id)
            answer = await reader.ask(HYDROGEN[language][1])
            assert HYDROGEN[language][0] in answer.text, answer.text
            link = f'<a href="https://t.me/center_{language}/{post.message_id}">'
            assert f"{link}{CHANNEL_POST[language]}" in (answer.html or ""), answer.html
    finally:
        await app.stop()


async def store_and_announce(app: RunningBot, source_id: int, language: str, *, announce: bool) -> None:
    """What a poll of the source does with the hydrogen forum's version in `language` (one story: one address)."""
    title = HYDROGEN[language][0]
    entry = Entry(
        key=f"hydrogen-{language}",
        url=f"https://center.example/news/12?lang={language}",
        title=title,
        summary_html=f"<p>{title}</p>",
        image_url=None,
        published_at=utcnow(),
        language=language,
    )
    repository = EntryRepository(app.services.db)
    known = await repository.search(title, limit=5)
    if any(stored.entry.key == entry.key for stored in known):
        stored_entries = [stored for stored in known if stored.entry.key == entry.key]
    else:
        record = entry_record(entry, AllianceClassifier())
        stored_entries = (await repository.store_poll(source_id, [record], now=utcnow(), history_size=100)).new
    if announce:
        await app.services.moderation.announce(stored_entries)


DECREE = {
    "ru": "Альянс по низкоуглеродным технологиям утвердил устав",
    "kk": "Төмен көміртекті технологиялар альянсы жарғыны бекітті",
}
CORRECTED = "Альянс по низкоуглеродным технологиям утвердил устав и бюджет"
DECREE_DAY = utcnow().replace(microsecond=0)  # the feed dates its items: a date of its own would be a change


def decree_feed(site: FeedSite, language: str, title: str, body: str, *, extra: bool = False) -> str:
    """The Center's feed in `language` with the decree (one story in every language: one address but for `lang`);
    `extra` adds an unrelated item, so the feed changes while the decree does not."""
    items = [
        Item(
            title=title,
            link=site.url("/news/40") + f"?lang={language}",
            guid=f"decree-{language}",
            description=body,
            published=DECREE_DAY,
        )
    ]
    if extra:
        items.append(Item(title="Weather", guid="weather", description="<p>Sunny.</p>", published=DECREE_DAY))
    return site.serve(f"/feed/{language}", rss(items))


@pytest.mark.parametrize("rich", [False, True], ids=["split", "rich"])
async def test_a_correction_at_the_source_edits_each_channel_post_once(
    stub: BotAPIStub, database_url: str, site: FeedSite, rich: bool
) -> None:
    """The source corrects an announcement already posted: every channel whose post carries that version gets one
    edit with the corrected text (the same correction again edits nothing); a channel that shows a better version
    keeps it; /why lists each post and edit."""
    channels = {}
    for n, language in enumerate(("ru", "kk", "en")):
        channels[language] = stub.group(-100_580 - n, f"Center {language}", type="channel", admins={BOT_ID})
        channels[language].username = f"decree_{language}"
    setting = ",".join(f"{language}=@decree_{language}" for language in channels)
    app = await start_delivery_bot(
        make_settings(stub, database_url, official_channels=setting, rich_messages=rich), stub
    )
    try:
        poller, outbox = app.services.poller, app.services.outbox
        sources = {}

        async def add(language: str) -> int:
            # Added when its version is to arrive: a source added is polled at once by the bot's own tick.
            feed = decree_feed(site, language, DECREE[language], "<p>The charter.</p>")
            source = NewSource(feed, "rss", language, f"Center {language}", 300)
            sources[language] = (await SourceRepository(app.services.db).add(source)).id
            return sources[language]

        await poller.poll_now([await add("ru")])
        await drained(outbox)
        posts = {language: stub.sent_to(channel.id) for language, channel in channels.items()}
        assert all(len(sent) == 1 for sent in posts.values())
        ru_post, kk_post, en_post = (posts[language][0] for language in ("ru", "kk", "en"))
        assert DECREE["ru"] in kk_post.text and DECREE["ru"] in en_post.text  # the version that exists, saying so

        # The Kazakh version arrives: the Kazakh channel's post becomes it (a better version).
        await poller.poll_now([await add("kk")])
        await drained(outbox)
        await stub.wait_until(lambda: DECREE["kk"] in kk_post.text)
        assert kk_post.edits == 1

        # The source corrects the Russian version: the ru and en posts carry it and are edited; kk shows its own.
        decree_feed(site, "ru", CORRECTED, "<p>The charter and the budget.</p>")
        await poller.poll_now([sources["ru"]])
        await drained(outbox)
        await stub.wait_until(lambda: CORRECTED in ru_post.text and CORRECTED in en_post.text)
        assert (ru_post.edits, en_post.edits, kk_post.edits) == (1, 1, 1)
        assert en_post.text.startswith(localizer("en")("rendering-only-in-ru"))
        assert DECREE["kk"] in kk_post.text

        # The feed changes around the corrected item, and the correction is handed over once more: no edit.
        decree_feed(site, "ru", CORRECTED, "<p>The charter and the budget.</p>", extra=True)
        await poller.poll_now([sources["ru"]])
        report = await app.services.diagnostics.by_url(site.url("/news/40") + "?lang=ru")
        assert report is not None and report.entry.entry.title == CORRECTED
        assert await app.services.moderation.correct([report.entry]) == 0
        await drained(outbox)
        assert (ru_post.edits, en_post.edits, kk_post.edits) == (1, 1, 1)
        assert [len(stub.sent_to(channel.id)) for channel in channels.values()] == [1, 1, 1]  # one post per story

        boss = stub.user(ADMIN_ID, first_name="Admin", language_code="en")
        shown = await boss.ask(f"/why {site.url('/news/40')}?lang=ru")
        why = shown.text
        assert "Official channels:" in why
        assert why.count("@decree_ru: posted") == 1 and why.count("@decree_ru: edited") == 1
        assert "@decree_ru: edited" in why and "the source corrected the ru version" in why
        assert "@decree_kk: edited" in why and "the kk version replaced the one shown" in why
        assert why.count("the source corrected") == 2  # ru and en, not kk
        diagnostics = app.services.diagnostics
        versions, steps = await diagnostics.versions(report), await diagnostics.channel_steps(report)
        russian = story_text(versions, localizer("ru"), "Asia/Almaty", steps)
        assert "Официальные каналы:" in russian and russian.count("источник исправил версию ru") == 2
        kazakh = story_text(versions, localizer("kk"), "Asia/Almaty", steps)
        assert "Ресми арналар:" in kazakh and kazakh.count("дереккөз ru нұсқасын түзетті") == 2
    finally:
        await app.stop()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    events=st.lists(
        st.tuples(st.sampled_from(["arrive", "correct"]), st.sampled_from(["ru", "kk", "en"]), st.booleans()),
        min_size=1,
        max_size=8,
    )
)
async def test_any_mix_of_versions_and_corrections_keeps_one_post_showing_the_latest_text(
    db: Database, channels: dict[str, int], events: list[tuple[str, str, bool]]
) -> None:
    """Versions arrive and the source corrects them in any order, a correction sometimes handed over twice: each
    channel has one post, edited at most once per new text, ending with the latest text of the version it shows."""
    outbox, delivery = await empty_channel_delivery(db, channels)
    first = next(_story_ids)
    current: dict[str, StoredEntry] = {}
    texts = 0
    for action, language, twice in events:
        if action == "arrive" and language not in current:
            entry = make_entry(TITLES[language], language=language, entry_id=first + len(current))
            current[language] = dataclasses.replace(entry, story_id=first if current else None)
            await delivery.announce([current[language]])
        elif action == "correct" and language in current:
            texts += 1
            stored = current[language]
            current[language] = dataclasses.replace(
                stored, entry=dataclasses.replace(stored.entry, title=f"{TITLES[language]} (rev {texts})")
            )
            await delivery.correct([current[language]])
            if twice:
                assert await delivery.correct([current[language]]) == 0
    if not current:
        return
    order = list(current)
    copies = await outbox.story_copies(current[order[0]].story)
    async with db.connect() as conn:
        d = outbox_deliveries.c
        posts = (
            await conn.execute(
                sa.select(d.chat_id, sa.func.count())
                .where(d.replaces_id.is_(None), d.status != "superseded")
                .group_by(d.chat_id)
            )
        ).all()
    assert {int(chat): count for chat, count in posts} == dict.fromkeys(channels.values(), 1)
    for language, channel in channels.items():
        shown = language if language in current else order[0]
        assert copies[channel].language == shown
        async with db.connect() as conn:
            payload = (
                await conn.execute(
                    sa.select(outbox_messages.c.payload)
                    .join(outbox_deliveries, outbox_deliveries.c.message_id == outbox_messages.c.id)
                    .where(outbox_deliveries.c.id == copies[channel].delivery_id)
                )
            ).scalar_one()
        assert f"<b>{current[shown].entry.title}</b>\n" in payload["text"]


async def test_a_correction_of_a_held_announcement_waits_for_its_approval(
    stub: BotAPIStub, database_url: str, site: FeedSite
) -> None:
    """With MODERATION on, a correction of an announcement still held posts nothing; its approval posts the corrected
    text once."""
    channel = stub.group(-100_590, "Center ru", type="channel", admins={BOT_ID})
    app = await start_delivery_bot(
        make_settings(stub, database_url, official_channels=f"ru={channel.id}", moderation=True), stub
    )
    try:
        feed = decree_feed(site, "ru", DECREE["ru"], "<p>The charter.</p>")
        source = await SourceRepository(app.services.db).add(NewSource(feed, "rss", "ru", "Center ru", 300))
        await app.services.poller.poll_now([source.id])
        decree_feed(site, "ru", CORRECTED, "<p>The charter and the budget.</p>")
        await app.services.poller.poll_now([source.id])
        await drained(app.services.outbox)
        assert stub.sent_to(channel.id) == []
        report = await app.services.diagnostics.by_url(site.url("/news/40") + "?lang=ru")
        assert report is not None
        assert await app.services.moderation.approve(report.entry.id, Actor.admin(ADMIN_ID))
        await drained(app.services.outbox)
        (post,) = stub.sent_to(channel.id)
        assert post.text.startswith(CORRECTED) and post.edits == 0
    finally:
        await app.stop()
