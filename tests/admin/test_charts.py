"""/stats charts: a real PNG through the stub, captioned in the admin's language, and the figures behind it."""

from __future__ import annotations

import io
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from bot.i18n import localizer
from bot.rendering.dates import format_day
from bot.services.admin.charts import Panel, StatsCharts, draw
from domain.clock import utcnow
from domain.localtime import zone_label
from domain.questions import MISSED_OUTCOMES
from local_telegram import BotAPIStub
from storage import Database
from storage.schema import chats, outbox_deliveries, outbox_messages, qa_log, subscriptions
from storage.stats import StatsRepository
from tests.admin.conftest import add_subscribers
from tests.conftest import ADMIN_ID, RunningBot

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# The bot's zone (Asia/Almaty) as an admin who chose none reads it under the chart.
ZONE_SHOWN = {
    "en": "(days in Almaty (UTC+5))",
    "ru": "(дни по часовому поясу: Алматы (UTC+5))",
    "kk": "(күндер Алматы (UTC+5) уақыты бойынша)",
}


def assert_png(content: bytes) -> tuple[int, int]:
    assert content.startswith(PNG_SIGNATURE)
    image = Image.open(io.BytesIO(content))
    image.verify()  # a truncated or corrupt file raises here
    assert image.format == "PNG"
    return image.size


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
async def test_stats_sends_a_png_chart_captioned_in_the_admins_language(
    stub: BotAPIStub, app: RunningBot, language: str
) -> None:
    await add_subscribers(app, stub, 3, first_id=30_000, language="ru")
    await add_subscribers(app, stub, 1, first_id=31_000, language="kk")
    boss = stub.user(ADMIN_ID, first_name="Admin", language_code=language)
    asked = utcnow()
    summary = await boss.ask("/stats")
    assert summary.kind == "text"
    picture = await boss.reply()  # the first chart of a process imports matplotlib
    assert picture.kind == "photo"
    assert picture.upload is not None
    width, height = assert_png(picture.upload.content)
    assert width >= 800
    assert height >= 600
    # The days are the admin's own (the bot's zone, Asia/Almaty, for an admin who chose none: from 19:00 UTC it is
    # tomorrow there), the day /stats was asked on, which may end while the chart is drawn.
    admin_chat = await app.services.chats.get(ADMIN_ID)
    assert admin_chat is not None
    zone_name = app.services.subscriptions.zone_of(admin_chat)
    local = ZoneInfo(zone_name)
    l10n = localizer(language)
    captions = {
        l10n(
            "admin-chart-caption",
            first=format_day(day - timedelta(days=29), language),
            last=format_day(day, language),
            zone=zone_label(zone_name, language, asked),
        )
        for day in (asked.astimezone(local).date(), utcnow().astimezone(local).date())
    }
    assert picture.text in captions, picture.text
    assert ZONE_SHOWN[language] in picture.text  # the days are the admin's, and the caption says whose


