"""/sources: every source with its health and buttons; `/sources add URL [rss|govkz] [ru|kk|en]`."""

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.admin.callbacks import SourceAction, SourcePage
from bot.admin.sources import SourceAdmin, SourceCheckError
from bot.config import LANGUAGES
from bot.feeds.kinds import KINDS
from bot.i18n import Html, Localizer
from bot.rendering import split_html
from storage.audit import AuditLog
from storage.sources import Source

ACTIONS = ("pause", "resume", "remove", "poll")


def source_line(source: Source, l10n: Localizer) -> str:
    """One source: id, state, title, URL and health."""
    never = l10n("admin-never")
    return l10n(
        "admin-src-line",
        id=source.id,
        state=l10n("admin-src-on" if source.enabled else "admin-src-off"),
        title=source.title,
        url=source.url,
        language=source.language,
        success=f"{source.last_success_at:%Y-%m-%d %H:%M} UTC" if source.last_success_at else never,
        error=source.last_error or "—",
        failures=source.consecutive_failures,
    )


def sources_keyboard(sources: list[Source], l10n: Localizer, page: int = 0, pages: int = 1) -> InlineKeyboardMarkup:
    """Three buttons per source, one row each, then ◀ ▶ between pages (within Telegram's 100 buttons, 8 a row)."""
    builder = InlineKeyboardBuilder()
    for source in sources:
        toggle = "pause" if source.enabled else "resume"
        for action in (toggle, "poll", "remove"):
            builder.button(
                text=l10n(f"admin-src-button-{action}", id=source.id),
                callback_data=SourceAction(source=source.id, action=action),
            )
    navigation = [(page - 1, "admin-src-prev")] if page > 0 else []
    navigation += [(page + 1, "admin-src-next")] if page + 1 < pages else []
    for target, key in navigation:
        builder.button(text=l10n(key), callback_data=SourcePage(page=target))
    builder.adjust(*([3] * len(sources)), len(navigation) or 1)
    return builder.as_markup()


async def show_sources(
    message: Message, command: CommandObject, l10n: Localizer, source_admin: SourceAdmin, audit: AuditLog
) -> None:
    verb, _, rest = (command.args or "").strip().partition(" ")
    if verb.lower() == "add":
        await _add(message, rest.split(), l10n, source_admin, audit)
        return
    await _show_page(message, 0, l10n, source_admin)


async def _show_page(message: Message, page: int, l10n: Localizer, source_admin: SourceAdmin) -> None:
    shown = await source_admin.page(page)
    if not shown.sources:
        await message.answer(l10n("admin-src-none"))
        return
    heading = l10n("admin-src-title")
    if shown.pages > 1:
        heading += " " + l10n("admin-src-page", page=shown.page + 1, pages=shown.pages)
    parts = split_html("\n\n".join([heading, *(source_line(s, l10n) for s in shown.sources)]))
    for part in parts[:-1]:
        await message.answer(part)
    await message.answer(parts[-1], reply_markup=sources_keyboard(shown.sources, l10n, shown.page, shown.pages))


async def page_pressed(
    query: CallbackQuery, callback_data: SourcePage, l10n: Localizer, source_admin: SourceAdmin
) -> None:
    await query.answer()
    if query.message is not None and isinstance(query.message, Message):
        await _show_page(query.message, callback_data.page, l10n, source_admin)


async def _add(message: Message, args: list[str], l10n: Localizer, source_admin: SourceAdmin, audit: AuditLog) -> None:
    if not args:
        await message.answer(l10n("admin-src-add-usage"))
        return
    url, extra = args[0], [arg.lower() for arg in args[1:]]
    kind = next((arg for arg in extra if arg in KINDS), "rss")
    language = next((arg for arg in extra if arg in LANGUAGES), None)
    unknown = [arg for arg in extra if arg not in KINDS and arg not in LANGUAGES]
    if unknown:
        await message.answer(l10n("admin-src-add-usage"))
        return
    await message.answer(l10n("admin-src-checking", url=url))
    try:
        source, entries = await source_admin.add(url, kind=kind, language=language)
    except SourceCheckError as error:
        await message.answer(l10n("admin-src-add-failed", error=str(error)))
        return
    await audit.record(
        "source.add", actor_id=message.from_user.id if message.from_user else None, source=source.id, url=source.url
    )
    await message.answer(l10n("admin-src-added", id=source.id, entries=entries, line=Html(source_line(source, l10n))))


async def source_pressed(
    query: CallbackQuery, callback_data: SourceAction, l10n: Localizer, source_admin: SourceAdmin, audit: AuditLog
) -> None:
    source = await source_admin.get(callback_data.source)
    if callback_data.action not in ACTIONS or source is None or query.message is None:
        await query.answer(l10n("button-stale"), show_alert=True)
        return
    action = callback_data.action
    await audit.record(f"source.{action}", actor_id=query.from_user.id, source=source.id, url=source.url)
    if action == "poll":
        await query.answer(l10n("admin-src-polling"))
        outcome = await source_admin.poll(source.id)
        text = l10n(
            "admin-src-polled", id=source.id, outcome=outcome.outcome, new=outcome.new, error=outcome.error or "—"
        )
        await query.message.answer(text)
        return
    if action == "remove":
        await source_admin.remove(source.id)
    else:
        await source_admin.set_enabled(source.id, action == "resume")
    await query.answer(l10n(f"admin-src-done-{action}", id=source.id))
    await query.message.answer(l10n(f"admin-src-done-{action}", id=source.id))


def create_router() -> Router:
    """A fresh router (a router can belong to one dispatcher only)."""
    router = Router(name="admin-sources")
    router.message.register(show_sources, Command("sources"))
    router.callback_query.register(source_pressed, SourceAction.filter())
    router.callback_query.register(page_pressed, SourcePage.filter())
    return router
