"""CPU of a shell command that only reads the database: `python -m bot feeds list`, whole process.

    python -m bench.shell [--runs 5] [--checkout PATH]

Each figure is the CPU (user + system, from `wait4`) of a new interpreter, `--runs` runs after one warm-up, on an
empty SQLite database: once on a file that exists (made by the warm-up), once on a path with no file yet (removed
before each run, so the command makes the schema and seeds the knowledge base and the default sources). The
commands run in a temporary directory (no `.env` read) with this checkout (or `--checkout`, another one: the code
before a change) first on PYTHONPATH. Baseline in the same
run: a new interpreter that imports only what any such command needs (the settings, SQLAlchemy's asyncio engine,
the SQLite driver and the tables). Printed: the median of each and its ratio to the baseline; the goal is under 1 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLOOR = "import bot.config, sqlalchemy.ext.asyncio, aiosqlite, storage.schema"


def cpu_of(command: list[str], env: dict[str, str], cwd: str) -> float:
    """CPU seconds (user + system) the process used, read when it ends."""
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        error = process.stderr.read().decode(errors="replace") if process.stderr else ""
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}): {error[-500:]}")
    if process.stderr:
        process.stderr.close()
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--checkout", type=Path, default=ROOT, help="the checkout whose code runs (default: this one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        database = Path(work) / "bot.sqlite3"
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(args.checkout.resolve()), os.environ.get("PYTHONPATH")])),
            "DATABASE_URL": f"sqlite+aiosqlite:///{database}",
            "BOT_TOKEN": "",
        }
        command = [sys.executable, "-m", "bot", "feeds", "list"]
        floor = [sys.executable, "-c", FLOOR]
        cpu_of(command, env, work)  # warm-up: makes the database
        cpu_of(floor, env, work)
        existing, new, baseline = [], [], []
        for _ in range(args.runs):
            existing.append(cpu_of(command, env, work))
            baseline.append(cpu_of(floor, env, work))
            for path in Path(work).glob("bot.sqlite3*"):
                path.unlink()
            new.append(cpu_of(command, env, work))
    base = statistics.median(baseline)
    where = args.checkout.resolve()
    print(f"{where}: CPU of a new interpreter, median of {args.runs} runs after a warm-up (goal: under 1 s)")
    print(f"baseline (imports only: {FLOOR}): {base:.2f} s")
    for name, runs in (("feeds list, existing empty database", existing), ("feeds list, no database file", new)):
        median = statistics.median(runs)
        shown = " ".join(f"{run:.2f}" for run in runs)
        print(f"{name}: {median:.2f} s ({shown}), {median / base:.2f}x the baseline")
    return 0


if __name__ == "__main__":
    sys.exit(main())