@settings(max_examples=8, deadline=None)
@given(
    days=st.integers(min_value=1, max_value=60),
    series=st.dictionaries(st.sampled_from(["ru", "kk", "en", "sent"]), st.integers(0, 10**6), max_size=4),
    bars=st.booleans(),
)
def test_any_figures_draw_a_valid_png(days: int, series: dict[str, int], bars: bool) -> None:
    window = [date(2025, 1, 1) + timedelta(days=n) for n in range(days)]
    lines = {label: [value * n // days for n in range(days)] for label, value in series.items()}
    panels = [Panel("Қазақша — Русский", lines, bars=bars), Panel("empty", {})]
    assert_png(draw(window, panels, "no data yet"))


async def _reset(db: Database) -> None:
    async with db.begin() as conn:
        for table in (outbox_deliveries, outbox_messages, subscriptions, chats, qa_log):
            await conn.execute(sa.delete(table))


# Instants over six weeks, to the minute: any of them may fall on another local day than its UTC day.
instants = st.integers(min_value=-40 * 24 * 60, max_value=24 * 60 - 1).map(
    lambda minutes: datetime(2025, 3, 31, tzinfo=UTC) + timedelta(minutes=minutes)
)
# Whole-hour, half-hour, quarter-hour and negative offsets, and one with a DST change inside the window.
zones = st.sampled_from(["UTC", "Asia/Almaty", "Asia/Kolkata", "Asia/Kathmandu", "America/St_Johns", "Europe/Berlin"])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    zone_name=zones,
    subscribers=st.lists(
        st.tuples(instants, st.sampled_from(["ru", "kk", "en"]), st.booleans(), st.booleans()), max_size=25
    ),
    deliveries=st.lists(st.tuples(instants, st.sampled_from(["sent", "failed", "blocked", "queued"])), max_size=25),
    questions=st.lists(
        st.tuples(instants, st.sampled_from(["answered", "news", "search", *MISSED_OUTCOMES])), max_size=25
    ),
)
async def test_history_counts_listening_subscribers_deliveries_and_questions_by_the_readers_day(
    db: Database,
    zone_name: str,
    subscribers: list[tuple[datetime, str, bool, bool]],
    deliveries: list[tuple[datetime, str]],
    questions: list[tuple[datetime, str]],
) -> None:
    await _reset(db)
    local = ZoneInfo(zone_name)
    today = date(2025, 3, 31)

    def day_of(instant: datetime) -> date:
        return instant.astimezone(local).date()

    async with db.begin() as conn:
        for n, (instant, language, active, paused) in enumerate(subscribers):
            await conn.execute(
                sa.insert(chats).values(
                    id=n + 1, type="private", language=language, active=active, created_at=instant - timedelta(days=60)
                )
            )
            await conn.execute(
                sa.insert(subscriptions).values(chat_id=n + 1, languages=language, paused=paused, created_at=instant)
            )
        message_id = (await conn.execute(sa.insert(outbox_messages).values(kind="entry"))).inserted_primary_key[0]  # type: ignore[index]
        for n, (instant, status) in enumerate(deliveries):
            await conn.execute(
                sa.insert(outbox_deliveries).values(
                    message_id=message_id,
                    chat_id=n,
                    status=status,
                    sent_at=instant if status == "sent" else None,
                    next_attempt_at=instant,
                )
            )
        for instant, outcome in questions:
            await conn.execute(
                sa.insert(qa_log).values(
                    asked_at=instant, question="q", normalized="q", language="ru", intent="x", outcome=outcome
                )
            )
    first = today - timedelta(days=29)
    history = await StatsRepository(db).history(first, today, local)
    assert history.days == [first + timedelta(days=n) for n in range(30)]
    for index, day in enumerate(history.days):
        listening = Counter(
            lang for at, lang, active, paused in subscribers if active and not paused and day_of(at) <= day
        )
        for language, line in history.subscribers_by_language.items():
            assert line[index] == listening[language]
        assert set(listening) <= set(history.subscribers_by_language)
        assert history.sent[index] == sum(1 for at, status in deliveries if status == "sent" and day_of(at) == day)
        assert history.failed[index] == sum(
            1 for at, status in deliveries if status in ("failed", "blocked") and day_of(at) == day
        )
        assert history.answered[index] == sum(
            1 for at, outcome in questions if outcome not in MISSED_OUTCOMES and day_of(at) == day
        )
        assert history.not_known[index] == sum(
            1 for at, outcome in questions if outcome in MISSED_OUTCOMES and day_of(at) == day
        )


async def test_a_send_early_in_the_admins_morning_is_on_that_days_bar(db: Database) -> None:
    """The walk: a send at 02:00 in Almaty (21:00 UTC the day before) showed on the bar of the day before."""
    await _reset(db)
    sent_at = datetime(2025, 3, 31, 2, 0, tzinfo=ZoneInfo("Asia/Almaty"))
    async with db.begin() as conn:
        message_id = (await conn.execute(sa.insert(outbox_messages).values(kind="entry"))).inserted_primary_key[0]  # type: ignore[index]
        await conn.execute(
            sa.insert(outbox_deliveries).values(
                message_id=message_id, chat_id=1, status="sent", sent_at=sent_at, next_attempt_at=sent_at
            )
        )
    charts = StatsCharts(StatsRepository(db))
    history = await StatsRepository(db).history(date(2025, 3, 30), date(2025, 3, 31), ZoneInfo("Asia/Almaty"))
    assert history.sent == [0, 1]
    chart = await charts.render(sent_at + timedelta(hours=1), localizer("en"), ZoneInfo("Asia/Almaty"))
    assert chart.last_day == date(2025, 3, 31)


async def test_the_chart_shows_questions_answered_and_not_known_per_day(stub: BotAPIStub, app: RunningBot) -> None:
    asked = utcnow().date()  # the questions' UTC day (or the next: midnight may pass while they are asked)
    reader = stub.user(32_000, language_code="ru")
    assert "Сопредседатели альянса" in (await reader.ask("Кто сопредседатели?")).text
    assert "Не знаю ответа" in (await reader.ask("Какая погода на Марсе завтра?")).text
    boss = stub.user(ADMIN_ID, first_name="Admin", language_code="en")
    await boss.ask("/stats")
    picture = await boss.reply()
    assert picture.kind == "photo"
    assert picture.upload is not None
    width, height = assert_png(picture.upload.content)
    assert width >= 800
    assert height >= 900  # three charts stacked
    l10n = localizer("en")
    history = await app.services.stats.history(asked - timedelta(days=29), utcnow().date())
    (questions,) = [p for p in app.services.stats_charts.panels(history, l10n) if p.title == "Questions per day"]
    assert questions.bars
    assert {label: sum(line[29:]) for label, line in questions.series.items()} == {"answered": 1, "not known": 1}
    assert sum(questions.series["answered"]) == 1
