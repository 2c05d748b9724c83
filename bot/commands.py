"""The bot's command menu in every language (setMyCommands)."""

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault

from bot.config import LANGUAGES
from bot.i18n import localizer

PUBLIC_COMMANDS = ("start", "help", "language", "members", "roles", "about", "latest", "settings", "stop")
ADMIN_COMMANDS = ("broadcast", "sources", "kb", "stats", "backup")


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
    """A chat that chose a language sees the menu in that language, whatever its app language; admins see theirs."""
    await bot.set_my_commands(command_menu(language, admin=admin), scope=BotCommandScopeChat(chat_id=chat_id))
