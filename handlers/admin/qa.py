"""/kb misses: the questions the bot answered "not known" or unsurely, most frequent first, and the 👍/👎
count; /kb alias kind:key language alias adds another way of writing a name to the knowledge base."""

import html

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bot.i18n import Localizer
from bot.services.answers.feedback import QuestionLog
from domain.audit import AuditTrail


async def show_misses(message: Message, l10n: Localizer, question_log: QuestionLog) -> None:
    misses = await question_log.misses()
    votes = await question_log.votes()
    lines = [l10n("admin-qa-misses-title", up=votes.up, down=votes.down, missed=votes.missed)]
    for number, miss in enumerate(misses, start=1):
        example = html.escape(miss.example[:120], quote=False)
        lines.append(l10n("admin-qa-miss", number=number, count=miss.count, language=miss.language, question=example))
    if not misses:
        lines.append(l10n("admin-qa-no-misses"))
    lines.append(l10n("admin-qa-how-to-fix"))
    await message.answer("\n".join(lines))


async def add_alias(
    message: Message, command: CommandObject, l10n: Localizer, question_log: QuestionLog, audit: AuditTrail
) -> None:
    parts = (command.args or "").split(maxsplit=3)
    if len(parts) < 4:
        await message.answer(l10n("admin-qa-alias-usage"))
        return
    _, target, language, alias = parts
    result = await question_log.add_alias(target, language, alias)
    if not result.added:
        await message.answer(l10n(f"admin-qa-alias-{result.problem}", target=target[:64], language=language[:8]))
        return
    await audit.record("kb.alias", actor_id=message.from_user.id if message.from_user else None, target=target)
    await message.answer(l10n("admin-qa-alias-added", target=target[:64], alias=alias[:200]))


def create_router() -> Router:
    """A fresh router (a router can belong to one dispatcher only); before /kb's own, which takes the rest."""
    router = Router(name="admin-qa")
    router.message.register(show_misses, Command("kb", magic=F.args.regexp(r"(?i)^\s*misses\s*$")))
    router.message.register(add_alias, Command("kb", magic=F.args.regexp(r"(?i)^\s*alias\b")))
    return router
