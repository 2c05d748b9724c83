"""One message per story, and no news lost for looking like other news: generated arrival orders, rounds, languages,
sources, shared leads, same titles, quiet hours and digests, checked in the chats of the local Telegram.

A round is what one polling tick does: every source in it is polled at once (store, then hand over), as the
poller runs up to eight sources concurrently.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from bot.services.delivery.matching import reading_order
from bot.services.ingestion.classifier import AllianceClassifier
from bot.services.ingestion.poller import entry_record
from bot.services.ingestion.stories import normalise_url
from domain.clock import utcnow
from domain.entries import Entry
from domain.sources import NewSource, Source
from domain.subscriptions import Subscription
from local_telegram import BotAPIStub, SentMessage
from storage.entries import EntryRepository
from storage.schema import entries as entries_table
from storage.schema import outbox_deliveries, outbox_messages
from storage.sources import SourceRepository
from storage.subscriptions import SubscriptionRepository
from tests.conftest import ADMIN_ID, RunningBot, make_settings
from tests.delivery.conftest import drained, start_delivery_bot

LANGUAGES = ("ru", "kk", "en")
TITLES = {
    "ru": "Альянс по низкоуглеродным технологиям провёл заседание",
    "kk": "Төмен көміртекті технологиялар альянсы отырыс өткізді",
    "en": "Low-carbon technology Alliance held a meeting",
}
FALLBACK = ("Только на", "Тек ", "Only in")
# A ministry's boilerplate lead: long enough to be a "fingerprint" of a text, and shared by distinct news.
LEAD = (
    "<p>Министерство экологии и природных ресурсов Республики Казахстан сообщает, что в рамках реализации "
    "инициативы «Один пояс, один путь» Альянс по низкоуглеродным технологиям продолжает работу.</p>"
)
DIGEST_HOUR = 9
DAY = datetime(2026, 12, 1, 6, tzinfo=UTC)
_numbers = itertools.count(1)


@pytest.fixture
async def running(stub: BotAPIStub, database_url: str) -> AsyncIterator[RunningBot]:
    app = await start_delivery_bot(make_settings(stub, database_url, official_channel_id=None), stub)
    yield app
    await app.stop()


@dataclass(frozen=True)
class Reader:
    interface: str
    languages: tuple[str, ...]
    own_only: bool
    quiet: bool
    digest: bool


readers_strategy = st.lists(
    st.builds(
        Reader,
        interface=st.sampled_from(LANGUAGES),
        languages=st.lists(st.sampled_from(LANGUAGES), min_size=1, max_size=3, unique=True).map(tuple),
        own_only=st.booleans(),
        quiet=st.booleans(),
        digest=st.booleans(),
    ),
    min_size=1,
    max_size=4,
)


async def add_reader(app: RunningBot, stub: BotAPIStub, reader: Reader) -> Subscription:
    """A subscribed private chat as /start and /settings leave it, on UTC (so quiet hours and digests are plain)."""
    chat_id = 700_000 + next(_numbers)
    stub.user(chat_id, language_code=reader.interface)
    await app.services.chats.meet(chat_id, type="private", language=reader.interface, title=None, username=None)
    service = app.services.subscriptions
    await service.subscribe(chat_id, reader.interface)
    await service.set_timezone(chat_id, "UTC")
    await service.set_languages(chat_id, reader.languages)
    await service.set_own_languages_only(chat_id, reader.own_only)
    if reader.quiet:
        hour = utcnow().hour
        await service.set_quiet_hours(chat_id, (hour, (hour + 3) % 24))
    if reader.digest:
        await service.set_mode(chat_id, "daily")
        await SubscriptionRepository(app.services.db).update(chat_id, digest_hour=DIGEST_HOUR)
    subscription = await service.get(chat_id)
    assert subscription is not None
    return subscription


async def feed_sources(app: RunningBot) -> dict[tuple[str, int], Source]:
    """Two sources per language (the ministry and an agency that republishes it), made once per bot."""
    repo = SourceRepository(app.services.db)
    found = {(s.language, int(s.url.rsplit("/", 2)[-2])): s for s in await repo.list_all() if "feeds.example" in s.url}
    for language, copy in itertools.product(LANGUAGES, (0, 1)):
        if (language, copy) not in found:
            url = f"https://feeds.example/{copy}/{language}"
            found[language, copy] = await repo.add(NewSource(url, "rss", language, f"Feed {copy} {language}", 300))
    return found


async def poll(app: RunningBot, source: Source, items: list[Entry]) -> None:
    """What one poll of `source` does with these items: store them, then hand the new ones over."""
    records = [entry_record(entry, AllianceClassifier()) for entry in items]
    result = await EntryRepository(app.services.db).store_poll(source.id, records, now=utcnow(), history_size=1000)
    if result.new:
        await app.services.moderation.announce(result.new)
        await app.services.entries.mark_announced([e.id for e in result.new], utcnow())


async def run_round(app: RunningBot, polls: dict[int, tuple[Source, list[Entry]]]) -> None:
    await asyncio.gather(*(poll(app, source, items) for source, items in polls.values()))


async def delivered(app: RunningBot) -> None:
    """Wait until nothing is queued or being sent, except rows held for quiet hours (due an hour or more ahead);
    the test's timeout is the guard against a hang."""
    d = outbox_deliveries
    while True:
        soon = d.c.next_attempt_at < utcnow() + timedelta(minutes=10)
        waiting = sa.select(d.c.id).where(d.c.status.in_(("queued", "sending")), soon).limit(1)
        async with app.services.db.connect() as conn:
            if (await conn.execute(waiting)).first() is None:
                return
        await asyncio.sleep(0.05)


