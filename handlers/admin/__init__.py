"""The admin console: only for ADMIN_IDS, only in private chats. For anyone else this router never matches,
so they get exactly what an unknown command or a stale button gets."""

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import Filter, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.config import Settings
from bot.i18n import Localizer
from handlers.admin import archive, backup, broadcast, inquiries, kb, moderation, qa, sources, stats, why


class IsAdmin(Filter):
    """The sender is listed in ADMIN_IDS (checked on every update, buttons included)."""

    async def __call__(self, event: Message | CallbackQuery, settings: Settings) -> bool:
        user = event.from_user
        return user is not None and settings.is_admin(user.id)


async def cancel_dialog(message: Message, state: FSMContext, l10n: Localizer) -> None:
    """Any command in the middle of an admin dialog (a broadcast, a title, a file) ends the dialog, for all of them."""
    await state.clear()
    await message.answer(l10n("admin-cancelled"))


def create_router() -> Router:
    """A fresh router (a router can belong to one dispatcher only)."""
    router = Router(name="admin")
    router.message.filter(F.chat.type == ChatType.PRIVATE, IsAdmin())
    router.callback_query.filter(IsAdmin())
    router.message.register(cancel_dialog, ~StateFilter(None), F.text.startswith("/"))
    router.include_routers(
        *(
            module.create_router()
            for module in (broadcast, sources, qa, kb, stats, backup, why, moderation, inquiries, archive)
        )
    )
    return router
