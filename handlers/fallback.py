"""What nobody else handled: unknown commands and unsupported messages in private chats."""

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.types import CallbackQuery, Message

from bot.i18n import Localizer


async def unknown_command(message: Message, l10n: Localizer) -> None:
    command = (message.text or "").split(maxsplit=1)[0].split("@")[0]
    await message.answer(l10n("unknown-command", command=command[:64]))


async def not_understood(message: Message, l10n: Localizer) -> None:
    await message.answer(l10n("not-understood"))


async def stale_button(query: CallbackQuery, l10n: Localizer) -> None:
    await query.answer(l10n("button-stale"), show_alert=True)


def create_router() -> Router:
    """A fresh router (a router can belong to one dispatcher only)."""
    router = Router(name="fallback")
    router.message.register(unknown_command, F.chat.type == ChatType.PRIVATE, F.text.startswith("/"))
    router.message.register(not_understood, F.chat.type == ChatType.PRIVATE)
    router.callback_query.register(stale_button)
    return router
