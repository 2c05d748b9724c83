"""/archive: the record of official communication, newest first, a page at a time, of one kind or all."""

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InaccessibleMessage, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import Localizer
from bot.rendering.markup import parse_telegram_html, visible_text
from bot.services.admin.record import OfficialRecord, RecordPage
from bot.services.delivery import SubscriptionService
from bot.telegram.callbacks import ArchiveKind, ArchivePage, ArchiveTexts
from domain.chats import Chat
from domain.localtime import format_moment
from domain.record import RecordEntry

EXCERPT = 300  # characters of a text on a page; the whole text is one button away
TEXT_LIMIT = 3500  # characters of one language's text in one message, under Telegram's 4096


def plain(entry: RecordEntry, language: str) -> str:
    """A recorded text as a reader saw it: a broadcast's HTML without its tags, an announcement as it is."""
    text = entry.texts[language]
    return visible_text(parse_telegram_html(text)) if entry.kind == "broadcast" else text


def shown_language(entry: RecordEntry, language: str) -> str:
    """The admin's language when the text exists in it, else the first one recorded."""
    return language if language in entry.texts else min(entry.texts)


def cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def entry_text(entry: RecordEntry, l10n: Localizer, zone_name: str) -> str:
    """One record on a page: kind, date in the admin's zone, who, hash prefix, counts, the text."""
    language = shown_language(entry, l10n.language)
    if entry.kind == "broadcast":
        who = l10n(
            "archive-who-broadcast",
            drafter=str(entry.drafted_by),
            approver=str(entry.approved_by) if entry.approved_by is not None else "—",
        )
    else:
        who = l10n(
            "archive-who-announcement",
            source=entry.source_name or str(entry.source_id),
            moderator=str(entry.approved_by) if entry.approved_by is not None else "—",
        )
    return l10n(
        "archive-entry",
        id=entry.id,
        kind=l10n(f"archive-kind-{entry.kind}"),
        when=format_moment(entry.published_at, l10n.language, zone_name),
        who=who,
        hash=entry.content_hash[:12],
        sent=entry.counts.sent,
        waiting=entry.counts.queued,
        failed=entry.counts.failed,
        blocked=entry.counts.blocked,
        language=language,
        text=cut(plain(entry, language), EXCERPT),
    )


def page_text(page: RecordPage, kind: ArchiveKind, l10n: Localizer, zone_name: str) -> str:
    heading = l10n("archive-heading", kind=l10n(f"archive-filter-{kind.value}"), page=page.page + 1, pages=page.pages)
    if not page.entries:
        return f"{heading}\n\n{l10n('archive-empty')}"
    return "\n\n".join([heading, *(entry_text(entry, l10n, zone_name) for entry in page.entries)])


def page_keyboard(page: RecordPage, kind: ArchiveKind, l10n: Localizer) -> InlineKeyboardMarkup:
    """Other languages of each record that has them; the kinds; the pages."""
    builder = InlineKeyboardBuilder()
    sizes: list[int] = []
    for entry in page.entries:
        if len(entry.texts) > 1:
            builder.button(text=l10n("archive-button-texts", id=entry.id), callback_data=ArchiveTexts(record=entry.id))
            sizes.append(1)
    for choice in ArchiveKind:
        mark = "✓ " if choice is kind else ""
        label = mark + l10n(f"archive-filter-{choice.value}")
        builder.button(text=label, callback_data=ArchivePage(page=0, kind=choice))
    sizes.append(len(ArchiveKind))
    moves = []
    if page.page > 0:
        moves.append(("archive-button-newer", page.page - 1))
    if page.page + 1 < page.pages:
        moves.append(("archive-button-older", page.page + 1))
    for label, number in moves:
        builder.button(text=l10n(label), callback_data=ArchivePage(page=number, kind=kind))
    if moves:
        sizes.append(len(moves))
    builder.adjust(*sizes)
    return builder.as_markup()


async def show_first_page(
    message: Message, l10n: Localizer, official_record: OfficialRecord, chat: Chat, subscriptions: SubscriptionService
) -> None:
    page = await official_record.page(0)
    zone_name = subscriptions.zone_of(chat)
    await message.answer(
        page_text(page, ArchiveKind.ALL, l10n, zone_name), reply_markup=page_keyboard(page, ArchiveKind.ALL, l10n)
    )


async def show_page(
    query: CallbackQuery,
    callback_data: ArchivePage,
    l10n: Localizer,
    official_record: OfficialRecord,
    chat: Chat,
    subscriptions: SubscriptionService,
) -> None:
    kind = callback_data.kind
    page = await official_record.page(callback_data.page, kind=None if kind is ArchiveKind.ALL else kind.value)
    message = query.message
    await query.answer()
    if message is None or isinstance(message, InaccessibleMessage):
        return
    await message.edit_text(
        page_text(page, kind, l10n, subscriptions.zone_of(chat)), reply_markup=page_keyboard(page, kind, l10n)
    )


async def show_texts(
    query: CallbackQuery, callback_data: ArchiveTexts, l10n: Localizer, official_record: OfficialRecord
) -> None:
    entry = await official_record.get(callback_data.record)
    message = query.message
    if entry is None or message is None or isinstance(message, InaccessibleMessage):
        await query.answer(l10n("button-stale"), show_alert=True)
        return
    await query.answer()
    for language in sorted(entry.texts):
        text = cut(plain(entry, language), TEXT_LIMIT)
        await message.answer(l10n("archive-text", id=entry.id, language=language, text=text))


def create_router() -> Router:
    """A fresh router (a router can belong to one dispatcher only)."""
    router = Router(name="admin-archive")
    router.message.register(show_first_page, Command("archive"))
    router.callback_query.register(show_page, ArchivePage.filter())
    router.callback_query.register(show_texts, ArchiveTexts.filter())
    return router
