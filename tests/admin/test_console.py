"""/sources, /kb and /stats from Telegram, each action in the audit log."""

import asyncio
import re

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from bot.i18n import localizer
from bot.services.ingestion.kinds import SOURCE_KINDS
from local_telegram import BotAPIStub
from storage.kb import SEED_FILE, KnowledgeBaseRepository, dump_knowledge_base, read_knowledge_base_file
from storage.schema import audit_log, broadcasts
from storage.sources import SourceRepository
from tests.admin.conftest import add_subscribers, admin
from tests.conftest import ADMIN_ID, RunningBot
from tests.qa.test_knowledge_base import BAD_KB_YAML
from tests.support.feeds import FeedSite, Item, rss


async def audit_actions(app: RunningBot) -> list[tuple[int | None, str]]:
    async with app.services.db.connect() as conn:
        rows = (await conn.execute(select(audit_log).order_by(audit_log.c.id))).all()
    return [(row.actor_id, row.action) for row in rows]


@pytest.mark.slow
async def test_sources_add_checks_the_feed_then_pause_poll_resume_remove(
    stub: BotAPIStub, app: RunningBot, site: FeedSite
) -> None:
    good = site.serve("/feed/", rss([Item(title="Hello", link="http://x/1", guid="1")]))
    broken = site.serve("/page", "<html>not a feed</html>", content_type="text/html")
    boss = admin(stub)
    assert "No sources" in (await boss.ask("/sources")).text
    assert (await boss.ask(f"/sources add {broken}")).text.startswith("Checking")
    assert (await boss.reply()).text.startswith("The source was not added:")
    assert (await boss.ask("/sources add ftp://example.org/feed")).text.startswith("Checking")
    assert "only http:// and https://" in (await boss.reply()).text
    assert await SourceRepository(app.services.db).list_all() == []

    boss.send(f"/sources add {good} en")
    await boss.reply()
    added = await boss.reply()
    assert added.text.startswith("Added source #1 (1 item in the feed now).")
    (source,) = await SourceRepository(app.services.db).list_all()
    assert (source.url, source.language, source.enabled) == (good, "en", True)

    # A source added is polled at once (its add wakes the poller's tick), not at the tick's next idle look.
    while (polled := await SourceRepository(app.services.db).get(1)) is None or polled.last_success_at is None:
        await asyncio.sleep(0.05)
    listing = await boss.ask("/sources")
    assert "#1 ▶️ active · en" in listing.text
    # The date in the admin's language and zone, the zone shown (never an ISO date in UTC).
    assert re.search(r"Last success: \d{1,2} December 20\d\d, \d\d:\d\d \(Almaty, UTC\+5\)", listing.text)
    # Each button answers at once and redraws the list in place: it never goes stale after a change.
    assert (await boss.callback_answer(boss.press(listing, "⏸ #1")))["text"] == "Source #1 is paused."
    await stub.wait_until(lambda: "⏸ paused" in listing.text)
    assert listing.button("▶️ #1")
    assert not (await SourceRepository(app.services.db).get(1)).enabled
    boss.press(listing, "🔄 #1")
    assert (await boss.reply()).text == "Source #1 polled: not changed since the last poll, new items: 0. Error: —"
    assert (await boss.callback_answer(boss.press(listing, "▶️ #1")))["text"] == "Source #1 is polled again."
    await stub.wait_until(lambda: "▶️ active" in listing.text)

    # 🗑 asks first; "Keep it" brings the list's buttons back and removes nothing.
    asked = await boss.callback_answer(boss.press(listing, "🗑 #1"))
    assert asked["text"] == "Remove source #1? Confirm with the button."
    await stub.wait_until(lambda: [b["text"] for b in listing.buttons] == ["🗑 Yes, remove source #1", "↩️ Keep it"])
    confirm = listing.button("Yes, remove")["callback_data"]
    boss.press(listing, "Keep it")
    await stub.wait_until(lambda: any(b["text"] == "🗑 #1" for b in listing.buttons))
    assert await SourceRepository(app.services.db).get(1) is not None
    assert "#1 ▶️ active" in listing.text

    boss.press(listing, "🗑 #1")
    await stub.wait_until(lambda: any("Yes, remove" in b["text"] for b in listing.buttons))
    removed = await boss.callback_answer(boss.press(listing, "Yes, remove"))
    assert removed["text"].startswith("Source #1 is removed")
    await stub.wait_until(lambda: "No sources" in listing.text)
    assert listing.buttons == []
    again = await boss.callback_answer(boss.press(listing, data=confirm))  # a copy of the button: nothing to remove
    assert again["text"] == localizer("en")("button-stale")
    assert "No sources" in (await boss.ask("/sources")).text
    actions = [action for actor, action in await audit_actions(app) if actor == ADMIN_ID]
    assert actions == ["source.add", "source.pause", "source.poll", "source.resume", "source.remove"]


