"""The knowledge base as a file an admin downloads, edits and sends back, or an operator imports from the shell:
one set of checks (size, UTF-8, every YAML rule), all or nothing, audited here for both doors."""

from __future__ import annotations

from domain.audit import Actor, AuditTrail, record
from domain.knowledge import KnowledgeBase, KnowledgeBaseError
from storage.kb import MAX_FILE_BYTES, KnowledgeBaseRepository, dump_knowledge_base, parse_knowledge_base


class KnowledgeBaseTooLargeError(KnowledgeBaseError):
    """The file is over the size limit; nothing was read."""


class KnowledgeBaseNotTextError(KnowledgeBaseError):
    """The file is not UTF-8 text."""


class KnowledgeBaseFiles:
    """Export to YAML, and import from YAML after every check (KnowledgeBaseError lists each problem)."""

    max_bytes = MAX_FILE_BYTES

    def __init__(self, repository: KnowledgeBaseRepository, audit: AuditTrail) -> None:
        self._repository = repository
        self._audit = audit

    async def export(self, *, actor: Actor) -> tuple[bytes, KnowledgeBase]:
        """The current knowledge base as a YAML document, and what it holds."""
        kb = await self._repository.load()
        await record(self._audit, actor, "kb.export", organizations=len(kb.organizations), facts=len(kb.facts))
        return dump_knowledge_base(kb).encode("utf-8"), kb

    def check_size(self, size: int) -> None:
        """KnowledgeBaseError when a file of `size` bytes is over the limit (before it is downloaded or read)."""
        if size > self.max_bytes:
            raise KnowledgeBaseTooLargeError(
                [f"the file is {size} bytes, larger than the limit of {self.max_bytes} bytes"]
            )

    async def import_file(self, data: bytes, *, actor: Actor) -> KnowledgeBase:
        """Replace the knowledge base with the file's; nothing changes when it has any error."""
        self.check_size(len(data))
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise KnowledgeBaseNotTextError(["the file is not UTF-8 text"]) from None
        kb = parse_knowledge_base(text)
        await self._repository.replace(kb)
        await record(self._audit, actor, "kb.import", organizations=len(kb.organizations), facts=len(kb.facts))
        return kb
