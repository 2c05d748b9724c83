"""/kb: the knowledge base as a YAML file; `/kb import` and then a YAML file replaces it (all or nothing)."""

import html

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, Message

from bot.i18n import Localizer
from bot.rendering import split_html
from bot.services.admin.knowledge import KnowledgeBaseFiles, KnowledgeBaseNotTextError, KnowledgeBaseTooLargeError
from domain.audit import Actor
from domain.knowledge import KnowledgeBaseError


class KnowledgeBaseDialog(StatesGroup):
    file = State()


async def kb_command(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    l10n: Localizer,
    knowledge_files: KnowledgeBaseFiles,
) -> None:
    if (command.args or "").strip().lower() == "import":
        await state.set_state(KnowledgeBaseDialog.file)
        await message.answer(l10n("admin-kb-send-file"))
        return
    exported, kb = await knowledge_files.export(actor=_actor(message))
    document = BufferedInputFile(exported, filename="knowledge_base.yaml")
    await message.answer_document(document, caption=l10n("admin-kb-exported", organizations=len(kb.organizations)))


async def kb_file(
    message: Message,
    state: FSMContext,
    bot: Bot,
    l10n: Localizer,
    knowledge_files: KnowledgeBaseFiles,
) -> None:
    document = message.document
    if document is None:
        await message.answer(l10n("admin-kb-send-file"))
        return
    await state.clear()
    try:
        knowledge_files.check_size(document.file_size or 0)  # before it is downloaded
        downloaded = await bot.download(document)
        raw = downloaded.read() if downloaded is not None else b""
        kb = await knowledge_files.import_file(raw, actor=_actor(message))
    except KnowledgeBaseTooLargeError:
        too_big = l10n("admin-kb-too-big", limit=knowledge_files.max_bytes)
        await message.answer(l10n("admin-kb-invalid", count=1) + "\n" + too_big)
        return
    except KnowledgeBaseNotTextError:
        await message.answer(l10n("admin-kb-invalid", count=1) + "\n" + l10n("admin-kb-not-utf8"))
        return
    except KnowledgeBaseError as error:
        shown, more = error.first(20)
        lines = "\n".join(f"• {line}" for line in shown)
        text = l10n("admin-kb-invalid", count=len(error.errors)) + "\n" + html.escape(lines, quote=False)
        if more:
            text += "\n" + l10n("admin-kb-more-errors", count=more)
        for part in split_html(text):
            await message.answer(part)
        return
    await message.answer(
        l10n(
            "admin-kb-imported", organizations=len(kb.organizations), countries=len(kb.countries), people=len(kb.people)
        )
    )


def _actor(message: Message) -> Actor:
    return Actor.admin(message.from_user.id if message.from_user else None)


def create_router() -> Router:
    """A fresh router (a router can belong to one dispatcher only)."""
    router = Router(name="admin-kb")
    router.message.register(kb_command, Command("kb"))
    router.message.register(kb_file, StateFilter(KnowledgeBaseDialog.file))
    return router
