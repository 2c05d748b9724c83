"""The database layer: schema, migrations and repositories. Nothing here knows about Telegram."""

from storage.database import Database

__all__ = ["Database"]
