"""The playground: try the bot without a token, in a browser, against the built-in local Telegram."""

from playground.server import Playground, playground_settings, serve

__all__ = ["Playground", "playground_settings", "serve"]