def story_messages(stub: BotAPIStub, chat_id: int, marker: str) -> list[SentMessage]:
    return [m for m in stub.sent_to(chat_id) if marker in m.text]


async def forget_leftovers(app: RunningBot) -> None:
    """An example that failed leaves rows held for quiet hours; the next example must not wait for them."""
    async with app.services.db.begin() as conn:
        await conn.execute(
            sa.update(outbox_deliveries).where(outbox_deliveries.c.status == "queued").values(status="cancelled")
        )


async def morning(app: RunningBot, chat_ids: list[int]) -> None:
    """The readers' quiet hours end: their held rows become due."""
    async with app.services.db.begin() as conn:
        await conn.execute(
            sa.update(outbox_deliveries)
            .where(outbox_deliveries.c.chat_id.in_(chat_ids), outbox_deliveries.c.status == "queued")
            .values(next_attempt_at=utcnow() - timedelta(seconds=1))
        )
    app.services.sender.wake()


async def waiting_rows(app: RunningBot, chat_id: int, story_entries: set[int]) -> list[str]:
    """The languages of the chat's rows of this story that wait to be sent."""
    async with app.services.db.connect() as conn:
        rows = await conn.execute(
            sa.select(outbox_messages.c.language)
            .join(outbox_deliveries, outbox_deliveries.c.message_id == outbox_messages.c.id)
            .where(
                outbox_deliveries.c.chat_id == chat_id,
                outbox_deliveries.c.status == "queued",
                outbox_messages.c.story_id.in_(list(story_entries)),
            )
        )
        return [row.language for row in rows]


def expected(subscription: Subscription, interface: str, versions: set[str]) -> str | None:
    """The version a reader should see: the first of their languages the story exists in; "*" for "any version,
    marked as being in another language"; None for nothing."""
    for language in reading_order(subscription, interface):
        if language in versions:
            return language
    return None if subscription.own_languages_only else "*"


def check_seen(messages: list[SentMessage], want: str | None, number: int, where: str) -> None:
    if want is None:
        assert messages == [], f"{where}: got {[m.text[:60] for m in messages]}, wanted nothing"
        return
    assert len(messages) == 1, f"{where}: {len(messages)} messages of one story: {[m.text[:60] for m in messages]}"
    text = messages[0].text
    if want == "*":
        assert text.startswith(FALLBACK), f"{where}: {text[:80]!r} is not marked as another language"
    else:
        assert f"{TITLES[want]} №{number}" in text, f"{where}: {text[:80]!r} is not the {want} version"
        assert not text.startswith(FALLBACK), f"{where}: {text[:80]!r}"


@dataclass(frozen=True)
class Arrival:
    language: str
    copy: int  # 0: the ministry's own item; 1: an agency's copy of it (another source, a tracking-tagged link)
    round: int


arrivals_strategy = st.lists(
    st.builds(Arrival, language=st.sampled_from(LANGUAGES), copy=st.sampled_from((0, 1)), round=st.integers(0, 2)),
    min_size=1,
    max_size=6,
    unique_by=lambda a: (a.language, a.copy),
)


