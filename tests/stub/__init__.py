"""A strict local Telegram Bot API for tests: real HTTP on 127.0.0.1, Telegram's checks and errors."""

from tests.stub.html import EntityParseError, parse_html, utf16_len
from tests.stub.server import BotAPIStub, Fault, SentMessage, StubUser

__all__ = ["BotAPIStub", "EntityParseError", "Fault", "SentMessage", "StubUser", "parse_html", "utf16_len"]
