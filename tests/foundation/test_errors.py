"""A handler that fails is never silence: the user hears an apology in their language, the admins one alert."""

import asyncio
import logging
from collections.abc import Callable

import pytest

from local_telegram import BotAPIStub
from tests.conftest import ADMIN_ID, RunningBot


async def until(condition: Callable[[], bool]) -> None:
    """Wait for the event, however long a busy machine takes (the test's timeout is the guard against a hang)."""
    while not condition():
        await asyncio.sleep(0.02)


@pytest.mark.parametrize(
    ("language_code", "apology"),
    [("ru", "Извините, у нас что-то пошло не так"), ("kk", "Кешіріңіз"), ("en", "Sorry, something went wrong")],
)
async def test_a_failing_handler_apologises_in_the_users_language_and_alerts_once(
    stub: BotAPIStub,
    app: RunningBot,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    language_code: str,
    apology: str,
) -> None:
    async def broken(*_: object, **__: object) -> None:
        raise RuntimeError("knowledge base unreadable")

    caplog.set_level(logging.INFO, logger="bot.telegram.alerts")
    monkeypatch.setattr(app.services.questions, "answer", broken)
    stub.user(ADMIN_ID)
    user = stub.user(4100, language_code=language_code)
    first = await user.ask("Who leads the alliance?")
    second = await user.ask("And the co-chairs?")
    assert first.text.startswith(apology)
    assert second.text.startswith(apology)
    # The second failure's alert is what could come twice: wait until it was decided, then count.
    await until(lambda: any(record.getMessage() == "alert.suppressed" for record in caplog.records))
    alerts = stub.sent_to(ADMIN_ID)
    assert len(alerts) == 1
    assert "RuntimeError" in alerts[0].text
