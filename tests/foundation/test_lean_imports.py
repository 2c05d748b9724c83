"""What the bot process imports at start: heavy modules only some paths need are imported on first use."""

import subprocess
import sys
from pathlib import Path

# alembic (with mako and pygments): only a migration; bm25s and numpy: the first question's index;
# SQLAlchemy's PostgreSQL dialect: only on PostgreSQL. Together about 28 MB of resident memory.
LAZY = ("alembic", "mako", "pygments", "bm25s", "numpy", "sqlalchemy.dialects.postgresql")


def test_the_bot_graph_imports_no_heavy_module_it_does_not_use_yet() -> None:
    script = (
        "import sys\n"
        "import bot.factory, bot.app, bot.container\n"
        f"print(sorted(m for m in {LAZY!r} if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=Path(__file__).parents[2]
    )
    assert result.stdout.strip() == "[]"
