"""/backup: a fresh SQLite backup sent to the admin as a document (or where it is, when Telegram cannot carry it)."""

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import FSInputFile, Message

from bot.i18n import Localizer
from bot.services.admin.backups import Backups
from bot.services.delivery import SubscriptionService
from domain.audit import Actor
from domain.backups import BackupError
from domain.chats import Chat
from domain.localtime import format_moment

MB = 1000 * 1000


async def backup_command(
    message: Message,
    chat: Chat,
    l10n: Localizer,
    backups: Backups,
    subscriptions: SubscriptionService,
) -> None:
    if not backups.is_sqlite:
        await message.answer(l10n("admin-backup-postgres"))
        return
    await message.answer(l10n("admin-backup-working"))
    try:
        taken = await backups.for_admin(actor=Actor.admin(message.from_user.id if message.from_user else None))
    except (BackupError, OSError) as error:
        await message.answer(l10n("admin-backup-failed", error=str(error)))
        return
    size = f"{taken.file.size / MB:.1f}"
    if not taken.sendable:
        await message.answer(
            l10n(
                "admin-backup-too-big", size=size, limit=backups.upload_limit // MB, path=str(taken.file.path.resolve())
            )
        )
        return
    when = format_moment(taken.file.taken_at, l10n.language, subscriptions.zone_of(chat))  # the admin's clock
    caption = l10n("admin-backup-sent", time=when, size=size)
    await message.answer_document(FSInputFile(taken.file.path, filename=taken.file.path.name), caption=caption)


def create_router() -> Router:
    """A fresh router (a router can belong to one dispatcher only)."""
    router = Router(name="admin-backup")
    router.message.register(backup_command, Command("backup"))
    return router
