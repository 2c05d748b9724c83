"""The command line: `python -m bot [run|ask|feeds|kb|archive|backup|restore|migrate|healthcheck]`.

Every command calls the same services as the admins' commands in Telegram (which check and audit). Results go to
stdout, logs to stderr; every failure at this interface is one clear line on stderr and a non-zero exit. Commands
that never talk to Telegram build the services without it (`build_core`), so they do not import aiogram and start
in a fraction of the bot's time.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import ValidationError

from bot.config import LANGUAGES, Settings
from bot.runtime.logs import configure_logging, scrub
from bot.runtime.version import DISTRIBUTION, release_version

if TYPE_CHECKING:
    from bot.runtime.bootstrap import Core

BOTFATHER = "https://t.me/BotFather"


class CliError(Exception):
    """A problem the operator can fix; its text is printed as one line."""

    exit_code = 2


class UnhealthyError(CliError):
    """`healthcheck` failed: exit 1, which Docker's HEALTHCHECK reads as unhealthy (2 is reserved there)."""

    exit_code = 1


def _env_file() -> Path:
    return Path(".env").resolve()


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        first = error.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        raise CliError(f"{name} in {_env_file()} is invalid: {first['msg']}") from None


def source_kinds() -> tuple[str, ...]:
    from bot.services.ingestion.kinds import KINDS

    return KINDS


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Alliance news bot: pushes news, answers questions, carries official broadcasts.",
    )
    parser.add_argument("--version", action="version", version=f"{DISTRIBUTION} {release_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser(
        "run",
        help="run the bot (migrates the database first); the default. Without BOT_TOKEN: the playground on a "
        "terminal, an error elsewhere",
    )
    commands.add_parser("demo", help="the playground: the bot on a built-in local Telegram, with a web chat page")
    commands.add_parser("migrate", help="upgrade the database schema and exit")

    ask = commands.add_parser("ask", help="print the answer the bot would give to a question")
    ask.add_argument("question")
    ask.add_argument("--lang", choices=LANGUAGES, default=None, help="the asker's interface language")

    feeds = commands.add_parser("feeds", help="manage and poll news sources")
    feed_commands = feeds.add_subparsers(dest="feeds_command", metavar="ACTION", required=True)
    add = feed_commands.add_parser("add", help="add a source")
    add.add_argument("url")
    add.add_argument("--kind", choices=source_kinds(), default="rss")
    add.add_argument("--lang", choices=LANGUAGES, default=None)
    add.add_argument("--interval", type=int, default=None, help="seconds between polls (default POLL_INTERVAL_SECONDS)")
    _add_header_options(add)
    feed_commands.add_parser("list", help="list sources with their health")
    remove = feed_commands.add_parser("remove", help="remove a source")
    remove.add_argument("source", help="source id or URL")
    disable = feed_commands.add_parser("disable", help="stop polling a source (all its languages, given a URL)")
    disable.add_argument("source", help="source id or URL")
    enable = feed_commands.add_parser("enable", help="poll a disabled source again, failures forgotten")
    enable.add_argument("source", help="source id or URL")
    poll = feed_commands.add_parser("poll", help="poll sources now (all, or one)")
    poll.add_argument("source", nargs="?", help="source id or URL")
    _add_source_settings_commands(feed_commands)

    kb = commands.add_parser("kb", help="load or dump the knowledge base (YAML)")
    kb_commands = kb.add_subparsers(dest="kb_command", metavar="ACTION", required=True)
    kb_import = kb_commands.add_parser("import", help="replace the knowledge base with a YAML file")
    kb_import.add_argument("file", type=Path)
    kb_export = kb_commands.add_parser("export", help="write the knowledge base to a YAML file")
    kb_export.add_argument("file", type=Path)

    archive = commands.add_parser("archive", help="the record of official communication (broadcasts, announcements)")
    archive_commands = archive.add_subparsers(dest="archive_command", metavar="ACTION", required=True)
    archive_export = archive_commands.add_parser("export", help="write the whole record, newest first")
    archive_export.add_argument("--format", choices=("csv", "json"), default="csv", dest="export_format")
    archive_export.add_argument("--kind", choices=("broadcast", "announcement"), default=None)
    archive_export.add_argument("file", type=Path, nargs="?", default=None, help="the file (default: stdout)")

    backup = commands.add_parser("backup", help="write a consistent online backup of the database")
    backup.add_argument("file", type=Path)
    restore = commands.add_parser("restore", help="replace the SQLite database with a backup (checked first)")
    restore.add_argument("file", type=Path)
    commands.add_parser("healthcheck", help="exit 0 when the running bot's /healthz (HEALTH_PORT) answers ok")
    return parser


def _add_header_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--header", action="append", metavar="'NAME: VALUE'", help="extra request header (repeatable), e.g. a cookie"
    )
    parser.add_argument("--user-agent", default=None, help="User-Agent for this source (sites behind a WAF)")


