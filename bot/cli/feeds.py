"""`python -m bot feeds add|list|remove|enable|disable|poll|set-interval|set-headers|import|export`: sources
managed and polled from the shell.

Each action calls the same service as /sources in Telegram (`SourceAdmin`), which checks and audits: `feeds add`
fetches and parses the URL before it stores it, exactly as `/sources add` does, and a poll from the shell is
classified, moderated and queued like the running bot's.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable, Sequence

from bot.config import Settings
from bot.runtime.bootstrap import Core
from bot.services.admin.sources import SourceAdmin, SourceCheckError
from bot.services.ingestion.opml import OpmlError
from bot.services.ingestion.poller import PollOutcome
from bot.services.ingestion.sources import new_source, parse_header_lines
from domain.audit import SHELL
from domain.sources import NewSource, Source

Print = Callable[[str], None]
FeedAction = Callable[[Core, argparse.Namespace, Print], Awaitable[None]]


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


async def _matching(admin: SourceAdmin, id_or_url: str) -> list[Source]:
    try:
        return await admin.find(id_or_url)
    except SourceCheckError:
        raise FeedCommandError(f"no source with id or URL {id_or_url!r} (see `python -m bot feeds list`)") from None


async def _one(admin: SourceAdmin, id_or_url: str) -> Source:
    found = await _matching(admin, id_or_url)
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


async def add(core: Core, args: argparse.Namespace, out: Print) -> None:
    """Fetch and parse the URL, then store it (as `/sources add`)."""
    described = _described(core.settings, args)
    lines = [f"{name}: {value}" for name, value in (described.extra_headers or {}).items()]
    try:
        source, entries = await core.source_admin.add(
            described.url,
            actor=SHELL,
            kind=described.kind,
            language=described.language,
            header_lines=lines,
            interval_seconds=args.interval,
        )
    except SourceCheckError as error:
        raise FeedCommandError(f"{args.url} was not added: {error}") from None
    out(f"added {_describe(source)}")
    out(f"it offers {entries} entries now")


async def list_sources(core: Core, _args: argparse.Namespace, out: Print) -> None:
    for source in await core.source_admin.configured():
        out(_describe(source))


async def remove(core: Core, args: argparse.Namespace, out: Print) -> None:
    source = await _one(core.source_admin, args.source)
    await core.source_admin.remove(source.id, actor=SHELL)
    out(f"removed #{source.id} {source.url} ({source.language}); its stored entries stay")


async def enable(core: Core, args: argparse.Namespace, out: Print) -> None:
    for source in await _matching(core.source_admin, args.source):
        await core.source_admin.set_enabled(source.id, True, actor=SHELL)
        out(f"enabled #{source.id} {source.url} ({source.language})")


async def disable(core: Core, args: argparse.Namespace, out: Print) -> None:
    for source in await _matching(core.source_admin, args.source):
        await core.source_admin.set_enabled(source.id, False, actor=SHELL)
        out(f"disabled #{source.id} {source.url} ({source.language})")


async def poll(core: Core, args: argparse.Namespace, out: Print) -> None:
    """Poll one source, or every enabled one, now; new entries go through moderation and delivery."""
    if args.source:
        outcomes = [await core.source_admin.poll((await _one(core.source_admin, args.source)).id, actor=SHELL)]
    else:
        outcomes = await core.source_admin.poll_all(actor=SHELL)
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


async def set_interval(core: Core, args: argparse.Namespace, out: Print) -> None:
    """`feeds set-interval SOURCE SECONDS`: every language of a URL, or one id."""
    for source in await _matching(core.source_admin, args.source):
        try:
            next_poll = await core.source_admin.set_interval(source.id, args.seconds, actor=SHELL)
        except SourceCheckError as error:
            raise FeedCommandError(str(error)) from None
        when = f"{next_poll:%Y-%m-%d %H:%M:%S}Z" if next_poll else "?"
        out(f"#{source.id} {source.url} ({source.language}) is polled every {args.seconds}s, next at {when}")


async def set_headers(core: Core, args: argparse.Namespace, out: Print) -> None:
    """`feeds set-headers SOURCE [--header ...] [--user-agent ...]`: replaces them; none given clears them."""
    headers = header_arguments(args.header, args.user_agent)
    lines = [f"{name}: {value}" for name, value in headers.items()]
    names = ", ".join(sorted(headers)) or "none"
    for source in await _matching(core.source_admin, args.source):
        await core.source_admin.set_headers(source.id, lines, actor=SHELL)
        out(f"#{source.id} {source.url} ({source.language}) extra headers: {names}")


async def import_sources(core: Core, args: argparse.Namespace, out: Print) -> None:
    """`feeds import FILE`: the feeds of an OPML file that are not sources yet (as `/sources import`)."""
    try:
        data = await asyncio.to_thread(args.file.read_bytes)
    except OSError as error:
        raise FeedCommandError(f"cannot read {args.file}: {error.strerror or error}") from None
    try:
        report = await core.source_admin.import_opml(data, actor=SHELL)
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


async def export_sources(core: Core, args: argparse.Namespace, out: Print) -> None:
    """`feeds export FILE`: every configured source as OPML (extra headers left out: they may be secrets)."""
    exported, count = await core.source_admin.export_opml(actor=SHELL)
    try:
        await asyncio.to_thread(args.file.write_bytes, exported)
    except OSError as error:
        raise FeedCommandError(f"cannot write {args.file}: {error.strerror or error}") from None
    out(f"exported {count} sources to {args.file}")


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
