"""/help."""

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message

from bot.i18n import Localizer

router = Router(name="help")


@router.message(Command("help"))
async def show_help(message: Message, l10n: Localizer) -> None:
    await message.answer(l10n("help"))
