"""The /members pages and the /roles text, from the same knowledge base the engine answers from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.i18n import Html, localizer
from bot.services.answers.answers import Composer, escape, link, org_label
from domain.knowledge import KnowledgeBase

MEMBERS_PAGE_SIZE = 8


class HasKnowledge(Protocol):
    async def knowledge_base(self) -> KnowledgeBase: ...


@dataclass(frozen=True, slots=True)
class MembersPage:
    text: str
    page: int  # 1-based, clamped to the pages there are
    pages: int


async def members_page(engine: HasKnowledge, language: str, page: int) -> MembersPage:
    """One page of the /members list: named members with role and country, then the unnamed count."""
    kb = await engine.knowledge_base()
    l10n = localizer(language)
    composer = Composer(kb, l10n)
    members = kb.members()
    pages = max(1, -(-len(members) // MEMBERS_PAGE_SIZE))
    page = min(max(page, 1), pages)
    lines = [l10n("qa-members-title", page=page, pages=pages)]
    first = (page - 1) * MEMBERS_PAGE_SIZE
    for number, organization in enumerate(members[first : first + MEMBERS_PAGE_SIZE], start=first + 1):
        country = kb.country(organization.country)
        where = f", {escape(country.name(language))}" if country else ""
        role = escape(composer.role_name(organization))
        lines.append(f"{number}. {escape(org_label(organization, language))} — {role}{where}")
    council = kb.fact("council_members_count")
    if page == pages and council is not None and council.number:
        lines.append(l10n("qa-members-unnamed", count=council.number))
    sources = {o.source.url: o.source for o in members}
    if sources:
        lines.append("\n" + l10n("qa-source", links=Html(", ".join(link(s, language) for s in sources.values()))))
    return MembersPage("\n".join(lines), page, pages)


async def roles_text(engine: HasKnowledge, language: str) -> str:
    """The /roles text: every role and who holds it, or that it is not known."""
    kb = await engine.knowledge_base()
    reply = Composer(kb, localizer(language)).roles()
    if not kb.roles:
        return reply.lines[0]
    # One source line for the whole list, after a blank line, as every answer has.
    return (
        "\n".join(reply.lines)
        + "\n\n"
        + localizer(language)("qa-source", links=Html(link(kb.roles[0].source, language)))
    )
