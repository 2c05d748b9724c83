"""A strict local Telegram Bot API: real HTTP on 127.0.0.1, Telegram's checks and errors.

Used by the tests and benchmarks (and by a playground without a token); it imports nothing from the bot.
"""

from local_telegram.html import EntityParseError, parse_html, utf16_len
from local_telegram.server import BotAPIStub, Fault, SentMessage, StubUser

__all__ = ["BotAPIStub", "EntityParseError", "Fault", "SentMessage", "StubUser", "parse_html", "utf16_len"]
