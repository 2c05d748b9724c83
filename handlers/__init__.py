"""aiogram routers only: thin handlers that call services. `get_routers()` gives them in order."""

from aiogram import Router

from handlers import alliance, fallback, help, inline, language, questions, start


def get_routers() -> list[Router]:
    """All routers; the fallback router is last so it sees only what nobody else took."""
    return [
        start.router,
        language.router,
        help.router,
        alliance.router,
        inline.router,
        questions.router,
        fallback.router,
    ]
