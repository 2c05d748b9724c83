"""`python -m bot feeds add|list|remove|enable|disable|poll`: sources managed and polled from the shell."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from bot.config import Settings
from bot.feeds.http import create_http_session
from bot.feeds.poller import AdminNotifier, FeedPoller, NewEntriesHandler, OrganizationNames, PollOutcome, PollPolicy
from bot.feeds.sources import new_source, seed_default_sources
from storage import Database
from storage.sources import Source, SourceExistsError, SourceRepository

Print = Callable[[str], None]


class FeedCommandError(Exception):
    """An operator mistake at `feeds ...`; its text is the one line shown."""


def _describe(source: Source) -> str:
    state = "enabled" if source.enabled else "disabled"
    health = source.last_outcome or "never polled"
    if source.consecutive_failures:
        health += f", {source.consecutive_failures} failures in a row"
    return (
        f"#{source.id} {state} {source.kind} {source.language} every {source.interval_seconds}s "
        f"[{health}] next {source.next_check_at:%Y-%m-%d %H:%M}Z {source.title} {source.url}"
    )


def _outcome(outcome: PollOutcome) -> str:
    line = f"#{outcome.source_id} {outcome.outcome} new={outcome.new} updated={outcome.updated} {outcome.duration_ms}ms"
    if outcome.error:
        line += f" error: {outcome.error}"
    if outcome.disabled:
        line += " (source disabled)"
    return line


async def _one(repository: SourceRepository, id_or_url: str) -> Source:
    found = await repository.find(id_or_url)
    if not found:
        raise FeedCommandError(f"no source with id or URL {id_or_url!r} (see `python -m bot feeds list`)")
    if len(found) > 1:
        ids = ", ".join(f"#{s.id} ({s.language})" for s in found)
        raise FeedCommandError(f"{id_or_url} is {len(found)} sources, {ids}: give one id")
    return found[0]


async def run_feeds_command(
    settings: Settings,
    args: argparse.Namespace,
    out: Print = print,
    *,
    on_new_entries: NewEntriesHandler | None = None,
    notify_admins: AdminNotifier | None = None,
    organization_names: OrganizationNames | None = None,
) -> None:
    """Run one `feeds` action against the configured database (migrated and seeded first).

    `feeds poll` hands new entries to `on_new_entries` and alerts to `notify_admins` when given (delivery and
    admin alerts, wired like the bot's); without them new entries are only stored and alerts only logged.
    """
    action = args.feeds_command
    if action == "add":
        # Checked before the database is touched: a typo costs one line and nothing else.
        try:
            described = new_source(
                args.url, kind=args.kind, language=args.lang or settings.default_language, settings=settings
            )
        except ValueError as error:
            raise FeedCommandError(f"bad source URL {args.url!r}: {error}") from None
    db = Database(settings.database_url)
    try:
        await db.migrate()
        repository = SourceRepository(db)
        await seed_default_sources(repository, settings)
        if action == "add":
            try:
                source = await repository.add(described)
            except SourceExistsError:
                raise FeedCommandError(f"{args.url} ({described.language}) is already a source") from None
            out(f"added {_describe(source)}")
        elif action == "list":
            for source in await repository.list_all():
                out(_describe(source))
        elif action == "remove":
            source = await _one(repository, args.source)
            await repository.remove(source.id)
            out(f"removed #{source.id} {source.url} ({source.language}); its stored entries stay")
        elif action in ("enable", "disable"):
            found = await repository.find(args.source)
            if not found:
                raise FeedCommandError(f"no source with id or URL {args.source!r} (see `python -m bot feeds list`)")
            for source in found:
                await repository.set_enabled(source.id, action == "enable")
                out(f"{action}d #{source.id} {source.url} ({source.language})")
        elif action == "poll":
            callbacks = {
                "on_new_entries": on_new_entries,
                "notify_admins": notify_admins,
                "organization_names": organization_names,
            }
            await _poll(db, repository, settings, args.source, out, **{k: v for k, v in callbacks.items() if v})
    finally:
        await db.close()


async def _poll(
    db: Database, repository: SourceRepository, settings: Settings, which: str | None, out: Print, **callbacks: Any
) -> None:
    if which:
        targets = [await _one(repository, which)]
    else:
        targets = [source for source in await repository.list_all() if source.enabled]
    policy = PollPolicy.from_settings(settings)
    async with create_http_session(policy.fetch) as session:
        poller = FeedPoller(db, session, policy=policy, **callbacks)
        outcomes = await poller.poll_now([source.id for source in targets])
    for outcome in outcomes:
        out(_outcome(outcome))
    if which and outcomes and outcomes[0].failed:
        raise FeedCommandError(f"source #{outcomes[0].source_id} failed: {outcomes[0].outcome}: {outcomes[0].error}")