def _add_source_settings_commands(feed_commands: Any) -> None:
    """`feeds set-interval`, `set-headers`, `import` and `export`."""
    interval = feed_commands.add_parser("set-interval", help="poll a source (all its languages, given a URL) every N s")
    interval.add_argument("source", help="source id or URL")
    interval.add_argument("seconds", type=int)
    headers = feed_commands.add_parser("set-headers", help="replace a source's extra request headers (none: clear)")
    headers.add_argument("source", help="source id or URL")
    _add_header_options(headers)
    opml_import = feed_commands.add_parser("import", help="add the feeds of an OPML file that are not sources yet")
    opml_import.add_argument("file", type=Path)
    opml_export = feed_commands.add_parser("export", help="write every source to an OPML file")
    opml_export.add_argument("file", type=Path)


def attached_to_terminal() -> bool:
    """A person at a terminal (stdin and stdout are TTYs), not a service manager or a container."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def cmd_run(settings: Settings, args: argparse.Namespace) -> None:
    if settings.token is None:
        where = (
            f"put BOT_TOKEN=<token> into {_env_file()} or the environment "
            f"(get a token from @BotFather, {BOTFATHER}; all settings are in .env.example)"
        )
        if not attached_to_terminal():
            # Under systemd or Docker the playground would look like a healthy service that is not on Telegram.
            raise CliError(f"BOT_TOKEN is not set: {where}; for the playground run `python -m bot demo`")
        print(
            f"BOT_TOKEN is not set in {_env_file()}: started the playground instead "
            "(the bot on a built-in local Telegram, with a web chat page on 127.0.0.1).\n"
            f"To run on Telegram: {where}, then run again.",
            file=sys.stderr,
            flush=True,
        )
        cmd_demo(settings, args)
        return
    from bot.runtime.app import PreflightError, run_sync

    try:
        run_sync(settings)
    except PreflightError as error:
        raise CliError(str(error)) from None


def cmd_demo(settings: Settings, _args: argparse.Namespace) -> None:
    from bot.runtime.app import PreflightError
    from playground import serve

    try:
        asyncio.run(serve(settings, announce=lambda line: print(line, flush=True)))
    except PreflightError as error:
        raise CliError(str(error)) from None
    except OSError as error:
        raise CliError(
            f"the playground cannot listen on 127.0.0.1:{settings.playground_port}: {error.strerror or error} "
            "(set PLAYGROUND_PORT to a free port, or 0 for any)"
        ) from None


def cmd_migrate(settings: Settings, _args: argparse.Namespace) -> None:
    from bot.runtime.bootstrap import build_core

    async def migrate() -> None:
        core = build_core(settings)
        try:
            await core.migrate()
        finally:
            await core.close()

    asyncio.run(migrate())
    print(f"database is up to date: {settings.database_url.split('@')[-1]}")


def cmd_backup(settings: Settings, args: argparse.Namespace) -> None:
    from bot.runtime.bootstrap import build_core
    from domain.audit import SHELL
    from domain.backups import BackupError

    async def backup() -> int:
        core = build_core(settings)  # not migrated: a backup copies the database as it is
        try:
            return await core.backups.write_to(args.file, actor=SHELL)
        finally:
            await core.close()

    try:
        size = asyncio.run(backup())
    except BackupError as error:
        raise CliError(str(error)) from None
    print(f"backup written: {args.file} ({size} bytes)")


def cmd_restore(settings: Settings, args: argparse.Namespace) -> None:
    """Check the backup, keep the current database in BACKUP_DIR, then copy the backup over it."""
    from bot.runtime.bootstrap import build_core
    from domain.backups import BackupError

    try:
        database, kept = build_core(settings).backups.restore(args.file)
    except BackupError as error:
        raise CliError(str(error)) from None
    previous = f"; the previous database is kept at {kept}" if kept else ""
    print(f"restored {args.file} into {database}{previous}; start the bot to run any newer migrations")


def cmd_healthcheck(settings: Settings, _args: argparse.Namespace) -> None:
    """Ask the running bot's health endpoint, as a container's HEALTHCHECK does."""
    import json
    import urllib.error
    import urllib.request

    if settings.health_port is None:
        raise UnhealthyError("HEALTH_PORT is not set, so the bot serves no /healthz")
    # A server listening on every interface is reached on loopback from inside its container.
    host = "127.0.0.1" if settings.health_host in ("0.0.0.0", "::", "") else settings.health_host  # noqa: S104
    url = f"http://{host}:{settings.health_port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            status = json.load(response)
    except urllib.error.HTTPError as error:
        raise UnhealthyError(f"{url} answered {error.code}: {error.read(300).decode(errors='replace')}") from None
    except (OSError, ValueError) as error:
        reason = getattr(error, "reason", None) or error
        raise UnhealthyError(f"cannot read {url}: {reason}") from None
    print(
        f"ok: {url} version {status.get('version')}, database {status.get('database')}, leader {status.get('leader')}"
    )


T = TypeVar("T")


def with_services(settings: Settings, work: Callable[[Core], Awaitable[T]], *, telegram: bool = False) -> T:
    """Run `work` over the bot's own services (migrated and seeded first), closing them afterwards.

    With `telegram` and a token set, the whole graph with a Bot: admin alerts and moderation notices raised by the
    work reach the admins as they do from the running bot. Otherwise the services without Telegram (no aiogram
    imported); what they would tell the admins is logged.
    """
    from bot.runtime.bootstrap import bootstrap, build_core

    async def run() -> T:
        core = bootstrap(settings) if telegram and settings.token else build_core(settings)
        try:
            await core.start()
            return await work(core)
        finally:
            await core.close()

    return asyncio.run(run())


def cmd_ask(settings: Settings, args: argparse.Namespace) -> None:
    from domain.knowledge import KnowledgeBaseError

    async def ask(core: Core) -> str:
        answer = await core.questions.answer(args.question, user_language=args.lang or settings.default_language)
        return answer.text

    try:
        print(with_services(settings, ask))
    except KnowledgeBaseError as error:
        raise CliError(f"the seed knowledge base is invalid: {error}") from None


def cmd_kb(settings: Settings, args: argparse.Namespace) -> None:
    """`kb import FILE` runs the checks of `/kb import` (size, UTF-8, every YAML rule), all or nothing."""
    from domain.audit import SHELL
    from domain.knowledge import KnowledgeBaseError

    data = b""
    if args.kb_command == "import":  # read before the database is touched: a typo costs one line, nothing else
        try:
            data = bytes(args.file.read_bytes())
        except OSError as error:
            raise CliError(f"cannot read {args.file}: {error.strerror or error}; nothing changed") from None

    async def run(core: Core) -> str:
        if args.kb_command == "import":
            kb = await core.knowledge_files.import_file(data, actor=SHELL)
            return (
                f"knowledge base imported from {args.file}: {len(kb.organizations)} organizations, "
                f"{len(kb.countries)} countries, {len(kb.people)} people, {len(kb.facts)} facts"
            )
        exported, _ = await core.knowledge_files.export(actor=SHELL)
        try:
            args.file.write_bytes(exported)
        except OSError as error:
            raise CliError(f"cannot write {args.file}: {error.strerror or error}") from None
        return f"knowledge base exported to {args.file}"

    try:
        print(with_services(settings, run))
    except KnowledgeBaseError as error:
        for line in error.errors:
            print(f"{args.file}: {line}", file=sys.stderr)
        raise CliError(f"{args.file} was not imported: {len(error.errors)} error(s), nothing changed") from None


def cmd_archive(settings: Settings, args: argparse.Namespace) -> None:
    """`archive export`: the same rows /archive shows, as CSV or JSON, through the same service (audited)."""
    from domain.audit import SHELL

    async def run(core: Core) -> bytes:
        return await core.official_record.export(args.export_format, SHELL, kind=args.kind)

    exported = with_services(settings, run)
    if args.file is None:
        sys.stdout.buffer.write(exported)
        sys.stdout.flush()
        return
    try:
        args.file.write_bytes(exported)
    except OSError as error:
        raise CliError(f"cannot write {args.file}: {error.strerror or error}") from None
    print(f"official record exported to {args.file} ({args.export_format})")


def cmd_feeds(settings: Settings, args: argparse.Namespace) -> None:
    from bot.cli.feeds import FEED_ACTIONS, FeedCommandError, check_add

    action = FEED_ACTIONS[args.feeds_command]
    try:
        check_add(settings, args)
        # A poll may alert the admins (a source disabled) and hold items for moderation: that needs Telegram.
        with_services(settings, lambda core: action(core, args, print), telegram=args.feeds_command == "poll")
    except FeedCommandError as error:
        raise CliError(str(error)) from None


HANDLERS: dict[str, Callable[[Settings, argparse.Namespace], None]] = {
    "run": cmd_run,
    "demo": cmd_demo,
    "migrate": cmd_migrate,
    "backup": cmd_backup,
    "ask": cmd_ask,
    "feeds": cmd_feeds,
    "kb": cmd_kb,
    "archive": cmd_archive,
    "restore": cmd_restore,
    "healthcheck": cmd_healthcheck,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = args.command or "run"
    try:
        settings = load_settings()
        configure_logging(settings.log_level, settings.log_format)
        HANDLERS[command](settings, args)
    except CliError as error:
        print(scrub(f"error: {error}"), file=sys.stderr)  # errors quote settings, which may hold credentials
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    return 0
