"""`python -m bot feeds add|list|remove|enable|disable|poll|set-interval|set-headers|import|export`: sources
managed and polled from the shell.

Each action is one function over the bot's own services (`bot.container`), so a poll from the shell is
classified, moderated and queued exactly like the running bot's.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable, Sequence

from bot.config import Settings
from bot.container import Services
from bot.feeds.opml import OpmlError, dump_opml, import_opml
from bot.feeds.poller import PollOutcome
from bot.feeds.sources import check_interval, new_source, parse_header_lines
from domain.sources import NewSource, Source
from storage.sources import SourceExistsError, SourceRepository

Print = Callable[[str], None]
FeedAction = Callable[[Services, argparse.Namespace, Print], Awaitable[None]]


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


async def _matching(repository: SourceRepository, id_or_url: str) -> list[Source]:
    found = await repository.find(id_or_url)
    if not found:
        raise FeedCommandError(f"no source with id or URL {id_or_url!r} (see `python -m bot feeds list`)")
    return found


async def _one(repository: SourceRepository, id_or_url: str) -> Source:
    found = await _matching(repository, id_or_url)
    if len(found) > 1:
        ids = ", ".join(f"#{s.id} ({s.language})" for s in found)
        raise FeedCommandError(f"{id_or_url} is {len(found)} sources, {ids}: give one id")
    return found[0]


def check_add(settings: Settings, args: argparse.Namespace) -> None:
    """Checked before the database is touched: a typo in `feeds add` costs one line and nothing else."""
    if args.feeds_command == "add":
        _described(settings, args)


def _described(settings: Settings, args: argparse.Namespace) -> NewSource:
    try:
        return new_source(
            args.url,
            kind=args.kind,
            language=args.lang or settings.default_language,
            settings=settings,
            interval_seconds=args.interval,
            headers=header_arguments(args.header, args.user_agent),
        )
    except ValueError as error:
        raise FeedCommandError(f"bad source URL {args.url!r}: {error}") from None


async def add(services: Services, args: argparse.Namespace, out: Print) -> None:
    described = _described(services.settings, args)
    try:
        source = await services.source_repository.add(described)
    except SourceExistsError:
        raise FeedCommandError(f"{args.url} ({described.language}) is already a source") from None
    out(f"added {_describe(source)}")


async def list_sources(services: Services, _args: argparse.Namespace, out: Print) -> None:
    for source in await services.source_repository.list_all():
        out(_describe(source))


async def remove(services: Services, args: argparse.Namespace, out: Print) -> None:
    source = await _one(services.source_repository, args.source)
    await services.source_repository.remove(source.id)
    out(f"removed #{source.id} {source.url} ({source.language}); its stored entries stay")


async def enable(services: Services, args: argparse.Namespace, out: Print) -> None:
    for source in await _matching(services.source_repository, args.source):
        await services.source_repository.set_enabled(source.id, True)
        out(f"enabled #{source.id} {source.url} ({source.language})")


async def disable(services: Services, args: argparse.Namespace, out: Print) -> None:
    for source in await _matching(services.source_repository, args.source):
        await services.source_repository.set_enabled(source.id, False)
        out(f"disabled #{source.id} {source.url} ({source.language})")


async def poll(services: Services, args: argparse.Namespace, out: Print) -> None:
    """Poll one source, or every enabled one, now; new entries go through moderation and delivery."""
    repository = services.source_repository
    if args.source:
        targets = [await _one(repository, args.source)]
    else:
        targets = [source for source in await repository.list_all() if source.enabled]
    outcomes = await services.poller.poll_now([source.id for source in targets])
    for outcome in outcomes:
        out(_outcome(outcome))
    if args.source and outcomes and outcomes[0].failed:
        raise FeedCommandError(f"source #{outcomes[0].source_id} failed: {outcomes[0].outcome}: {outcomes[0].error}")


def header_arguments(lines: Sequence[str] | None, user_agent: str | None) -> dict[str, str]:
    """`--header "Name: value"` (repeated) and `--user-agent` as checked headers; FeedCommandError when wrong."""
    try:
        headers = parse_header_lines(lines or [])
        if user_agent:
            headers |= parse_header_lines([f"User-Agent: {user_agent}"])
    except ValueError as error:
        raise FeedCommandError(f"bad header: {error}") from None
    return headers


async def set_interval(services: Services, args: argparse.Namespace, out: Print) -> None:
    """`feeds set-interval SOURCE SECONDS`: every language of a URL, or one id."""
    try:
        check_interval(args.seconds)
    except ValueError as error:
        raise FeedCommandError(str(error)) from None
    for source in await _matching(services.source_repository, args.source):
        await services.source_repository.set_interval(source.id, args.seconds)
        out(f"#{source.id} {source.url} ({source.language}) is polled every {args.seconds}s from its next poll on")


async def set_headers(services: Services, args: argparse.Namespace, out: Print) -> None:
    """`feeds set-headers SOURCE [--header ...] [--user-agent ...]`: replaces them; none given clears them."""
    headers = header_arguments(args.header, args.user_agent)
    names = ", ".join(sorted(headers)) or "none"
    for source in await _matching(services.source_repository, args.source):
        await services.source_repository.set_headers(source.id, headers)
        out(f"#{source.id} {source.url} ({source.language}) extra headers: {names}")


async def import_sources(services: Services, args: argparse.Namespace, out: Print) -> None:
    """`feeds import FILE`: the feeds of an OPML file that are not sources yet."""
    try:
        data = await asyncio.to_thread(args.file.read_bytes)
    except OSError as error:
        raise FeedCommandError(f"cannot read {args.file}: {error.strerror or error}") from None
    try:
        report = await import_opml(services.source_repository, data, services.settings)
    except OpmlError as error:
        raise FeedCommandError(f"{args.file} was not imported: {error}") from None
    for source in report.added:
        out(f"added {_describe(source)}")
    for url, reason in report.refused:
        out(f"refused {url}: {reason}")
    for url, language in report.languages:
        out(f"language of {url}: {language}")
    out(
        f"imported {args.file}: {len(report.added)} added, {len(report.existing)} already sources, "
        f"{len(report.refused)} refused"
    )


async def export_sources(services: Services, args: argparse.Namespace, out: Print) -> None:
    """`feeds export FILE`: every configured source as OPML (extra headers left out: they may be secrets)."""
    sources = await services.source_repository.list_all()
    try:
        await asyncio.to_thread(args.file.write_bytes, dump_opml(sources, title="Alliance news bot sources"))
    except OSError as error:
        raise FeedCommandError(f"cannot write {args.file}: {error.strerror or error}") from None
    out(f"exported {len(sources)} sources to {args.file}")


FEED_ACTIONS: dict[str, FeedAction] = {
    "add": add,
    "list": list_sources,
    "remove": remove,
    "enable": enable,
    "disable": disable,
    "poll": poll,
    "set-interval": set_interval,
    "set-headers": set_headers,
    "import": import_sources,
    "export": export_sources,
}
