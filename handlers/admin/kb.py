"""/kb: the knowledge base as a YAML file; `/kb import` and then a YAML file replaces it (all or nothing)."""

import html

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, Message

from bot.i18n import Localizer
from bot.rendering import split_html
from bot.services.admin.knowledge import KnowledgeBaseFiles
from domain.audit import AuditTrail
from domain.knowledge import KnowledgeBaseError


class KnowledgeBaseDialog(StatesGroup):
    file = State()


async def kb_command(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    l10n: Localizer,
    knowledge_files: KnowledgeBaseFiles,
    audit: AuditTrail,
) -> None:
    actor = message.from_user.id if message.from_user else None
    if (command.args or "").strip().lower() == "import":
        await state.set_state(KnowledgeBaseDialog.file)
        await message.answer(l10n("admin-kb-send-file"))
        return
    exported, kb = await knowledge_files.export()
    document = BufferedInputFile(exported, filename="knowledge_base.yaml")
    await message.answer_document(document, caption=l10n("admin-kb-exported", organizations=len(kb.organizations)))
    await audit.record("kb.export", actor_id=actor)


async def kb_file(
    message: Message,
    state: FSMContext,
    bot: Bot,
    l10n: Localizer,
    knowledge_files: KnowledgeBaseFiles,
    audit: AuditTrail,
) -> None:
    document = message.document
    if document is None:
        await message.answer(l10n("admin-kb-send-file"))
        return
    await state.clear()
    if (document.file_size or 0) > knowledge_files.max_bytes:
        too_big = l10n("admin-kb-too-big", limit=knowledge_files.max_bytes)
        await message.answer(l10n("admin-kb-invalid", count=1) + "\n" + too_big)
        return
    downloaded = await bot.download(document)
    raw = downloaded.read() if downloaded is not None else b""
    try:
        kb = await knowledge_files.import_text(raw.decode("utf-8"))
    except UnicodeDecodeError:
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
    actor = message.from_user.id if message.from_user else None
    await audit.record("kb.import", actor_id=actor, organizations=len(kb.organizations), facts=len(kb.facts))
    await message.answer(
        l10n(
            "admin-kb-imported", organizations=len(kb.organizations), countries=len(kb.countries), people=len(kb.people)
        )
    )


def create_router() -> Router:
    """A fresh router (a router can belong to one dispatcher only)."""
    router = Router(name="admin-kb")
    router.message.register(kb_command, Command("kb"))
    router.message.register(kb_file, StateFilter(KnowledgeBaseDialog.file))
    return router
