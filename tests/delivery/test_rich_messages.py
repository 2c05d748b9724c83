"""Full articles as rich messages, through the strict local Telegram: one message where Telegram takes rich
messages, today's split HTML messages where it refuses them, nothing lost or doubled either way."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import asdict, replace

import pytest

from bot.rendering import render_entry
from bot.rendering.rich import rich_entry
from domain.entries import StoredEntry
from domain.sources import NewSource
from local_telegram import BotAPIStub, Fault
from storage.outbox import Recipient
from storage.sources import SourceRepository
from tests.conftest import RunningBot, make_settings
from tests.delivery.conftest import drained, start_delivery_bot
from tests.delivery.helpers import make_entry
from tests.delivery.test_end_to_end import delivery, outbox, subscribe
from tests.support.feeds import PNG, FeedSite, Item, rss

PDF = b"%PDF-1.4\n%official document\n"
PARAGRAPHS = [
    f"Paragraph {n}: the alliance agreed on measure {n}. " + "Low-carbon development. " * 12 for n in range(16)
]


@pytest.fixture
async def running(stub: BotAPIStub, database_url: str) -> AsyncIterator[RunningBot]:
    """The production bot with rich messages on, as RICH_MESSAGES defaults."""
    app = await start_delivery_bot(make_settings(stub, database_url, rich_messages=True), stub)
    yield app
    await app.stop()


def long_article(site: FeedSite, title: str) -> StoredEntry:
    """An alliance announcement longer than one 4096-character message, with a heading, a list and an image."""
    body = "<h2>Decisions</h2>" + "".join(f"<p>{text}</p>" for text in PARAGRAPHS)
    body += "<ul><li>first measure</li><li>second measure</li></ul>"
    stored = make_entry(title, language="ru", summary=body)
    image = site.serve("/lead.png", PNG, content_type="image/png")
    return replace(stored, entry=replace(stored.entry, image_url=image))


def news(stub: BotAPIStub, chat_id: int, title: str) -> list[tuple[str, str]]:
    return [(m.kind, m.text) for m in stub.sent_to(chat_id) if title in m.text]


async def test_long_article_arrives_as_one_rich_message(stub: BotAPIStub, running: RunningBot, site: FeedSite) -> None:
    reader = await subscribe(stub, 3001, "ru")
    stored = long_article(site, "Alliance long read")
    assert len(render_entry(stored, "ru").text) <= 4096 < sum(map(len, PARAGRAPHS))  # the split message is cut
    await delivery(running).announce([stored])
    await drained(outbox(running))

    (message,) = [m for m in stub.sent_to(reader.id) if "Alliance long read" in m.text]
    assert message.kind == "rich"
    assert message.rich is not None
    assert message.rich["blocks"][0] == {"type": "heading", "text": "Alliance long read", "size": 1}
    assert message.media == [("photo", stored.entry.image_url)]
    for text in PARAGRAPHS:  # the whole article, not its first 4096 characters
        assert " ".join(text.split()) in message.text
    assert "• first measure" in message.text
    assert message.button("Читать на сайте")["url"] == stored.entry.url
    assert stub.calls_of("sendPhoto") == []


async def test_rich_message_carries_the_document_and_the_other_languages(
    stub: BotAPIStub, running: RunningBot, site: FeedSite
) -> None:
    reader = await subscribe(stub, 3101, "ru")
    stored = long_article(site, "Alliance decree")
    document = site.serve("/decree.pdf", PDF, content_type="application/pdf")
    kazakh = "https://example.org/kk/decree"
    rendered = render_entry(stored, "ru")
    rich = rich_entry(stored, "ru", document_url=document, versions={"kk": kazakh})
    message_id = await outbox(running).add_message("entry", payload=asdict(replace(rendered, rich=rich)))
    await outbox(running).add_deliveries(message_id, [Recipient(reader.id)])
    running.services.sender.wake()
    await stub.wait_until(lambda: any(m.kind == "rich" for m in stub.sent_to(reader.id)))
    await drained(outbox(running))

    (message,) = [m for m in stub.sent_to(reader.id) if m.kind == "rich"]
    assert message.media == [("photo", stored.entry.image_url), ("document", document)]
    assert message.button("Читать на казахском")["url"] == kazakh
    assert [b["text"] for b in message.buttons] == ["Читать на сайте", "Читать на казахском"]  # no English version
    assert site.hits("/decree.pdf")  # Telegram fetched the document


async def test_refused_rich_messages_fall_back_to_the_split_messages(
    stub: BotAPIStub, running: RunningBot, site: FeedSite
) -> None:
    readers = [await subscribe(stub, 3200 + i, "ru") for i in range(3)]
    stub.rich_messages = False  # an older Bot API server: no sendRichMessage
    entries = [long_article(site, f"Alliance story {n}") for n in range(3)]
    await delivery(running).announce(entries)
    await drained(outbox(running))

    for reader in readers:
        for stored in entries:
            sent = [(m.kind, m.html) for m in stub.sent_to(reader.id) if stored.entry.title in m.text]
            # exactly the photo today's sender sends, once: nothing lost or doubled
            assert sent == [("photo", render_entry(stored, "ru").caption)]
    # the refusal is remembered for the process: only the sends already under way when it came tried rich
    tried = len(stub.calls_of("sendRichMessage"))
    assert 1 <= tried <= running.services.sender.concurrency
    later = long_article(site, "Alliance story later")
    await delivery(running).announce([later])
    await drained(outbox(running))
    assert len(stub.calls_of("sendRichMessage")) == tried
    for reader in readers:
        assert [m.kind for m in stub.sent_to(reader.id) if "Alliance story later" in m.text] == ["photo"]


async def test_one_refused_rich_message_falls_back_alone(stub: BotAPIStub, running: RunningBot, site: FeedSite) -> None:
    reader = await subscribe(stub, 3301, "ru")
    stub.faults.append(
        Fault(method="sendRichMessage", status=400, description="Bad Request: rich block is refused", times=1)
    )
    first, second = long_article(site, "Alliance first"), long_article(site, "Alliance second")
    await delivery(running).announce([first])
    await drained(outbox(running))
    await delivery(running).announce([second])
    await drained(outbox(running))

    assert [kind for kind, _ in news(stub, reader.id, "Alliance first")] == ["photo"]  # this one fell back
    assert [kind for kind, _ in news(stub, reader.id, "Alliance second")] == ["rich"]  # the next is rich again


async def test_rich_messages_setting_off_sends_the_split_messages(stub: BotAPIStub, database_url: str) -> None:
    app = await start_delivery_bot(make_settings(stub, database_url, rich_messages=False), stub)
    try:
        reader = await subscribe(stub, 3401, "ru")
        await delivery(app).announce([make_entry("Alliance plain", language="ru")])
        await drained(outbox(app))
        assert [kind for kind, _ in news(stub, reader.id, "Alliance plain")] == ["text"]
        assert stub.calls_of("sendRichMessage") == []
    finally:
        await app.stop()


async def test_a_better_version_rewrites_the_rich_message_in_place(stub: BotAPIStub, running: RunningBot) -> None:
    reader = await subscribe(stub, 3501, "en")
    russian = make_entry("Альянс принял решение", language="ru", entry_id=60_001)
    english = replace(make_entry("Alliance decides", language="en", entry_id=60_002), story_id=russian.id)
    await delivery(running).announce([russian])
    await drained(outbox(running))
    (message,) = [m for m in stub.sent_to(reader.id) if m.kind == "rich"]
    assert message.text.startswith("Only in Russian:")

    await delivery(running).announce([english])
    await drained(outbox(running))
    await stub.wait_until(lambda: "Alliance decides" in message.text)
    assert message.edits == 1 and "Only in" not in message.text
    stories = [m.kind for m in stub.sent_to(reader.id) if "Alliance decides" in m.text or "Альянс принял" in m.text]
    assert stories == ["rich"]  # one message for the story, rewritten


VERSION_TITLES = {
    "ru": "Альянс по низкоуглеродным технологиям утвердил положение",
    "kk": "Төмен көміртекті технологиялар альянсы ережені бекітті",
    "en": "Low-carbon technology Alliance approves its regulation",
}
READ_IN = {
    "ru": {"kk": "Читать на казахском", "en": "Читать на английском"},
    "kk": {"ru": "Орыс тілінде оқу", "en": "Ағылшын тілінде оқу"},
    "en": {"ru": "Read in Russian", "kk": "Read in Kazakh"},
}


async def feed_per_language(app: RunningBot, site: FeedSite, document: str) -> dict[str, int]:
    """One RSS feed per language on the local site, each with the same article (one story: the same address but
    for its `lang` parameter) enclosing the same PDF; the source ids."""
    sources = {}
    for language in ("ru", "kk", "en"):
        article = site.url("/news/7") + f"?lang={language}"
        item = Item(
            title=VERSION_TITLES[language],
            link=article,
            guid=f"news-7-{language}",
            description="<p>Decision of the Council.</p>",
            enclosure=(document, "application/pdf"),
        )
        feed = site.serve(f"/feed/{language}", rss([item]))
        source = NewSource(feed, "rss", language, f"Center {language}", 300)
        sources[language] = (await SourceRepository(app.services.db).add(source)).id
    return sources


async def test_a_polled_article_carries_its_pdf_and_the_versions_that_exist(
    stub: BotAPIStub, running: RunningBot, site: FeedSite
) -> None:
    """The feed's PDF enclosure is stored and attached inside the rich message; "Read in ..." buttons name the
    story's versions that exist when the message is made, each opening that version."""
    readers = {language: await subscribe(stub, 3600 + n, language) for n, language in enumerate(("ru", "kk", "en"))}
    document = site.serve("/files/regulation.pdf", PDF, content_type="application/pdf")
    sources = await feed_per_language(running, site, document)
    for language in ("ru", "kk", "en"):  # the versions arrive one poll after another
        await running.services.poller.poll_now([sources[language]])
        await drained(outbox(running))
        await stub.wait_until(lambda: VERSION_TITLES[language] in stub.sent_to(readers[language].id)[-1].text)  # noqa: B023

    for n, language in enumerate(("ru", "kk", "en")):
        (message,) = [m for m in stub.sent_to(readers[language].id) if m.kind == "rich"]
        assert VERSION_TITLES[language] in message.text
        assert ("document", document) in message.media
        earlier = ("ru", "kk", "en")[:n]  # the versions stored before this reader's own
        shown = {b["text"]: b["url"] for b in message.buttons if b["text"] in READ_IN[language].values()}
        assert shown == {READ_IN[language][other]: site.url("/news/7") + f"?lang={other}" for other in earlier}
    assert site.hits("/files/regulation.pdf")  # Telegram fetched it


async def test_the_split_fallback_links_the_pdf(stub: BotAPIStub, running: RunningBot, site: FeedSite) -> None:
    stub.rich_messages = False  # a Bot API server without sendRichMessage
    readers = {language: await subscribe(stub, 3700 + n, language) for n, language in enumerate(("ru", "kk", "en"))}
    document = site.serve("/files/regulation.pdf", PDF, content_type="application/pdf")
    sources = await feed_per_language(running, site, document)
    await running.services.poller.poll_now([sources["ru"], sources["kk"], sources["en"]])
    await drained(outbox(running))
    labels = {"ru": "Официальный документ (PDF)", "kk": "Ресми құжат (PDF)", "en": "Official document (PDF)"}
    for language, reader in readers.items():
        (message,) = [m for m in stub.sent_to(reader.id) if any(t in m.text for t in VERSION_TITLES.values())]
        assert message.kind == "text"
        assert message.button(labels[language])["url"] == document
