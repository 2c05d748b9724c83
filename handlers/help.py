"""/help."""

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import Message

from bot.i18n import Localizer


async def show_help(message: Message, l10n: Localizer, bot: Bot) -> None:
    """What the bot does, inline mode with its real @username (what a user types in another chat)."""
    me = await bot.me()  # cached by aiogram after the first call
    await message.answer(l10n("help", bot=f"@{me.username}"))


def create_router() -> Router:
    """A fresh router (a router can belong to one dispatcher only)."""
    router = Router(name="help")
    router.message.register(show_help, Command("help"))
    return router
