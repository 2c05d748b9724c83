"""The knowledge base's repository: load it, replace it in one transaction, seed it on first run.

The records live in `domain.knowledge` and the YAML format in `storage.kb_yaml`; both are re-exported here
because the admin console and the CLI read the knowledge base through this one module.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa

from domain.knowledge import (
    NAME_LANGUAGES,
    ROLE_CODES,
    TEXT_LANGUAGES,
    Country,
    Fact,
    KnowledgeBase,
    KnowledgeBaseError,
    Organization,
    Person,
    Role,
    Source,
    all_forms,
    unique,
)
from storage.database import Database
from storage.kb_yaml import (
    FORMAT_VERSION,
    MAX_FILE_BYTES,
    SEED_FILE,
    country_row,
    dump_knowledge_base,
    fact_row,
    forms_record,
    organization_record,
    organization_row,
    parse_knowledge_base,
    person_row,
    read_knowledge_base_file,
    role_row,
)
from storage.schema.kb import kb_countries, kb_facts, kb_organizations, kb_people, kb_roles

__all__ = [
    "FORMAT_VERSION",
    "MAX_FILE_BYTES",
    "NAME_LANGUAGES",
    "ROLE_CODES",
    "SEED_FILE",
    "TEXT_LANGUAGES",
    "Country",
    "Fact",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "KnowledgeBaseRepository",
    "Organization",
    "Person",
    "Role",
    "Source",
    "dump_knowledge_base",
    "parse_knowledge_base",
    "read_knowledge_base_file",
]


def _src(row: Any) -> Source:
    return Source(url=row.source_url, date=row.source_date)


class KnowledgeBaseRepository:
    """Reads and replaces the knowledge base tables."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def load(self) -> KnowledgeBase:
        """The whole knowledge base, in a stable order."""
        async with self._db.connect() as conn:
            facts = (await conn.execute(sa.select(kb_facts).order_by(kb_facts.c.key))).all()
            roles = (await conn.execute(sa.select(kb_roles).order_by(kb_roles.c.code))).all()
            countries = (await conn.execute(sa.select(kb_countries).order_by(kb_countries.c.code))).all()
            organizations = (await conn.execute(sa.select(kb_organizations).order_by(kb_organizations.c.key))).all()
            people = (await conn.execute(sa.select(kb_people).order_by(kb_people.c.key))).all()
        return KnowledgeBase(
            facts=tuple(Fact(key=r.key, number=r.number, text=r.text, source=_src(r)) for r in facts),
            roles=tuple(Role(code=r.code, names=r.names, aliases=tuple(r.aliases), source=_src(r)) for r in roles),
            countries=tuple(
                Country(
                    code=r.code,
                    names=r.names,
                    aliases=tuple(r.aliases),
                    in_alliance=r.in_alliance,
                    source=_src(r),
                    forms=forms_record(r.forms),
                )
                for r in countries
            ),
            organizations=tuple(organization_record(r._mapping) for r in organizations),
            people=tuple(
                Person(
                    key=r.key,
                    names=r.names,
                    aliases=tuple(r.aliases),
                    position=r.position,
                    organization=r.organization,
                    description=r.description,
                    source=_src(r),
                    forms=forms_record(r.forms),
                )
                for r in people
            ),
        )

    async def replace(self, kb: KnowledgeBase) -> None:
        """Replace the whole knowledge base in one transaction."""
        async with self._db.begin() as conn:
            for table in (kb_people, kb_organizations, kb_facts, kb_countries, kb_roles):
                await conn.execute(sa.delete(table))
            # Parents before children (roles and countries, organizations, people), as the foreign keys need.
            for table, rows in (
                (kb_roles, [role_row(r) for r in kb.roles]),
                (kb_countries, [country_row(c) for c in kb.countries]),
                (kb_organizations, [organization_row(o) for o in kb.organizations]),
                (kb_people, [person_row(p) for p in kb.people]),
                (kb_facts, [fact_row(f) for f in kb.facts]),
            ):
                if rows:
                    await conn.execute(sa.insert(table), rows)

    async def is_empty(self) -> bool:
        """True when nothing has been loaded yet."""
        async with self._db.connect() as conn:
            facts = (await conn.execute(sa.select(sa.func.count()).select_from(kb_facts))).scalar_one()
            organizations = (await conn.execute(sa.select(sa.func.count()).select_from(kb_organizations))).scalar_one()
        return int(facts) + int(organizations) == 0

    async def ensure_seeded(self, seed: Path = SEED_FILE) -> bool:
        """Load the seed file on first run; True when it was loaded now."""
        if not await self.is_empty():
            return False
        try:
            await self.replace(read_knowledge_base_file(seed))
        except sa.exc.IntegrityError:
            # Another replica seeded it at the same moment; its transaction won and ours rolled back.
            return False
        return True

    async def add_form(self, kind: str, key: str, language: str, form: str) -> bool:
        """Add one form (another way people write a name) to a country, organization or person; False when
        there is no such row. The engine picks it up at its next reload."""
        table, column = {
            "country": (kb_countries, "code"),
            "org": (kb_organizations, "key"),
            "person": (kb_people, "key"),
        }[kind]
        async with self._db.begin() as conn:
            row = (await conn.execute(sa.select(table.c.forms).where(table.c[column] == key).with_for_update())).first()
            if row is None:
                return False
            forms = {lang: list(values) for lang, values in (row.forms or {}).items()}
            if form not in forms.setdefault(language, []):
                forms[language].append(form)
            await conn.execute(sa.update(table).where(table.c[column] == key).values(forms=forms))
        return True

    async def add_fact(self, fact: Fact) -> bool:
        """Add one fact; False when a fact with its key exists. The engine picks it up at its next reload."""
        try:
            async with self._db.begin() as conn:
                await conn.execute(sa.insert(kb_facts).values(**fact_row(fact)))
        except sa.exc.IntegrityError:
            return False
        return True

    async def organization_names(self) -> list[str]:
        """Every name, short name and alias, in every language, of the alliance's member organizations.

        Organizations that are only mentioned in the sources (a ministry, the SCO) are left out, so
        that news classified by these names is really about the alliance.
        """
        async with self._db.connect() as conn:
            rows = (
                await conn.execute(
                    sa.select(
                        kb_organizations.c.names,
                        kb_organizations.c.short_names,
                        kb_organizations.c.aliases,
                        kb_organizations.c.forms,
                    )
                    .where(kb_organizations.c.role.is_not(None))
                    .order_by(kb_organizations.c.key)
                )
            ).all()
        return unique(
            name
            for row in rows
            for name in [*row.names.values(), *row.short_names.values(), *row.aliases, *all_forms(row.forms or {})]
        )