def version(number: int, arrival: Arrival) -> Entry:
    language = arrival.language
    path = f"/memleket/entities/ecogeo/press/news/details/{number}"
    url = (
        f"https://www.gov.kz{path}?lang={language}"
        if arrival.copy == 0
        else f"HTTPS://GOV.KZ:443{path}/?utm_source=telegram&lang={language}#share"
    )
    return Entry(
        key=f"{arrival.copy}-{number}-{language}",
        url=url,
        title=f"{TITLES[language]} №{number}",
        summary_html=f"<p>Belt and Road {number}.</p>",
        image_url=None,
        published_at=DAY,
        language=language,
    )


# Shrinking reruns whole deliveries for minutes; the generated example is small enough to read as it is.
@pytest.mark.slow
@settings(
    max_examples=12,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    arrivals=arrivals_strategy,
    readers=readers_strategy,
    drain_between=st.booleans(),
    digest_between=st.booleans(),
)
async def test_a_story_reaches_each_reader_once_in_the_best_version_whatever_the_arrival_order(
    stub: BotAPIStub,
    running: RunningBot,
    arrivals: list[Arrival],
    readers: list[Reader],
    drain_between: bool,
    digest_between: bool,
) -> None:
    await forget_leftovers(running)
    number = next(_numbers)
    marker = f"№{number}"
    subscriptions = [await add_reader(running, stub, reader) for reader in readers]
    held = [s.chat_id for r, s in zip(readers, subscriptions, strict=True) if r.quiet and not r.digest]
    sources = await feed_sources(running)
    digest_day = itertools.count(0)
    arrived: set[str] = set()
    at_digests: list[set[str]] = []  # the versions stored when each digest went out

    async def digests() -> None:
        moment = datetime(2026, 12, 2, DIGEST_HOUR, tzinfo=UTC) + timedelta(days=100 * number + next(digest_day))
        await running.services.delivery.send_due_digests(moment)
        at_digests.append(set(arrived))

    rounds = sorted({a.round for a in arrivals})
    for position, current in enumerate(rounds):
        polls: dict[int, tuple[Source, list[Entry]]] = {}
        for arrival in (a for a in arrivals if a.round == current):
            source = sources[arrival.language, arrival.copy]
            polls.setdefault(source.id, (source, []))[1].append(version(number, arrival))
        await run_round(running, polls)
        arrived.update(a.language for a in arrivals if a.round == current)
        if position < len(rounds) - 1:
            if drain_between:
                await delivered(running)
            if digest_between:
                await digests()
    await delivered(running)
    await digests()

    versions = {a.language for a in arrivals}
    async with running.services.db.connect() as conn:
        found = await conn.execute(sa.select(entries_table.c.id).where(entries_table.c.title.like(f"%{marker}")))
        entry_ids = set(found.scalars())
    for reader, subscription in zip(readers, subscriptions, strict=True):
        want = expected(subscription, reader.interface, versions)
        where = f"{reader} with versions {sorted(versions)}"
        if reader.quiet and not reader.digest:
            # Held for the morning: one row of the story waits, and /why never says the chat already has it.
            waiting = await waiting_rows(running, subscription.chat_id, entry_ids)
            assert len(waiting) == (0 if want is None else 1), f"{where}: waiting {waiting}"
            if want not in (None, "*"):
                assert waiting == [want], where
            for entry_id in entry_ids:
                entry_report = await running.services.diagnostics.by_id(entry_id)
                assert entry_report is not None
                verdict = await running.services.diagnostics.verdict(entry_report, subscription.chat_id)
                assert verdict.reason not in ("had", "sent"), f"{where}: /why says {verdict.reason} for {entry_id}"
    await morning(running, held)
    await delivered(running)
    for reader, subscription in zip(readers, subscriptions, strict=True):
        want = expected(subscription, reader.interface, versions)
        where = f"{reader} with versions {sorted(versions)} arriving {arrivals}"
        messages = story_messages(stub, subscription.chat_id, marker)
        if reader.digest:
            # The first digest that has a version for the reader lists the story once, in the best version stored
            # by then; a later version never repeats it (a digest is not edited).
            want = next(
                (w for seen in at_digests if (w := expected(subscription, reader.interface, seen)) is not None), None
            )
            assert len(messages) == (0 if want is None else 1), f"{where}: {[m.text[:80] for m in messages]}"
            if want not in (None, "*"):
                assert f"{TITLES[want]} №{number}" in messages[0].text, where
            continue
        check_seen(messages, want, number, where)


