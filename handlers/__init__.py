"""aiogram routers only: thin handlers that call services. `get_routers()` gives them in order."""

from aiogram import Router

from handlers import (
    admin,
    alliance,
    fallback,
    help,
    inline,
    inquiries,
    language,
    membership,
    privacy,
    qa_feedback,
    questions,
    settings,
    start,
    stop,
)


def get_routers() -> list[Router]:
    """Fresh routers, in order: admin first (its dialogs beat questions; it never matches anyone else),
    the fallback router last so it sees only what nobody else took."""
    return [
        module.create_router()
        for module in (
            admin,
            start,
            language,
            help,
            settings,
            stop,
            privacy,
            membership,
            alliance,
            inline,
            inquiries,
            qa_feedback,
            questions,
            fallback,
        )
    ]
