"""The bot's command menu in every language (setMyCommands)."""

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault

from bot.config import LANGUAGES
from bot.i18n import localizer

PUBLIC_COMMANDS = (
    "start",
    "help",
    "language",
    "members",
    "roles",
    "about",
    "latest",
    "settings",
    "myquestions",
    "stop",
    "privacy",
    "mydata",
    "forget",
)
ADMIN_COMMANDS = ("broadcast", "sources", "kb", "stats", "backup", "why", "inquiries", "archive")


def command_menu(language: str, *, admin: bool = False) -> list[BotCommand]:
    l10n = localizer(language)
    names = PUBLIC_COMMANDS + ADMIN_COMMANDS if admin else PUBLIC_COMMANDS
    return [BotCommand(command=name, description=l10n(f"cmd-{name}")) for name in names]


async def set_default_commands(bot: Bot, default_language: str) -> None:
    """Menus per Telegram app language, and the default language's menu for everyone else."""
    await bot.set_my_commands(command_menu(default_language), scope=BotCommandScopeDefault())
    for language in LANGUAGES:
        await bot.set_my_commands(command_menu(language), scope=BotCommandScopeDefault(), language_code=language)


async def set_chat_commands(bot: Bot, chat_id: int, language: str, *, admin: bool = False) -> None:
    """A chat that chose a language sees the menu in that language, whatever its app language; admins see theirs.

    Telegram shows a chat's menu for the app's language before the chat's menu for any language, so every
    language's entry is set too: one left from before (`set_menu_by_app_language`) would otherwise win.
    """
    menu = command_menu(language, admin=admin)
    await _set_chat_menus(bot, chat_id, menu, dict.fromkeys(LANGUAGES, menu))


async def set_menu_by_app_language(bot: Bot, chat_id: int, default_language: str, *, admin: bool = False) -> None:
    """A chat whose language is not known yet (an admin the bot has not met): the menu in the Telegram app's
    language (ru, kk, en), in the default language for any other app language."""
    by_language: dict[str, list[BotCommand]] = {language: command_menu(language, admin=admin) for language in LANGUAGES}
    await _set_chat_menus(bot, chat_id, command_menu(default_language, admin=admin), by_language)


async def _set_chat_menus(
    bot: Bot, chat_id: int, fallback: list[BotCommand], by_language: dict[str, list[BotCommand]]
) -> None:
    scope = BotCommandScopeChat(chat_id=chat_id)
    await bot.set_my_commands(fallback, scope=scope)
    for language, menu in by_language.items():
        await bot.set_my_commands(menu, scope=scope, language_code=language)