def distinct_item(number: int, shared_lead: bool, same_title: bool, on_govkz: bool) -> Entry:
    url = (
        f"https://www.gov.kz/memleket/entities/ecogeo/press/news/details/{number}?lang=ru"
        if on_govkz
        else f"https://igtipc.org/2026/12/01/{number}/"
    )
    return Entry(
        key=f"guid-{number}",
        url=url,
        title=TITLES["ru"] if same_title else f"{TITLES['ru']} №{number}",
        summary_html=LEAD if shared_lead else LEAD + f"<p>Подробности №{number}.</p>",
        image_url=None,
        published_at=DAY + timedelta(hours=number % 5),
        language="ru",
    )


# Shrinking reruns whole deliveries for minutes; the generated example is small enough to read as it is.
@pytest.mark.slow
@settings(
    max_examples=12,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    items=st.lists(
        st.tuples(st.booleans(), st.booleans(), st.booleans(), st.sampled_from((0, 1)), st.integers(0, 2)),
        min_size=2,
        max_size=5,
    ).filter(lambda items: any(shared or same for shared, same, *_ in items))
)
async def test_distinct_news_sharing_a_lead_or_a_title_is_never_merged(
    stub: BotAPIStub, running: RunningBot, items: list[tuple[bool, bool, bool, int, int]]
) -> None:
    subscription = await add_reader(running, stub, Reader("ru", ("ru",), False, False, False))
    sources = await feed_sources(running)
    entries = [
        (distinct_item(next(_numbers), shared, same, govkz), copy, round_)
        for shared, same, govkz, copy, round_ in items
    ]
    for current in sorted({round_ for *_, round_ in entries}):
        polls: dict[int, tuple[Source, list[Entry]]] = {}
        for entry, copy, round_ in entries:
            if round_ == current:
                source = sources["ru", copy]
                polls.setdefault(source.id, (source, []))[1].append(entry)
        await run_round(running, polls)
    await drained(running.services.outbox)
    # Each message links its article (the title or the "read more" button): distinct items, distinct links.
    links = [[str(b.get("url")) for b in m.buttons] + [m.html or ""] for m in stub.sent_to(subscription.chat_id)]
    for entry, *_ in entries:
        times = sum(any(entry.url == part or f'href="{entry.url}"' in part for part in parts) for parts in links)
        assert times == 1, f"{entry.url} delivered {times} times: {links}"
    stored = {e.entry.key: e for e in await running.services.entries.latest(limit=100, alliance_only=True)}
    assert all(entry.key in stored for entry, *_ in entries), "a distinct item is hidden from /latest"


async def test_why_tells_merges_look_alikes_replaced_and_waiting_copies(stub: BotAPIStub, running: RunningBot) -> None:
    """/why as the admin reads it: a merge with its reason, a look-alike delivered on its own, a version replaced
    before it went out, and a copy still waiting for the morning (never "already has this story")."""
    kazakh = await add_reader(running, stub, Reader("kk", ("kk",), False, quiet=True, digest=False))
    russian = await add_reader(running, stub, Reader("ru", ("ru", "kk"), False, quiet=True, digest=False))
    sources = await feed_sources(running)
    number = next(_numbers)
    ru, kk = (version(number, Arrival(language, 0, 0)) for language in ("ru", "kk"))
    await poll(running, sources["ru", 0], [ru])
    await poll(running, sources["kk", 0], [kk])
    agency = Entry("agency-copy", link(ru) + "&utm_medium=rss", ru.title, ru.summary_html, None, DAY, "ru")
    alike = Entry("alike", f"https://igtipc.org/2026/12/01/{number}/", ru.title, LEAD, None, DAY, "ru")
    await poll(running, sources["ru", 1], [agency])
    story = await story_entries(running, number)
    await poll(running, sources["ru", 1], [alike])
    assert await waiting_rows(running, kazakh.chat_id, story) == ["kk"]
    assert await waiting_rows(running, russian.chat_id, story) == ["ru"]

    boss = stub.user(ADMIN_ID, first_name="Admin", language_code="en")
    await running.services.chats.meet(ADMIN_ID, type="private", language="en", title=None, username=None)

    async def why(url: str, chat: int | None = None) -> str:
        return (await boss.ask(f"/why {url}" + (f" {chat}" if chat else ""))).text

    first = min(story)
    assert "Story: the same as item #" + str(first) + " (the same article address)" in await why(link(agency))
    assert (
        f"Story: its own. It looks like item #{first} (the same title and day), but nothing proves it is the same "
        "article, so both are delivered." in await why(link(alike))
    )
    replaced = (await why(link(ru), kazakh.chat_id)).splitlines()[-1]
    assert replaced == f"Chat {kazakh.chat_id}: before it was sent, this version was replaced by a better one (kk)."
    waiting = (await why(link(kk), russian.chat_id)).splitlines()[-1]
    assert waiting.startswith(f"Chat {russian.chat_id}: its copy of this story (ru) is queued and goes out "), waiting


