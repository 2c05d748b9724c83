"""Webhook mode: Telegram's secret header is required; updates reach the same handlers."""

from aiohttp.test_utils import TestClient, TestServer

from bot.runtime.app import WEBHOOK_PATH, create_webhook_app, webhook_url
from bot.runtime.bootstrap import bootstrap
from bot.runtime.factory import create_dispatcher
from local_telegram import BotAPIStub
from tests.conftest import make_settings


async def test_webhook_checks_the_secret_and_handles_updates(stub: BotAPIStub, database_url: str) -> None:
    settings = make_settings(stub, database_url, webhook_url="https://bot.example.org", webhook_secret="s3cret-token_1")
    assert webhook_url(settings) == "https://bot.example.org" + WEBHOOK_PATH
    services = bootstrap(settings)
    await services.start()
    bot = services.bot
    assert bot is not None
    dp = create_dispatcher(services)
    user = stub.user(2001, language_code="en")
    update = {
        "update_id": 1,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": 2001, "type": "private", "first_name": "A"},
            "from": user.as_user(),
            "text": "/help",
            "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
        },
    }
    async with TestClient(TestServer(create_webhook_app(bot, dp, settings))) as client:
        refused = await client.post(WEBHOOK_PATH, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"})
        assert refused.status == 401
        accepted = await client.post(
            WEBHOOK_PATH, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-token_1"}
        )
        assert accepted.status == 200
        reply = await user.reply()
        assert reply.text.startswith("What I can do")
    await bot.session.close()
