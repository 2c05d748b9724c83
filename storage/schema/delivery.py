"""Subscriptions, digest queues and the outbox (messages and their deliveries)."""

import sqlalchemy as sa

from domain.clock import utcnow
from storage.schema.base import UTCDateTime, metadata

subscriptions = sa.Table(
    "subscriptions",
    metadata,
    sa.Column("chat_id", sa.BigInteger, sa.ForeignKey("chats.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("scope", sa.String(16), nullable=False, default="alliance"),  # alliance or all
    sa.Column("languages", sa.String(16), nullable=False),  # news languages, comma-separated: "ru,kk"
    sa.Column("mode", sa.String(16), nullable=False, default="instant"),  # instant, daily or weekly
    sa.Column("digest_hour", sa.SmallInteger, nullable=False, default=9),  # the chat's local hour of the digest
    sa.Column("paused", sa.Boolean, nullable=False, default=False),
    sa.Column("include_words", sa.Text, nullable=False, default=""),  # space-separated plain words
    sa.Column("exclude_words", sa.Text, nullable=False, default=""),
    sa.Column("message_thread_id", sa.BigInteger, nullable=True),  # forum topic of a supergroup
    sa.Column("subscribed_by", sa.BigInteger, nullable=True),  # the admin who subscribed a group or channel
    sa.Column("created_at", UTCDateTime, nullable=False, default=utcnow),
    sa.Column("updated_at", UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow),
    # Quiet hours, local [start, end): instant news arriving then waits for `end`; None is off.
    sa.Column("quiet_start", sa.SmallInteger, nullable=True),
    sa.Column("quiet_end", sa.SmallInteger, nullable=True),
    # True: never news in a language outside `languages`, even when a story exists in no other language.
    sa.Column("own_languages_only", sa.Boolean, nullable=False, default=False, server_default=sa.false()),
    # What an alliance entry's fan-out walks to cut its audience into chunks of chat ids (one range per scope).
    sa.Index("ix_subscriptions_scope_paused_chat", "scope", "paused", "chat_id"),
)
# The digest subscribers alone (few next to the instant ones): a fan-out's digest pass reads these, not the
# audience. Queries name the predicate as it is written here, with no bound parameter, so both planners match.
# Written as SQL both databases take (as migration 0020 does): an Index with `postgresql_where` would make
# SQLAlchemy import its PostgreSQL dialect (2.5 MB) in every process, the SQLite bot and the shell included.
DIGEST_INDEX_SQL = (
    "CREATE INDEX ix_subscriptions_digest ON subscriptions (scope, paused, chat_id) WHERE mode <> 'instant'"
)
sa.event.listen(subscriptions, "after_create", sa.DDL(DIGEST_INDEX_SQL))  # type: ignore[no-untyped-call]

# The matching index: one row per (subscription, news language), keyed by what an entry is matched on, so the
# subscribers of a new entry are one index range and an entry nobody wants costs one empty lookup.
# SubscriptionRepository keeps it in step with `subscriptions` (the cascades follow deletes and chat migrations).
subscription_languages = sa.Table(
    "subscription_languages",
    metadata,
    sa.Column("language", sa.String(2), primary_key=True),
    sa.Column("scope", sa.String(16), primary_key=True),
    sa.Column("paused", sa.Boolean, primary_key=True),
    sa.Column(
        "chat_id",
        sa.BigInteger,
        sa.ForeignKey("subscriptions.chat_id", ondelete="CASCADE", onupdate="CASCADE"),
        primary_key=True,
    ),
    sa.Index("ix_subscription_languages_chat_id", "chat_id"),
)

# Entries waiting for a subscriber's next digest; the entry itself is kept as a JSON snapshot
# so the digest can be rendered without reaching into the ingestion tables. An item stays after its digest is
# queued (`sent_at`), as the record that the reader has the story (housekeeping drops it after the retention).
digest_items = sa.Table(
    "digest_items",
    metadata,
    sa.Column("chat_id", sa.BigInteger, primary_key=True),
    sa.Column("entry_id", sa.BigInteger, primary_key=True),
    sa.Column("entry", sa.JSON, nullable=False),
    sa.Column("queued_at", UTCDateTime, nullable=False, default=utcnow),
    sa.Column("story_id", sa.BigInteger, nullable=True, index=True),  # the story the entry tells
    sa.Column("language", sa.String(2), nullable=True),  # ... and the language of this version
    sa.Column("sent_at", UTCDateTime, nullable=True),  # when its digest was queued; None while it waits
)

outbox_messages = sa.Table(
    "outbox_messages",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(16), nullable=False),  # entry, digest, broadcast
    sa.Column("dedup_key", sa.String(128), nullable=True, unique=True),  # makes enqueuing idempotent
    sa.Column("payload", sa.JSON, nullable=True),  # a RenderedMessage as a dict
    sa.Column("copy_from_chat_id", sa.BigInteger, nullable=True),  # or copyMessage from this chat ...
    sa.Column("copy_message_id", sa.BigInteger, nullable=True),  # ... and this message
    sa.Column("created_by", sa.BigInteger, nullable=True),
    sa.Column("created_at", UTCDateTime, nullable=False, default=utcnow),
    sa.Column("story_id", sa.Integer, nullable=True, index=True),  # an entry message: the story it tells
    sa.Column("language", sa.String(2), nullable=True),  # ... and the language of the version it carries
)

outbox_deliveries = sa.Table(
    "outbox_deliveries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),  # also the send order per chat
    # The message sent (outbox_messages.id). No index of its own: the unique (message_id, chat_id) leads with it
    # (one B-tree less per queued row). No foreign key either: its check ran once per inserted row (an index probe
    # and a lock on the message row, a third of the server's time of a million-row fan-out). A message is always
    # written before its rows, and housekeeping deletes only messages no row refers to.
    sa.Column("message_id", sa.Integer, nullable=False),
    sa.Column("chat_id", sa.BigInteger, nullable=False),
    sa.Column("message_thread_id", sa.BigInteger, nullable=True),
    sa.Column(
        "status", sa.String(16), nullable=False, default="queued"
    ),  # queued sending sent failed blocked cancelled superseded (a better version of the story replaced it)
    sa.Column("attempts", sa.Integer, nullable=False, default=0),  # every try, 429s included
    sa.Column("errors", sa.Integer, nullable=False, default=0),  # transient errors (5xx, network)
    sa.Column("plain_text", sa.Boolean, nullable=False, default=False),  # resend without HTML
    sa.Column("next_attempt_at", UTCDateTime, nullable=False, default=utcnow),
    sa.Column("error", sa.Text, nullable=True),
    sa.Column("sent_at", UTCDateTime, nullable=True),
    sa.Column("created_at", UTCDateTime, nullable=False, default=utcnow),
    sa.Column("telegram_message_id", sa.BigInteger, nullable=True),  # what Telegram called the sent message
    sa.Column("sent_kind", sa.String(8), nullable=True),  # text, photo or rich: how an edit must address it
    sa.Column("replaces_id", sa.Integer, nullable=True),  # an edit: the delivery whose message this one rewrites
    sa.UniqueConstraint("message_id", "chat_id", name="uq_outbox_deliveries_message_chat"),
    sa.Index("ix_outbox_deliveries_due", "status", "id"),  # due rows in send order
    sa.Index("ix_outbox_deliveries_chat", "chat_id", "status", "id"),
)
