"""Startup that tolerates a failed command menu and says what is wrong in one line; Telegram's limits kept
everywhere (UTF-16 cuts of alerts and moderation notices); a group's language is its admins'; inline answers
are personal (they depend on the user's language)."""

from __future__ import annotations

import asyncio
import dataclasses
import html
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.i18n import localizer
from bot.runtime.factory import COMMANDS_RETRY_JOB, create_bot
from bot.telegram.alerts import AdminAlerts
from bot.telegram.notices import moderation_text
from domain.alerts import Alert
from local_telegram import BotAPIStub, Fault, parse_html
from local_telegram.html import utf16_len
from storage import Database
from storage.chats import ChatRepository
from tests.conftest import ADMIN_ID, RunningBot, make_settings, start_bot
from tests.delivery.helpers import make_entry
from tests.support.cli import run_main as run_cli


def assert_one_line(stderr: str, expected: str) -> None:
    """The error is one line, the last (log lines of the start before it are fine), and no traceback."""
    lines = stderr.strip().splitlines()
    assert "Traceback" not in stderr, stderr
    assert [line for line in lines if line.startswith("error:")] == [lines[-1]], stderr
    assert expected in lines[-1]


async def test_a_malformed_token_is_one_line(tmp_path: Path) -> None:
    result = await asyncio.to_thread(run_cli, cwd=tmp_path, env={"BOT_TOKEN": "not a token at all"})
    assert result.returncode == 2
    assert_one_line(result.stderr, "BOT_TOKEN is malformed")
    assert "not a token" not in result.stderr  # a secret, even a broken one, is not echoed


@pytest.fixture
async def not_a_bot_api() -> AsyncIterator[str]:
    """A web server that answers everything with an HTML page (a wrong TELEGRAM_API_URL, a captive portal)."""

    async def page(_request: web.Request) -> web.Response:
        return web.Response(text="<html><body>Welcome to nginx!</body></html>", content_type="text/html")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", page)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


async def test_a_getme_that_does_not_decode_is_one_line(tmp_path: Path, not_a_bot_api: str) -> None:
    env = {"BOT_TOKEN": "111:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "TELEGRAM_API_URL": not_a_bot_api}
    result = await asyncio.to_thread(run_cli, cwd=tmp_path, env=env)
    assert result.returncode == 2
    assert_one_line(result.stderr, f"the Bot API at {not_a_bot_api} gave an unusable answer to getMe")


async def test_a_failed_command_menu_does_not_stop_the_bot(stub: BotAPIStub, database_url: str) -> None:
    stub.faults.append(Fault(method="setMyCommands", status=500, times=1))
    running: RunningBot = await start_bot(make_settings(stub, database_url), stub)
    try:
        user = stub.user(5401, language_code="en")
        welcome = await user.ask("/start")
        assert welcome.text.startswith("Hello")
        job = running.services.scheduler.get_job(COMMANDS_RETRY_JOB)
        assert job is not None  # tried again every minute
        await job.func()  # the next minute's try, now that Telegram answers
        assert stub.commands  # the menu is set
        assert running.services.scheduler.get_job(COMMANDS_RETRY_JOB) is None
    finally:
        await running.stop()


@settings(max_examples=10, deadline=None)
@given(text=st.text(alphabet=st.sampled_from("a<&ж😀👍🏽\u0301"), min_size=1, max_size=12).map(lambda t: t * 600))
async def test_alerts_are_cut_in_utf16_units(text: str) -> None:
    stub = BotAPIStub()
    await stub.start()
    settings = make_settings(stub, "sqlite+aiosqlite:///:memory:")
    bot = create_bot(settings)
    stub.user(ADMIN_ID, language_code="en")
    alerts = AdminAlerts(settings)
    alerts.attach(bot)
    try:
        # Telegram would refuse more than 4096 UTF-16 units
        assert await alerts.notify(Alert("admin-alert-crash", {"error": text}, key="long"))
        [message] = stub.sent_to(ADMIN_ID)
        assert utf16_len(message.text) <= 4096
    finally:
        await bot.session.close()
        await stub.stop()


@settings(max_examples=20, deadline=None)
@given(
    body=st.text(alphabet=st.sampled_from("ab <>&😀ж\n"), max_size=12).map(lambda t: t * 800),
    lang=st.sampled_from(["ru", "kk", "en"]),
)
def test_a_moderation_notice_fits_one_message(body: str, lang: str) -> None:
    entry = make_entry("T" * 300)
    entry = dataclasses.replace(entry, entry=dataclasses.replace(entry.entry, summary_html=body))
    assert utf16_len(parse_html(moderation_text(entry, lang)).text) <= 4096


async def test_only_a_groups_admins_change_its_language(stub: BotAPIStub, app: RunningBot) -> None:
    admin, member = stub.user(5501, language_code="en"), stub.user(5502, language_code="en")
    group = stub.group(-100_5500, "Readers", admins={admin.id})
    member.send("/language", chat=group)
    await stub.wait_until(lambda: bool(stub.sent_to(group.id)))
    picker = stub.sent_to(group.id)[-1]
    kazakh = next(button for button in picker.buttons if "Қазақша" in button["text"])
    query = member.press(picker, data=kazakh["callback_data"])
    answer = await member.callback_answer(query)
    assert answer.get("show_alert") and "administrators" in answer.get("text", "")
    assert (await app.services.chats.get(group.id)).language == "en"
    query = admin.press(picker, data=kazakh["callback_data"])
    await admin.callback_answer(query)
    assert (await app.services.chats.get(group.id)).language == "kk"


async def test_inline_answers_are_cached_per_user(stub: BotAPIStub, app: RunningBot) -> None:
    user = stub.user(5601, language_code="kk")
    answer = await user.inline_answer(user.inline("alliance"))
    assert answer.get("is_personal") in (True, "true")


async def test_alerts_reach_the_admins_while_the_database_fails(tmp_path: Path) -> None:
    """An alert looks up each admin chat's language; with the database gone it goes out in the default one."""
    stub = BotAPIStub()
    await stub.start()
    settings = make_settings(stub, "sqlite+aiosqlite:///:memory:")
    bot = create_bot(settings)
    stub.user(ADMIN_ID, language_code="en")
    broken = Database(f"sqlite+aiosqlite:///{tmp_path}/missing/bot.sqlite3")  # its directory does not exist
    alerts = AdminAlerts(settings, ChatRepository(broken))
    alerts.attach(bot)
    try:
        assert await alerts.notify(Alert("admin-alert-poller-stalled", {"minutes": 12}))
        [message] = stub.sent_to(ADMIN_ID)
        assert message.text == "⚠️ Сигнал бота\n" + html.unescape(
            localizer("ru")("admin-alert-poller-stalled", minutes=12)
        )
    finally:
        await bot.session.close()
        await broken.close()
        await stub.stop()
