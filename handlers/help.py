"""/help."""

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message

from bot.i18n import Localizer


async def show_help(message: Message, l10n: Localizer) -> None:
    await message.answer(l10n("help"))


def create_router() -> Router:
    """A fresh router (a router can belong to one dispatcher only)."""
    router = Router(name="help")
    router.message.register(show_help, Command("help"))
    return router
