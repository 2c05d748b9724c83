"""Inline mode: `@bot query` in any chat goes through the question pipeline: the answer, then the people,
countries, organizations and announcements it names, each once, in the user's language."""

from aiogram import Router
from aiogram.types import InlineQuery, InlineQueryResultArticle, InlineQueryResultUnion, InputTextMessageContent

from bot.i18n import Localizer
from bot.services.answers import QuestionEngine


async def inline_answers(inline_query: InlineQuery, questions: QuestionEngine, l10n: Localizer) -> None:
    query = inline_query.query.strip()[:256]
    found = await questions.inline_results(query, language=l10n.language)
    results: list[InlineQueryResultUnion] = [
        InlineQueryResultArticle(
            id=item.id,
            title=item.title,
            description=item.description,
            input_message_content=InputTextMessageContent(message_text=item.text),
        )
        for item in found
    ]
    if not results and query:
        results.append(
            InlineQueryResultArticle(
                id="nothing",
                title=l10n("qa-inline-nothing"),
                input_message_content=InputTextMessageContent(message_text=l10n("qa-inline-nothing-text", query=query)),
            )
        )
    # Results are in the user's own language, so another user's cached answer would be wrong for them.
    await inline_query.answer(results, cache_time=60, is_personal=True)


def create_router() -> Router:
    """A fresh router (a router can belong to one dispatcher only)."""
    router = Router(name="inline")
    router.inline_query.register(inline_answers)
    return router
