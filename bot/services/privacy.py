"""People's data in their hands: what the bot holds about a chat, as a file (/mydata), and forgetting it (/forget)."""

from __future__ import annotations

import json
import logging
from datetime import datetime

from storage.privacy import Forgotten, PersonalDataRepository

logger = logging.getLogger(__name__)


class PersonalData:
    """One chat's data: read out whole or removed (the question log holds no chat, so it has nothing to give; the
    questions sent to the Center are the chat's)."""

    def __init__(self, repository: PersonalDataRepository) -> None:
        self._repository = repository

    async def export(self, chat_id: int, now: datetime) -> bytes:
        """Everything held about the chat as a JSON document (UTF-8, indented), with the moment it was read."""
        held = await self._repository.collect(chat_id)
        document = {
            "chat_id": chat_id,
            "exported_at": now.isoformat(),
            **held,
        }
        logger.info("privacy.export", extra={"chat": chat_id})
        return json.dumps(document, ensure_ascii=False, indent=2, default=str).encode("utf-8")

    async def forget(self, chat_id: int) -> Forgotten:
        """Delete every row that names the chat; past deliveries stay in the statistics, anonymised."""
        forgotten = await self._repository.forget(chat_id)
        # The log line carries the counts, never the chat's id: the log must not name it either.
        logger.info(
            "privacy.forget",
            extra={
                "subscription": forgotten.subscription,
                "pending": forgotten.pending_deliveries,
                "anonymised": forgotten.anonymised_deliveries,
                "digest_items": forgotten.digest_items,
                "questions": forgotten.questions,
            },
        )
        return forgotten
