"""Inline keyboards shared by handlers."""

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.config import LANGUAGES
from bot.i18n import localizer
from bot.telegram.callbacks import LanguageChoice


def language_picker(current: str) -> InlineKeyboardMarkup:
    """One button per supported language, the current one marked."""
    builder = InlineKeyboardBuilder()
    for code in LANGUAGES:
        name = localizer(code)("language-name")
        builder.button(text=f"✅ {name}" if code == current else name, callback_data=LanguageChoice(code=code))
    builder.adjust(3)
    return builder.as_markup()
