"""/sources: every source with its health and buttons; `/sources add URL [rss|govkz] [ru|kk|en]` (header lines
may follow), `/sources interval ID SECONDS`, `/sources headers ID` (lines `Name: value`), and OPML through
`/sources export` and `/sources import`."""

import html
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, Filter, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.config import LANGUAGES
from bot.i18n import Html, Localizer
from bot.rendering import split_html
from bot.services.admin.sources import SourceAdmin, SourceCheckError
from bot.services.delivery.subscriptions import SubscriptionService
from bot.services.ingestion.kinds import KINDS
from bot.services.ingestion.opml import MAX_OPML_BYTES, OpmlError
from bot.telegram.callbacks import SourceAction, SourcePage, SourceStep
from domain.audit import Actor
from domain.chats import Chat
from domain.localtime import format_moment
from domain.sources import Source

Moment = Callable[[datetime], str]  # a date and time as this admin reads it (language, time zone)


class OpmlDialog(StatesGroup):
    file = State()


def admin_moment(chat: Chat, l10n: Localizer, subscriptions: SubscriptionService) -> Moment:
    """Dates in the admin's language and time zone, the zone shown."""
    zone_name = subscriptions.zone_of(chat)
    return lambda moment: format_moment(moment, l10n.language, zone_name)


def source_line(source: Source, l10n: Localizer, moment: Moment) -> str:
    """One source: id, state, title, URL, health, interval and the names of its extra headers."""
    never = l10n("admin-never")
    line = l10n(
        "admin-src-line",
        id=source.id,
        state=l10n("admin-src-on" if source.enabled else "admin-src-off"),
        title=source.title,
        url=source.url,
        language=source.language,
        success=moment(source.last_success_at) if source.last_success_at else never,
        error=source.last_error or "—",
        failures=source.consecutive_failures,
    )
    # Header values may be cookies or tokens: only their names are shown.
    headers = ", ".join(sorted(source.extra_headers or {})) or "—"
    return line + "\n" + l10n("admin-src-settings", interval=source.interval_seconds, headers=headers)


def sources_keyboard(sources: list[Source], l10n: Localizer, page: int = 0, pages: int = 1) -> InlineKeyboardMarkup:
    """Three buttons per source, one row each, then ◀ ▶ between pages (within Telegram's 100 buttons, 8 a row)."""
    builder = InlineKeyboardBuilder()
    for source in sources:
        toggle = SourceStep.PAUSE if source.enabled else SourceStep.RESUME
        for action in (toggle, SourceStep.POLL, SourceStep.REMOVE):
            builder.button(
                text=l10n(f"admin-src-button-{action}", id=source.id),
                callback_data=SourceAction(source=source.id, action=action, page=page),
            )
    navigation = [(page - 1, "admin-src-prev")] if page > 0 else []
    navigation += [(page + 1, "admin-src-next")] if page + 1 < pages else []
    for target, key in navigation:
        builder.button(text=l10n(key), callback_data=SourcePage(page=target))
    builder.adjust(*([3] * len(sources)), len(navigation) or 1)
    return builder.as_markup()


def confirm_keyboard(source: Source, l10n: Localizer, page: int | None) -> InlineKeyboardMarkup:
    """🗑 asks first: the list's buttons become "yes, remove #N" and "keep it"."""
    builder = InlineKeyboardBuilder()
    for action in (SourceStep.REMOVE_CONFIRMED, SourceStep.KEEP):
        builder.button(
            text=l10n(f"admin-src-button-{action}", id=source.id),
            callback_data=SourceAction(source=source.id, action=action, page=page),
        )
    builder.adjust(1)
    return builder.as_markup()