def link(entry: Entry) -> str:
    assert entry.url is not None
    return entry.url


async def story_entries(app: RunningBot, number: int) -> set[int]:
    async with app.services.db.connect() as conn:
        found = await conn.execute(sa.select(entries_table.c.id).where(entries_table.c.title.like(f"%№{number}")))
        return set(found.scalars())


async def test_three_versions_in_one_round_are_one_message_and_one_queued_row(
    stub: BotAPIStub, running: RunningBot
) -> None:
    """The issue's case: gov.kz's ru, kk and en pages of one news id in one poll round (three sources at once). Before,
    an English reader got "Only in Russian:", "Only in Kazakh:" and the English version, and a reader in quiet
    hours had all three queued for the morning."""
    english = await add_reader(running, stub, Reader("en", ("en",), False, quiet=False, digest=False))
    sleeper = await add_reader(running, stub, Reader("kk", ("kk",), False, quiet=True, digest=False))
    sources = await feed_sources(running)
    number = next(_numbers)
    items = {language: version(number, Arrival(language, 0, 0)) for language in LANGUAGES}
    await run_round(running, {sources[code, 0].id: (sources[code, 0], [items[code]]) for code in LANGUAGES})
    story = await story_entries(running, number)
    assert await waiting_rows(running, sleeper.chat_id, story) == ["kk"]
    await delivered(running)
    (message,) = story_messages(stub, english.chat_id, f"№{number}")
    assert message.text.startswith(f"{TITLES['en']} №{number}")
    await morning(running, [sleeper.chat_id])
    await delivered(running)
    (message,) = story_messages(stub, sleeper.chat_id, f"№{number}")
    assert message.text.startswith(f"{TITLES['kk']} №{number}") and message.edits == 0


article_paths = st.lists(st.from_regex(r"[a-z0-9а-я-]{1,12}", fullmatch=True), min_size=1, max_size=4).map(
    lambda parts: "/" + "/".join(parts)
)


@given(
    path=article_paths,
    article_id=st.integers(1, 10**6),
    scheme=st.sampled_from(("http", "https", "HTTPS")),
    host=st.sampled_from(("gov.kz", "www.gov.kz", "GOV.KZ", "Www.Gov.Kz")),
    port=st.booleans(),
    slash=st.booleans(),
    tracking=st.lists(
        st.sampled_from(("utm_source=tg", "utm_medium=rss", "fbclid=x1", "gclid=y", "lang=kk")), max_size=3
    ),
    fragment=st.booleans(),
)
def test_links_to_one_article_share_its_key_and_other_articles_never_do(
    path: str, article_id: int, scheme: str, host: str, port: bool, slash: bool, tracking: list[str], fragment: bool
) -> None:
    plain = normalise_url(f"https://gov.kz{path}?id={article_id}")
    default_port = (":443" if scheme.lower() == "https" else ":80") if port else ""
    query = "&".join([*tracking, f"id={article_id}"])
    variant = f"{scheme}://{host}{default_port}{quote(path)}{'/' if slash else ''}?{query}{'#top' if fragment else ''}"
    assert normalise_url(variant) == plain is not None
    assert normalise_url(f"https://gov.kz{path}?id={article_id + 1}") != plain
    assert normalise_url(f"https://gov.kz{path}/other?id={article_id}") != plain
    assert normalise_url(f"https://gov.kz:8443{path}?id={article_id}") != plain
    # Parameters that may be an article's number on some sites are kept.
    assert normalise_url(f"https://gov.kz{path}?id={article_id}&ref=2") != plain


def test_a_front_page_is_no_evidence_of_an_article() -> None:
    assert normalise_url("https://igtipc.org/") is None
    assert normalise_url("https://www.igtipc.org?utm_source=rss#news") is None
    assert normalise_url("https://igtipc.org/?p=9100") is not None
