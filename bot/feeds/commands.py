"""`python -m bot feeds add|list|remove|enable|disable|poll|set-interval|set-headers|import|export`: sources
managed and polled from the shell."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.feeds.http import create_http_session
from bot.feeds.opml import OpmlError, dump_opml, import_opml
from bot.feeds.poller import AdminNotifier, FeedPoller, NewEntriesHandler, OrganizationNames, PollOutcome, PollPolicy
from bot.feeds.sources import check_interval, new_source, parse_header_lines, seed_default_sources
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
    line = (
        f"#{source.id} {state} {source.kind} {source.language} every {source.interval_seconds}s "
        f"[{health}] next {source.next_check_at:%Y-%m-%d %H:%M}Z {source.title} {source.url}"
    )
    if source.extra_headers:
        line += f" headers: {', '.join(sorted(source.extra_headers))}"  # names only: values may be secrets
    return line


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
                args.url,
                kind=args.kind,
                language=args.lang or settings.default_language,
                settings=settings,
                interval_seconds=args.interval,
                headers=header_arguments(args.header, args.user_agent),
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
            for source in await _all_of(repository, args.source):
                await repository.set_enabled(source.id, action == "enable")
                out(f"{action}d #{source.id} {source.url} ({source.language})")
        elif action == "set-interval":
            await set_interval(repository, args.source, args.seconds, out)
        elif action == "set-headers":
            await set_headers(repository, args.source, header_arguments(args.header, args.user_agent), out)
        elif action == "import":
            await import_file(repository, settings, args.file, out)
        elif action == "export":
            await export_file(repository, args.file, out)
        elif action == "poll":
            callbacks = {
                "on_new_entries": on_new_entries,
                "notify_admins": notify_admins,
                "organization_names": organization_names,
            }
            await _poll(db, repository, settings, args.source, out, **{k: v for k, v in callbacks.items() if v})
    finally:
        await db.close()


def header_arguments(lines: Sequence[str] | None, user_agent: str | None) -> dict[str, str]:
    """`--header "Name: value"` (repeated) and `--user-agent` as checked headers; FeedCommandError when wrong."""
    try:
        headers = parse_header_lines(lines or [])
        if user_agent:
            headers |= parse_header_lines([f"User-Agent: {user_agent}"])
    except ValueError as error:
        raise FeedCommandError(f"bad header: {error}") from None
    return headers


async def set_interval(repository: SourceRepository, which: str, seconds: int, out: Print) -> None:
    """`feeds set-interval SOURCE SECONDS`: every language of a URL, or one id."""
    try:
        check_interval(seconds)
    except ValueError as error:
        raise FeedCommandError(str(error)) from None
    for source in await _all_of(repository, which):
        await repository.set_interval(source.id, seconds)
        out(f"#{source.id} {source.url} ({source.language}) is polled every {seconds}s from its next poll on")


async def set_headers(repository: SourceRepository, which: str, headers: dict[str, str], out: Print) -> None:
    """`feeds set-headers SOURCE [--header ...] [--user-agent ...]`: replaces them; none given clears them."""
    names = ", ".join(sorted(headers)) or "none"
    for source in await _all_of(repository, which):
        await repository.set_headers(source.id, headers)
        out(f"#{source.id} {source.url} ({source.language}) extra headers: {names}")


async def import_file(repository: SourceRepository, settings: Settings, file: Path, out: Print) -> None:
    """`feeds import FILE`: the feeds of an OPML file that are not sources yet."""
    try:
        data = await asyncio.to_thread(file.read_bytes)
    except OSError as error:
        raise FeedCommandError(f"cannot read {file}: {error.strerror or error}") from None
    try:
        report = await import_opml(repository, data, settings)
    except OpmlError as error:
        raise FeedCommandError(f"{file} was not imported: {error}") from None
    for source in report.added:
        out(f"added {_describe(source)}")
    for url, reason in report.refused:
        out(f"refused {url}: {reason}")
    out(
        f"imported {file}: {len(report.added)} added, {len(report.existing)} already sources, "
        f"{len(report.refused)} refused"
    )


async def export_file(repository: SourceRepository, file: Path, out: Print) -> None:
    """`feeds export FILE`: every configured source as OPML (extra headers left out: they may be secrets)."""
    sources = await repository.list_all()
    try:
        await asyncio.to_thread(file.write_bytes, dump_opml(sources, title="Alliance news bot sources"))
    except OSError as error:
        raise FeedCommandError(f"cannot write {file}: {error.strerror or error}") from None
    out(f"exported {len(sources)} sources to {file}")


async def _all_of(repository: SourceRepository, id_or_url: str) -> list[Source]:
    found = await repository.find(id_or_url)
    if not found:
        raise FeedCommandError(f"no source with id or URL {id_or_url!r} (see `python -m bot feeds list`)")
    return found


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