async def test_kb_export_and_import_with_every_error_and_its_line(stub: BotAPIStub, app: RunningBot) -> None:
    knowledge: KnowledgeBaseRepository = app.services.knowledge
    before = await knowledge.load()
    boss = admin(stub)
    exported = await boss.ask("/kb")
    assert exported.kind == "document"
    assert exported.text.startswith(f"The knowledge base: {len(before.organizations)} organizations")

    assert "YAML document" in (await boss.ask("/kb import")).text
    bad = BAD_KB_YAML
    boss.send_media("document", file_name="kb.yaml", content=bad.encode())
    report = await boss.reply()
    assert report.text.startswith("Nothing was changed: 3 errors in the file.")
    assert "line 5: countries[0].in_alliance: expected true or false" in report.text
    assert "line 10: organizations[0].role" in report.text
    assert "line 14: organizations[0].source_date: expected a date YYYY-MM-DD" in report.text
    assert await knowledge.load() == before

    seed = read_knowledge_base_file(SEED_FILE)
    edited = dump_knowledge_base(seed).replace("Belt and Road Initiative (BRI)", "Belt and Road Initiative")
    assert (await boss.ask("/kb import")).text
    boss.send_media("document", file_name="kb.yaml", content=edited.encode())
    assert (await boss.reply()).text.startswith("Knowledge base imported:")
    after = await knowledge.load()
    assert after.fact("initiative").text["en"] == "Belt and Road Initiative"
    actions = [action for actor, action in await audit_actions(app) if actor == ADMIN_ID]
    assert actions == ["kb.export", "kb.import"]


async def test_stats_show_subscribers_chats_deliveries_and_queue(stub: BotAPIStub, app: RunningBot) -> None:
    await add_subscribers(app, stub, 3, first_id=30_000, language="ru")
    kk = await add_subscribers(app, stub, 2, first_id=31_000, language="kk")
    await app.services.subscriptions.set_paused(kk[0].id, True)
    stats = await admin(stub).ask("/stats")
    assert "Subscribers: active 4, paused 1, blocked or gone 0" in stats.text
    # Codes in words of the admin's language, never raw ("alliance", "instant", "supergroup").
    assert "By language: Қазақша: 1, Русский: 3" in stats.text
    assert "By news: Alliance only: 4" in stats.text
    assert "By delivery: Instant: 4" in stats.text
    assert "Chats by type: private: 6" in stats.text  # the admin's own chat too
    assert "Waiting in the queue: 0" in stats.text
    assert "Sources: 0" in stats.text


@pytest.mark.parametrize(
    ("language", "lines"),
    [
        (
            "ru",
            [
                "По новостям: Все новости министерства: 1, Только альянс: 1",
                "По доставке: Раз в день: 1, Сразу: 1",
                "Чаты по типам: личные: 2, супергруппы: 1",
            ],
        ),
        (
            "kk",
            [
                "Министрліктің барлық жаңалықтары: 1, Тек альянс: 1",
                "Күніне бір рет: 1, Бірден: 1",
                "жеке: 2, супертоптар: 1",
            ],
        ),
    ],
)
async def test_stats_put_codes_into_the_admins_words(
    stub: BotAPIStub, app: RunningBot, language: str, lines: list[str]
) -> None:
    (reader,) = await add_subscribers(app, stub, 1, first_id=33_000, language="ru")
    await app.services.chats.meet(-100_500, type="supergroup", language="ru", title="Group", username=None)
    await app.services.subscriptions.subscribe(-100_500, "ru")
    await app.services.subscriptions.set_scope(-100_500, "all")
    await app.services.subscriptions.set_mode(reader.id, "daily")
    text = (await stub.user(ADMIN_ID, first_name="Admin", language_code=language).ask("/stats")).text
    for line in lines:
        assert line in text
    for code in ("alliance", "instant", "daily", "supergroup", "private"):
        assert code not in text


@pytest.mark.parametrize("opening", ["/broadcast", "/kb import"])
async def test_any_command_ends_any_admin_dialog(stub: BotAPIStub, app: RunningBot, opening: str) -> None:
    boss = admin(stub)
    prompt = await boss.ask(opening)
    assert "Any command cancels" in prompt.text
    assert (await boss.ask("/help")).text == "Cancelled."
    # The dialog is over: plain text is a question again, not the broadcast or the file the dialog waited for.
    answer = await boss.ask("Who are the co-chairs?")
    assert "Shanghai Electric" in answer.text
    async with app.services.db.connect() as conn:
        assert (await conn.execute(sa.select(sa.func.count()).select_from(broadcasts))).scalar() == 0


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        ("Новости Центра", "Новости Центра"),
        ("  Жаңалықтар\n  орталығы ", "Жаңалықтар орталығы"),
        ("<b>News</b> &amp; events", "News & events"),
        ("x" * 300, "x" * 256),
        ("", "127.0.0.1"),  # a feed without a name keeps its host
    ],
)
async def test_a_new_source_is_named_as_the_feed_names_itself(
    stub: BotAPIStub, app: RunningBot, site: FeedSite, title: str, shown: str
) -> None:
    """The walk: a source added with /sources add was called "127.0.0.1" (its host) instead of the feed's title."""
    url = site.serve("/feed/", rss([Item(title="Hello", link="http://x/1")], title=title))
    boss = admin(stub)
    boss.send(f"/sources add {url} en")
    await boss.reply()
    assert (await boss.reply()).text.startswith("Added source #1")
    (source,) = await SourceRepository(app.services.db).list_all()
    assert source.title == shown
    assert f"#1 ▶️ active · en · {shown}" in (await boss.ask("/sources")).text


@given(title=st.text(max_size=400))
def test_any_feed_title_reads_as_one_line_of_plain_text(title: str) -> None:
    document = rss([], title=title.replace("\x00", "")).encode()
    named = SOURCE_KINDS["rss"].read_title(document, content_type="application/rss+xml", url="http://127.0.0.1/")
    assert named is None or (0 < len(named) <= 256 and named == " ".join(named.split()))
