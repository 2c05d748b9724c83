"""What the bot process imports at start: heavy modules only some paths need are imported on first use."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

# alembic (with mako and pygments): only a migration; bm25s and numpy: the first question's index;
# SQLAlchemy's PostgreSQL dialect: only on PostgreSQL; ElementTree and defusedxml: only an OPML import or export.
# Together about 29 MB of resident memory. rapidfuzz is no dependency any more (3 MB for a one-edit check).
LAZY = (
    "alembic",
    "mako",
    "pygments",
    "bm25s",
    "numpy",
    "sqlalchemy.dialects.postgresql",
    "xml.etree.ElementTree",
    "defusedxml",
    "rapidfuzz",
)


def _fresh_interpreter(script: str) -> str:
    """What `script` prints in a new interpreter started at the repository root.

    The root goes on PYTHONPATH too: a script that changes directory would otherwise import the packages it had
    not imported yet from wherever the editable install points (another checkout).
    """
    root = Path(__file__).parents[2]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=root, env=env
    )
    return result.stdout.strip()


def test_the_bot_graph_imports_no_heavy_module_it_does_not_use_yet() -> None:
    script = (
        "import sys\n"
        "import bot.runtime.factory, bot.runtime.app, bot.runtime.bootstrap\n"
        f"print(sorted(m for m in {LAZY!r} if m in sys.modules))\n"
    )
    assert _fresh_interpreter(script) == "[]"


def test_the_startup_heap_is_frozen_out_of_the_cyclic_collector() -> None:
    # A full collection over aiogram's models stops the event loop for ~190 ms: the bot freezes them at start.
    script = (
        "import gc\n"
        "from bot.config import Settings\n"
        "from bot.runtime.bootstrap import bootstrap, freeze_startup_heap\n"
        "bootstrap(Settings(_env_file=None, bot_token='1:x', database_url='sqlite+aiosqlite:///:memory:'))\n"
        "freeze_startup_heap()\n"
        "print(gc.get_freeze_count() > 10 * len(gc.get_objects()))\n"
    )
    assert _fresh_interpreter(script) == "True"


def test_the_question_engine_compiles_its_lexicon_at_the_first_question_not_at_start() -> None:
    # The lexicon and the indexes (about 1 MB) are built by the first question; a bot not asked keeps them out.
    script = (
        "from bot.config import Settings\n"
        "from bot.runtime.bootstrap import bootstrap\n"
        "from bot.services.answers.lexicon import lexicon\n"
        "services = bootstrap(Settings(_env_file=None, bot_token='1:x', database_url='sqlite+aiosqlite:///:memory:'))\n"
        "print(lexicon.cache_info().currsize)\n"
    )
    assert _fresh_interpreter(script) == "0"


@pytest.mark.parametrize(
    "argv",
    [
        ["feeds", "list"],
        ["kb", "export", "kb.yaml"],
        ["migrate"],
        ["backup", "copy.sqlite3"],
        ["ask", "Кто в альянсе?"],
    ],
    ids=lambda argv: " ".join(argv[:2]),
)
def test_shell_commands_that_never_talk_to_telegram_import_no_aiogram(argv: list[str], tmp_path: Path) -> None:
    # `import aiogram` alone is 6-8 s of CPU on these machines: a `feeds list` must not pay it.
    script = (
        "import os, sys\n"
        f"os.chdir({str(tmp_path)!r})\n"
        f"os.environ.update(DATABASE_URL='sqlite+aiosqlite:///{tmp_path}/bot.sqlite3', DEFAULT_SOURCES='false')\n"
        "from bot.cli.main import main\n"
        "main(['migrate'])\n"
        f"code = main({argv!r})\n"
        "print(code, sorted(m for m in ('aiogram', 'apscheduler.schedulers.asyncio') if m in sys.modules))\n"
    )
    assert _fresh_interpreter(script).splitlines()[-1] == "0 []"


def test_feeds_list_on_a_new_database_imports_only_what_it_uses(tmp_path: Path) -> None:
    # `feeds list` is a database read: the HTTP client (aiohttp builds an SSL context at import), the scheduler,
    # metrics, the migrations (an empty database is made from the metadata), feed parsing, translations and the
    # sanitizer are for other commands. Together they were about half of its CPU.
    heavy = (
        "aiogram",
        "aiohttp",
        "apscheduler",
        "alembic",
        "prometheus_client",
        "feedparser",
        "fluent",
        "babel",
        "nh3",
    )
    script = (
        "import os, sys\n"
        f"os.chdir({str(tmp_path)!r})\n"
        f"os.environ.update(DATABASE_URL='sqlite+aiosqlite:///{tmp_path}/new.sqlite3', BOT_TOKEN='')\n"
        "from bot.cli.main import main\n"
        "code = main(['feeds', 'list'])\n"
        f"print(code, sorted(m for m in {heavy!r} if m in sys.modules))\n"
    )
    assert _fresh_interpreter(script).splitlines()[-1] == "0 []"