async def show_sources(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    chat: Chat,
    l10n: Localizer,
    source_admin: SourceAdmin,
    subscriptions: SubscriptionService,
) -> None:
    await state.clear()  # a new /sources leaves an unfinished import
    moment = admin_moment(chat, l10n, subscriptions)
    first, *more = (command.args or "").strip().splitlines() or [""]
    verb, _, rest = first.strip().partition(" ")
    verb = verb.lower()
    if verb == "add":
        await _add(message, rest.split(), more, l10n, moment, source_admin)
        return
    if verb == "interval":
        await _set_interval(message, rest.split(), l10n, moment, source_admin)
        return
    if verb == "headers":
        await _set_headers(message, rest.split(), more, l10n, source_admin)
        return
    if verb == "export":
        await _export(message, l10n, source_admin)
        return
    if verb == "import":
        await state.set_state(OpmlDialog.file)
        await message.answer(l10n("admin-src-send-opml"))
        return
    await _show_page(message, 0, l10n, moment, source_admin)


async def _page_parts(
    page: int, l10n: Localizer, moment: Moment, source_admin: SourceAdmin
) -> tuple[list[str], InlineKeyboardMarkup | None]:
    """A page of the list as messages (split within Telegram's limit), the buttons going under the last one."""
    shown = await source_admin.page(page)
    if not shown.sources:
        return [l10n("admin-src-none")], None
    heading = l10n("admin-src-title")
    if shown.pages > 1:
        heading += " " + l10n("admin-src-page", page=shown.page + 1, pages=shown.pages)
    parts = split_html("\n\n".join([heading, *(source_line(s, l10n, moment) for s in shown.sources)]))
    return parts, sources_keyboard(shown.sources, l10n, shown.page, shown.pages)


async def _show_page(message: Message, page: int, l10n: Localizer, moment: Moment, source_admin: SourceAdmin) -> None:
    parts, keyboard = await _page_parts(page, l10n, moment, source_admin)
    for part in parts[:-1]:
        await message.answer(part)
    await message.answer(parts[-1], reply_markup=keyboard)


async def _redraw(message: Message, page: int, l10n: Localizer, moment: Moment, source_admin: SourceAdmin) -> None:
    """The list the button was pressed on, redrawn in place after a change; a page that grew past one
    message is sent again instead (and the old buttons go)."""
    parts, keyboard = await _page_parts(page, l10n, moment, source_admin)
    if len(parts) == 1:
        await message.edit_text(parts[0], reply_markup=keyboard)
        return
    await message.edit_reply_markup(reply_markup=None)
    await _show_page(message, page, l10n, moment, source_admin)


async def page_pressed(
    query: CallbackQuery,
    callback_data: SourcePage,
    chat: Chat,
    l10n: Localizer,
    source_admin: SourceAdmin,
    subscriptions: SubscriptionService,
) -> None:
    await query.answer()
    if query.message is not None and isinstance(query.message, Message):
        moment = admin_moment(chat, l10n, subscriptions)
        await _show_page(query.message, callback_data.page, l10n, moment, source_admin)


def _actor(message: Message) -> Actor:
    return Actor.admin(message.from_user.id if message.from_user else None)


async def _add(
    message: Message,
    args: list[str],
    header_lines: list[str],
    l10n: Localizer,
    moment: Moment,
    source_admin: SourceAdmin,
) -> None:
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
        source, entries = await source_admin.add(
            url, actor=_actor(message), kind=kind, language=language, header_lines=header_lines
        )
    except SourceCheckError as error:
        await message.answer(l10n("admin-src-add-failed", error=str(error)))
        return
    line = Html(source_line(source, l10n, moment))
    await message.answer(l10n("admin-src-added", id=source.id, entries=entries, line=line))


