"""The knowledge base: countries, roles, organizations, people and alliance facts, each row with its source.

Names are kept as JSON (a dict per language, or a list of aliases) because the engine loads the whole
knowledge base into memory and matches there; the database only has to keep it and round-trip it.
"""

import sqlalchemy as sa

from storage.schema.base import UTCDateTime, metadata


def _source_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("source_url", sa.String(512), nullable=False),
        sa.Column("source_date", sa.Date, nullable=False),
    ]


kb_countries = sa.Table(
    "kb_countries",
    metadata,
    sa.Column("code", sa.String(2), primary_key=True),  # ISO 3166-1 alpha-2
    sa.Column("names", sa.JSON, nullable=False),  # {"ru": "Германия", "kk": ..., "en": ...}
    sa.Column("aliases", sa.JSON, nullable=False),  # ["Turkey", "Турция", ...]
    sa.Column("in_alliance", sa.Boolean, nullable=False),
    *_source_columns(),
    sa.Column("forms", sa.JSON, nullable=False),  # {"ru": ["немецкий", "немцы"], "en": ["German"], ...}
)

kb_roles = sa.Table(
    "kb_roles",
    metadata,
    sa.Column("code", sa.String(32), primary_key=True),  # chair_unit, co_chair, council_member, member, secretariat
    sa.Column("names", sa.JSON, nullable=False),
    sa.Column("aliases", sa.JSON, nullable=False),
    *_source_columns(),
)

kb_organizations = sa.Table(
    "kb_organizations",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("role", sa.String(32), sa.ForeignKey("kb_roles.code"), nullable=True),  # None: not a member
    sa.Column("country", sa.String(2), sa.ForeignKey("kb_countries.code"), nullable=True),
    sa.Column("kind", sa.String(64), nullable=False),
    sa.Column("website", sa.String(512), nullable=True),
    sa.Column("names", sa.JSON, nullable=False),
    sa.Column("short_names", sa.JSON, nullable=False),
    sa.Column("aliases", sa.JSON, nullable=False),
    sa.Column("description", sa.JSON, nullable=False),
    *_source_columns(),
    sa.Column("forms", sa.JSON, nullable=False),
)

kb_people = sa.Table(
    "kb_people",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("names", sa.JSON, nullable=False),
    sa.Column("aliases", sa.JSON, nullable=False),
    sa.Column("position", sa.JSON, nullable=False),
    sa.Column("organization", sa.String(64), sa.ForeignKey("kb_organizations.key"), nullable=True),
    sa.Column("description", sa.JSON, nullable=False),
    *_source_columns(),
    sa.Column("forms", sa.JSON, nullable=False),
)

kb_facts = sa.Table(
    "kb_facts",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),  # name, initiative, organizations_count, aims ...
    sa.Column("number", sa.Integer, nullable=True),
    sa.Column("text", sa.JSON, nullable=False),  # {"ru": ..., "kk": ..., "en": ...}; may be empty for counts
    *_source_columns(),
)

# Questions the engine could not answer or was unsure of, and every answer that was offered 👍/👎 buttons:
# what was asked, never who asked it. The admin console groups them by `normalized`.
qa_log = sa.Table(
    "qa_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("asked_at", UTCDateTime, nullable=False),
    sa.Column("question", sa.String(500), nullable=False),
    sa.Column("normalized", sa.String(500), nullable=False),
    sa.Column("language", sa.String(2), nullable=False),
    sa.Column("intent", sa.String(32), nullable=False),
    sa.Column("outcome", sa.String(16), nullable=False),  # answered, low, ask, not_stated, unknown
    sa.Column("vote", sa.SmallInteger, nullable=True),  # +1 👍, -1 👎, None: no vote
    sa.Index("ix_qa_log_asked_at", "asked_at"),
    sa.Index("ix_qa_log_outcome", "outcome", "normalized"),
)

KB_TABLES = (kb_countries, kb_roles, kb_organizations, kb_people, kb_facts)

# Questions asked of the Center ("Ask the Center"): where the answer goes (the asker's chat and question message),
# the question, its status and the Center's answer. Admins see the question and its status, never the chat.
inquiries = sa.Table(
    "inquiries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("chat_id", sa.BigInteger, nullable=False),
    sa.Column("message_id", sa.BigInteger, nullable=True),
    sa.Column("language", sa.String(2), nullable=False),
    sa.Column("question", sa.String(1000), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # open, answered, closed
    sa.Column("asked_at", UTCDateTime, nullable=False),
    sa.Column("answer", sa.Text, nullable=True),
    sa.Column("answered_at", UTCDateTime, nullable=True),
    sa.Column("answered_by", sa.BigInteger, nullable=True),
    sa.Column("fact_key", sa.String(64), nullable=True),
    sa.Index("ix_inquiries_status", "status", "id"),
    sa.Index("ix_inquiries_chat_id", "chat_id", "asked_at"),
)
