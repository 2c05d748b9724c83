"""The knowledge base as a file an admin downloads, edits and sends back (all or nothing)."""

from __future__ import annotations

from domain.knowledge import KnowledgeBase
from storage.kb import MAX_FILE_BYTES, KnowledgeBaseRepository, dump_knowledge_base, parse_knowledge_base


class KnowledgeBaseFiles:
    """Export to YAML, and import from YAML after every check (KnowledgeBaseError lists each problem)."""

    max_bytes = MAX_FILE_BYTES

    def __init__(self, repository: KnowledgeBaseRepository) -> None:
        self._repository = repository

    async def export(self) -> tuple[bytes, KnowledgeBase]:
        """The current knowledge base as a YAML document, and what it holds."""
        kb = await self._repository.load()
        return dump_knowledge_base(kb).encode("utf-8"), kb

    async def import_text(self, text: str) -> KnowledgeBase:
        """Replace the knowledge base with the file's; nothing changes when it has any error."""
        kb = parse_knowledge_base(text)
        await self._repository.replace(kb)
        return kb