async def _set_interval(
    message: Message, args: list[str], l10n: Localizer, moment: Moment, source_admin: SourceAdmin
) -> None:
    """`/sources interval ID SECONDS`."""
    numbers = len(args) == 2 and all(arg.isdigit() for arg in args)
    source = await source_admin.get(int(args[0])) if numbers else None
    if source is None:
        await message.answer(l10n("admin-src-interval-usage"))
        return
    seconds = int(args[1])
    try:
        next_poll = await source_admin.set_interval(source.id, seconds, actor=_actor(message))
    except SourceCheckError as error:
        await message.answer(l10n("admin-src-not-changed", error=str(error)))
        return
    when = moment(next_poll) if next_poll else l10n("admin-never")
    await message.answer(l10n("admin-src-interval-set", id=source.id, seconds=seconds, next=when))


async def _set_headers(
    message: Message, args: list[str], lines: list[str], l10n: Localizer, source_admin: SourceAdmin
) -> None:
    """`/sources headers ID` with lines `Name: value` below."""
    source = await source_admin.get(int(args[0])) if len(args) == 1 and args[0].isdigit() else None
    if source is None:
        await message.answer(l10n("admin-src-headers-usage"))
        return
    try:
        headers = await source_admin.set_headers(source.id, lines, actor=_actor(message))
    except SourceCheckError as error:
        await message.answer(l10n("admin-src-not-changed", error=str(error)))
        return
    await message.answer(l10n("admin-src-headers-set", id=source.id, names=", ".join(sorted(headers)) or "—"))


async def _export(message: Message, l10n: Localizer, source_admin: SourceAdmin) -> None:
    exported, count = await source_admin.export_opml(actor=_actor(message))
    document = BufferedInputFile(exported, filename="sources.opml")
    await message.answer_document(document, caption=l10n("admin-src-exported", count=count))


