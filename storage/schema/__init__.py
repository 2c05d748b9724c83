"""Table definitions, one module per area; all share one MetaData so Alembic sees them together."""

from storage.schema.admin import broadcasts, held_entries, official_record
from storage.schema.base import metadata
from storage.schema.core import audit_log, chats
from storage.schema.delivery import (
    digest_items,
    outbox_deliveries,
    outbox_messages,
    subscription_languages,
    subscriptions,
)
from storage.schema.feeds import entries, seen_keys, sources
from storage.schema.fsm import fsm_states
from storage.schema.kb import inquiries, kb_countries, kb_facts, kb_organizations, kb_people, kb_roles, qa_log
from storage.schema.leases import leases
from storage.schema.updates import update_inbox

__all__ = [
    "audit_log",
    "broadcasts",
    "chats",
    "digest_items",
    "entries",
    "fsm_states",
    "held_entries",
    "inquiries",
    "kb_countries",
    "kb_facts",
    "kb_organizations",
    "kb_people",
    "kb_roles",
    "leases",
    "metadata",
    "official_record",
    "outbox_deliveries",
    "outbox_messages",
    "qa_log",
    "seen_keys",
    "sources",
    "subscription_languages",
    "subscriptions",
    "update_inbox",
]
