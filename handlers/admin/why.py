"""/why URL [CHAT_ID]: what became of one entry, and whether one subscriber got it; the same for the "Why?" button
of a moderation notice."""

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InaccessibleMessage, Message

from bot.i18n import Localizer
from bot.rendering import split_html
from bot.services.admin.diagnostics import DeliveryDiagnostics, story_text, verdict_text
from bot.services.delivery import SubscriptionService
from bot.telegram.callbacks import WhyEntry
from domain.audit import AuditTrail
from domain.chats import Chat


async def why(
    message: Message,
    command: CommandObject,
    l10n: Localizer,
    chat: Chat,
    diagnostics: DeliveryDiagnostics,
    subscriptions: SubscriptionService,
    audit: AuditTrail,
) -> None:
    parts = (command.args or "").split()
    if not parts or len(parts) > 2 or (len(parts) == 2 and not parts[1].lstrip("-").isdigit()):
        await message.answer(l10n("admin-why-usage"))
        return
    report = await diagnostics.by_url(parts[0])
    if report is None:
        await message.answer(l10n("admin-why-unknown", url=parts[0]))
        return
    zone_name = subscriptions.zone_of(chat)
    text = story_text(await diagnostics.versions(report), l10n, zone_name, await diagnostics.channel_steps(report))
    if len(parts) == 2:
        chat_id = int(parts[1])
        text += "\n\n" + verdict_text(await diagnostics.verdict(report, chat_id), chat_id, l10n, zone_name)
    for piece in split_html(text):  # three versions' trails may pass one message's length
        await message.answer(piece)
    await audit.record("why.view", actor_id=message.from_user.id if message.from_user else None, entry=report.entry.id)


async def why_pressed(
    query: CallbackQuery,
    callback_data: WhyEntry,
    l10n: Localizer,
    chat: Chat,
    diagnostics: DeliveryDiagnostics,
    subscriptions: SubscriptionService,
    audit: AuditTrail,
) -> None:
    report = await diagnostics.by_id(callback_data.entry)
    message = query.message
    if report is None or message is None or isinstance(message, InaccessibleMessage):
        await query.answer(l10n("button-stale"), show_alert=True)
        return
    await query.answer()
    versions, channels = await diagnostics.versions(report), await diagnostics.channel_steps(report)
    for piece in split_html(story_text(versions, l10n, subscriptions.zone_of(chat), channels)):
        await message.answer(piece)
    await audit.record("why.view", actor_id=query.from_user.id, entry=report.entry.id)


def create_router() -> Router:
    """A fresh router (a router can belong to one dispatcher only)."""
    router = Router(name="admin-why")
    router.message.register(why, Command("why"))
    router.callback_query.register(why_pressed, WhyEntry.filter())
    return router
