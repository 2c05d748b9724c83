"""The step of an admin dialog that waits for a document (/kb import, /sources import)."""

from aiogram.fsm.context import FSMContext
from aiogram.types import Document, Message

from bot.i18n import Localizer


async def awaited_document(message: Message, state: FSMContext, l10n: Localizer, prompt: str) -> Document | None:
    """The document the dialog waits for, the dialog then done; a command cancels it, anything else asks again."""
    if message.text and message.text.startswith("/"):
        await state.clear()
        await message.answer(l10n("admin-cancelled"))
        return None
    if message.document is None:
        await message.answer(l10n(prompt))
        return None
    await state.clear()
    return message.document
