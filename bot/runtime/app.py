"""Running the bot: migrate, pre-flight check, then long polling or a webhook server."""

from __future__ import annotations

import asyncio
import logging
import signal

from aiogram import Bot, Dispatcher
from aiogram.exceptions import ClientDecodeError, TelegramAPIError, TelegramNetworkError, TelegramUnauthorizedError
from aiogram.utils.token import TokenValidationError
from aiogram.webhook.aiohttp_server import setup_application
from aiohttp import web

from bot.config import Settings
from bot.runtime.bootstrap import bootstrap, freeze_startup_heap
from bot.runtime.factory import create_dispatcher
from bot.runtime.heap import limit_malloc_arenas
from bot.runtime.leadership import Leadership
from bot.telegram.alerts import AdminAlerts
from bot.telegram.inbox import Inbox, InboxWebhookHandler
from domain.alerts import Alert

logger = logging.getLogger(__name__)
WEBHOOK_PATH = "/telegram/webhook"


class PreflightError(RuntimeError):
    """The bot cannot start; the message is the one line the operator sees."""


async def preflight(bot: Bot, settings: Settings) -> None:
    """Fail fast when the token is rejected or the Bot API cannot be reached."""
    try:
        me = await bot.get_me()
    except TelegramUnauthorizedError:
        raise PreflightError(
            "BOT_TOKEN was rejected by the Bot API (401 Unauthorized): copy the token again from @BotFather into .env"
        ) from None
    except TelegramNetworkError as error:
        raise PreflightError(f"cannot reach the Bot API at {settings.telegram_api_url}: {error}") from None
    except (TelegramAPIError, ClientDecodeError, ValueError) as error:
        # Not a Bot API at that address (an HTML page, a proxy's error), or one that answers getMe with junk.
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise PreflightError(
            f"the Bot API at {settings.telegram_api_url} gave an unusable answer to getMe: {first_line[:200]}"
        ) from None
    logger.info("bot.ready", extra={"username": me.username, "bot_id": me.id})


async def run(settings: Settings) -> None:
    """Run until SIGINT or SIGTERM; everything opened here is closed on the way out."""
    try:
        services = bootstrap(settings)
    except TokenValidationError:
        raise PreflightError(
            "BOT_TOKEN is malformed: it looks like 123456789:AA... (digits, a colon, then letters); "
            "copy it again from @BotFather into .env"
        ) from None
    if services.bot is None:
        raise PreflightError("BOT_TOKEN is not set")
    bot = services.bot
    await services.start()
    dp = create_dispatcher(services)
    freeze_startup_heap()
    try:
        await preflight(bot, settings)
    except PreflightError:
        await bot.session.close()
        await services.db.close()
        raise
    try:
        if settings.webhook_url:
            await _run_webhook(bot, dp, settings)
        else:
            await _wait_for_polling_turn(services.leadership)
            logger.info("polling.start")
            await dp.start_polling(bot, handle_signals=True, close_bot_session=True)
    except Exception as error:
        await alert_crash(bot, services.alerts, error)
        # A failed startup runs no shutdown hooks: give the lease back and close the database here.
        await services.leadership.stop()
        await services.db.close()
        raise


async def alert_crash(bot: Bot, alerts: AdminAlerts, error: Exception) -> None:
    """Tell the admins the bot went down with an error; a failure to tell them is only logged."""
    logger.error("bot.crashed", exc_info=error)
    alerts.attach(bot)
    try:
        await alerts.notify(Alert("admin-alert-crash", {"error": f"{type(error).__name__}: {error}"}, key="crash"))
    except Exception:
        logger.exception("bot.crash_alert_failed")
    finally:
        await bot.session.close()


async def _wait_for_polling_turn(leadership: Leadership) -> None:
    """Only one process may long-poll a token; a second one on the same database stands by."""
    if await leadership.try_acquire():
        return
    logger.warning(
        "polling.standby",
        extra={"detail": "another instance of this bot is running on this database; standing by until it stops"},
    )
    leadership.start()
    await leadership.wait_held()


def webhook_url(settings: Settings) -> str:
    """The public URL Telegram posts updates to."""
    base = settings.webhook_url
    return base if base.endswith(WEBHOOK_PATH) else base + WEBHOOK_PATH


def create_webhook_app(bot: Bot, dp: Dispatcher, settings: Settings) -> web.Application:
    """The aiohttp application that receives updates; requests without the secret get 401, bodies that are not an
    update 400; an update is in the inbox before the 200."""
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    app = web.Application()
    inbox: Inbox = dp["inbox"]
    InboxWebhookHandler(dp, bot, inbox, secret_token=secret).register(app, path=WEBHOOK_PATH)
    setup_application(app, dp, bot=bot)  # runs the dispatcher's startup and shutdown hooks
    return app


async def _run_webhook(bot: Bot, dp: Dispatcher, settings: Settings) -> None:
    runner = web.AppRunner(create_webhook_app(bot, dp, settings), handle_signals=False)
    await runner.setup()
    await web.TCPSite(runner, settings.webhook_host, settings.webhook_port).start()
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    url = webhook_url(settings)
    await bot.set_webhook(url, secret_token=secret, allowed_updates=dp.resolve_used_update_types())
    logger.info("webhook.start", extra={"url": url, "port": settings.webhook_port})
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        logger.info("webhook.stop")
        await runner.cleanup()
        await bot.session.close()


def run_sync(settings: Settings) -> None:
    limit_malloc_arenas()  # before the first thread (docs/PERFORMANCE.md, "Memory under the soak")
    asyncio.run(run(settings))
