"""News sources, their stored entries and the bounded per-source history of seen item keys."""

import sqlalchemy as sa

from domain.clock import utcnow
from storage.schema.base import UTCDateTime, metadata

sources = sa.Table(
    "sources",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("url", sa.String(2048), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),  # rss or govkz
    sa.Column("language", sa.String(2), nullable=False),
    sa.Column("title", sa.String(256), nullable=False),
    sa.Column("interval_seconds", sa.Integer, nullable=False),
    sa.Column("enabled", sa.Boolean, nullable=False, default=True),
    # Removed sources stay as rows so their entries keep a source and seeding never brings them back.
    sa.Column("removed", sa.Boolean, nullable=False, default=False),
    sa.Column("etag", sa.String(512), nullable=True),
    sa.Column("last_modified", sa.String(128), nullable=True),
    sa.Column("next_check_at", UTCDateTime, nullable=False, default=utcnow, index=True),
    sa.Column("last_checked_at", UTCDateTime, nullable=True),
    sa.Column("last_success_at", UTCDateTime, nullable=True),
    sa.Column("consecutive_failures", sa.Integer, nullable=False, default=0),
    sa.Column("last_outcome", sa.String(32), nullable=True),
    sa.Column("last_error", sa.String(512), nullable=True),
    sa.Column("created_at", UTCDateTime, nullable=False, default=utcnow),
    # Set while a poll runs (a lease): no two polls of one source overlap, across ticks or replicas.
    sa.Column("polling_until", UTCDateTime, nullable=True),
    sa.Column("updated_at", UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow),
    # Extra request headers (name to value) for sites that want a browser's User-Agent or a cookie.
    sa.Column("extra_headers", sa.JSON, nullable=True),
    # sha1 of the last 200 body: an unchanged body is not parsed again (for servers without validators).
    sa.Column("body_hash", sa.String(40), nullable=True),
    # gov.kz serves every language from one URL, told apart by Accept-Language.
    sa.UniqueConstraint("url", "language", name="uq_sources_url_language"),
)

entries = sa.Table(
    "entries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id"), nullable=False),
    sa.Column("key", sa.Text, nullable=False),
    sa.Column("key_hash", sa.String(40), nullable=False),  # sha1 of key: keys can be long URLs
    sa.Column("url", sa.String(2048), nullable=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("summary_html", sa.Text, nullable=False),
    sa.Column("search_text", sa.Text, nullable=False),  # title and summary as plain text, for full-text search
    sa.Column("image_url", sa.String(2048), nullable=True),
    sa.Column("published_at", UTCDateTime, nullable=True),
    sa.Column("language", sa.String(2), nullable=False),
    sa.Column("content_hash", sa.String(40), nullable=False),
    sa.Column("first_seen_at", UTCDateTime, nullable=False, default=utcnow),
    sa.Column("updated_at", UTCDateTime, nullable=False, default=utcnow),
    sa.Column("is_alliance", sa.Boolean, nullable=False, default=False),
    sa.Column("alliance_reason", sa.String(256), nullable=True),
    # Set once the entry is in the outbox (or digest queue); NULL after a crash between storing and handing over.
    sa.Column("announced_at", UTCDateTime, nullable=True),
    # One story told by several entries (two sources, a republication, another language): the first entry's id.
    sa.Column("story_id", sa.Integer, nullable=True, index=True),
    sa.Column("url_key", sa.String(40), nullable=True, index=True),  # sha1 of the normalised article URL
    sa.Column("title_key", sa.String(40), nullable=True, index=True),  # sha1 of language, normalised title, day
    sa.Column("fingerprint", sa.String(40), nullable=True, index=True),  # sha1 of language and normalised text
    sa.Column("story_reason", sa.String(16), nullable=True),  # why it joined story_id: "url" (the same address)
    # A likeness not taken for identity ("url": another item of the source with its link, "title", "text"): the
    # story it looks like, kept for /why; the entry is a story of its own.
    sa.Column("similar_to", sa.Integer, nullable=True),
    sa.Column("similar_reason", sa.String(16), nullable=True),
    # The official document the item encloses (a PDF), attached to its rich message and linked from the split one.
    sa.Column("document_url", sa.String(2048), nullable=True),
    sa.UniqueConstraint("source_id", "key_hash", name="uq_entries_source_key"),
    sa.Index("ix_entries_first_seen_at", "first_seen_at"),
    sa.Index("ix_entries_alliance_first_seen", "is_alliance", "first_seen_at"),
    sa.Index("ix_entries_announced_at", "announced_at"),
)

seen_keys = sa.Table(
    "seen_keys",
    metadata,
    sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id"), primary_key=True),
    sa.Column("key_hash", sa.String(40), primary_key=True),
    sa.Column("seen_at", UTCDateTime, nullable=False),
    sa.Index("ix_seen_keys_source_seen", "source_id", "seen_at"),
)

# Full-text search over entries, made by migration 0003 and by `Database.migrate` on an empty database (which
# creates these tables from this metadata): a change here needs a migration too.
# SQLite: an external-content FTS5 index over entries, kept in sync by triggers.
SQLITE_FTS = (
    "CREATE VIRTUAL TABLE entries_fts USING fts5(title, search_text, content='entries', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER entries_fts_insert AFTER INSERT ON entries BEGIN "
    "INSERT INTO entries_fts(rowid, title, search_text) VALUES (new.id, new.title, new.search_text); END",
    "CREATE TRIGGER entries_fts_delete AFTER DELETE ON entries BEGIN "
    "INSERT INTO entries_fts(entries_fts, rowid, title, search_text) "
    "VALUES ('delete', old.id, old.title, old.search_text); END",
    "CREATE TRIGGER entries_fts_update AFTER UPDATE OF title, search_text ON entries BEGIN "
    "INSERT INTO entries_fts(entries_fts, rowid, title, search_text) "
    "VALUES ('delete', old.id, old.title, old.search_text); "
    "INSERT INTO entries_fts(rowid, title, search_text) VALUES (new.id, new.title, new.search_text); END",
)
# PostgreSQL: the same search through a GIN index on the expression the repository queries.
POSTGRES_FTS = "CREATE INDEX ix_entries_fts ON entries USING gin (to_tsvector('simple', title || ' ' || search_text))"