async def opml_file(message: Message, state: FSMContext, bot: Bot, l10n: Localizer, source_admin: SourceAdmin) -> None:
    document = message.document
    if document is None:
        await message.answer(l10n("admin-src-send-opml"))
        return
    await state.clear()
    if (document.file_size or 0) > MAX_OPML_BYTES:
        await message.answer(l10n("admin-src-opml-too-big", limit=MAX_OPML_BYTES // 1024))
        return
    downloaded = await bot.download(document)
    try:
        report = await source_admin.import_opml(
            downloaded.read() if downloaded is not None else b"", actor=_actor(message)
        )
    except OpmlError as error:
        await message.answer(l10n("admin-src-import-failed", error=str(error)))
        return
    text = l10n(
        "admin-src-imported", added=len(report.added), existing=len(report.existing), refused=len(report.refused)
    )
    refused = "".join(f"\n• {html.escape(f'{url}: {reason}', quote=False)}" for url, reason in report.refused)
    if report.languages:
        refused += (
            "\n\n"
            + l10n("admin-src-import-languages")
            + "".join(f"\n• {html.escape(f'{url}: {language}', quote=False)}" for url, language in report.languages)
        )
    for part in split_html(text + refused):
        await message.answer(part)


@dataclass(frozen=True, slots=True)
class Pressed:
    """What a source button works on: the source, the message the button is under and its page of /sources (None
    under an alert), who pressed it, and how this admin reads dates."""

    source: Source
    message: Message
    page: int | None
    actor: Actor
    moment: Moment


class SourceButton(Filter):
    """A source button of one action whose source still exists, under a message the bot can still edit; its
    handler gets `pressed`. Anything else does not match, and the fallback says the button is no longer valid."""

    def __init__(self, step: SourceStep) -> None:
        self._data = SourceAction.filter(F.action == step)

    async def __call__(
        self,
        query: CallbackQuery,
        chat: Chat,
        l10n: Localizer,
        source_admin: SourceAdmin,
        subscriptions: SubscriptionService,
    ) -> bool | dict[str, Pressed]:
        unpacked = await self._data(query)
        if not isinstance(unpacked, dict) or not isinstance(query.message, Message):
            return False
        data: SourceAction = unpacked["callback_data"]
        source = await source_admin.get(data.source)
        if source is None:
            return False
        moment = admin_moment(chat, l10n, subscriptions)
        return {"pressed": Pressed(source, query.message, data.page, Actor.admin(query.from_user.id), moment)}


async def _done(pressed: Pressed, done: str | None, l10n: Localizer, source_admin: SourceAdmin) -> None:
    """On a page of /sources the page is redrawn in place; under an alert the button did its job, and the chat
    keeps a line saying what was done."""
    if pressed.page is not None:
        await _redraw(pressed.message, pressed.page, l10n, pressed.moment, source_admin)
    elif done is not None:
        await pressed.message.edit_reply_markup(reply_markup=None)
        await pressed.message.answer(done)


async def remove_pressed(query: CallbackQuery, pressed: Pressed, l10n: Localizer) -> None:
    """🗑 asks first: the buttons become "yes, remove #N" and "keep it"."""
    await query.answer(l10n("admin-src-confirm-remove", id=pressed.source.id))
    await pressed.message.edit_reply_markup(reply_markup=confirm_keyboard(pressed.source, l10n, pressed.page))


async def keep_pressed(query: CallbackQuery, pressed: Pressed, l10n: Localizer, source_admin: SourceAdmin) -> None:
    """The "keep it" button: the list comes back as it was."""
    await query.answer()
    await _done(pressed, None, l10n, source_admin)


async def removal_confirmed(query: CallbackQuery, pressed: Pressed, l10n: Localizer, source_admin: SourceAdmin) -> None:
    await source_admin.remove(pressed.source.id, actor=pressed.actor)
    done = l10n("admin-src-done-remove", id=pressed.source.id)
    await query.answer(done)
    await _done(pressed, done, l10n, source_admin)


async def pause_pressed(query: CallbackQuery, pressed: Pressed, l10n: Localizer, source_admin: SourceAdmin) -> None:
    await source_admin.set_enabled(pressed.source.id, False, actor=pressed.actor)
    done = l10n("admin-src-done-pause", id=pressed.source.id)
    await query.answer(done)
    await _done(pressed, done, l10n, source_admin)


async def resume_pressed(query: CallbackQuery, pressed: Pressed, l10n: Localizer, source_admin: SourceAdmin) -> None:
    await source_admin.set_enabled(pressed.source.id, True, actor=pressed.actor)
    done = l10n("admin-src-done-resume", id=pressed.source.id)
    await query.answer(done)
    await _done(pressed, done, l10n, source_admin)


async def poll_pressed(query: CallbackQuery, pressed: Pressed, l10n: Localizer, source_admin: SourceAdmin) -> None:
    """Poll now: the outcome is a message of its own."""
    await query.answer(l10n("admin-src-polling"))
    outcome = await source_admin.poll(pressed.source.id, actor=pressed.actor)
    text = l10n(
        "admin-src-polled", id=pressed.source.id, outcome=outcome.outcome, new=outcome.new, error=outcome.error or "—"
    )
    await pressed.message.answer(text)
    await _done(pressed, None, l10n, source_admin)


def create_router() -> Router:
    """A fresh router (a router can belong to one dispatcher only)."""
    router = Router(name="admin-sources")
    router.message.register(show_sources, Command("sources"))
    router.message.register(opml_file, StateFilter(OpmlDialog.file))
    # One handler per action; a forged action, or a source that is gone, falls to the fallback router.
    router.callback_query.register(remove_pressed, SourceButton(SourceStep.REMOVE))
    router.callback_query.register(keep_pressed, SourceButton(SourceStep.KEEP))
    router.callback_query.register(removal_confirmed, SourceButton(SourceStep.REMOVE_CONFIRMED))
    router.callback_query.register(pause_pressed, SourceButton(SourceStep.PAUSE))
    router.callback_query.register(resume_pressed, SourceButton(SourceStep.RESUME))
    router.callback_query.register(poll_pressed, SourceButton(SourceStep.POLL))
    router.callback_query.register(page_pressed, SourcePage.filter())
    return router
