"""Memory freed by the bot's threads goes back to the system: a job trims malloc's arenas (bot.runtime.heap).

Under the soak the resident size kept growing with memory that the aiosqlite connection threads had freed and glibc
kept in their arenas; see docs/PERFORMANCE.md, "Memory under the soak".
"""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest

from bot.runtime.heap import (
    JOB_ID,
    M_ARENA_MAX,
    MALLOC_ARENAS,
    TRIM_MINUTES,
    glibc_malloc_trim,
    glibc_mallopt,
    limit_malloc_arenas,
    trim_heap,
)
from tests.conftest import RunningBot

BLOCK = 16 * 1024  # under malloc's mmap threshold (128 KiB): from the thread's arena, as SQLite's pages are
BLOCKS = 2048  # 32 MiB
ROOT = Path(__file__).resolve().parents[2]
KEPT_EVERY = 16  # one block in 16 stays: the arena's top is never free, so malloc itself gives nothing back


def resident_anonymous() -> int:
    """RssAnon of this process, in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("RssAnon:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no RssAnon")


async def test_the_trim_job_is_registered(app: RunningBot):
    if glibc_malloc_trim() is None:
        pytest.skip("no glibc: nothing to trim, no job")
    job = app.services.scheduler.get_job(JOB_ID)
    assert job is not None
    assert job.trigger.interval == timedelta(minutes=TRIM_MINUTES)


def test_a_trim_gives_back_what_a_thread_freed():
    if glibc_malloc_trim() is None:
        pytest.skip("no glibc malloc_trim")
    kept: list[bytearray] = []

    def churn() -> None:
        blocks = [bytearray(BLOCK) for _ in range(BLOCKS)]  # zero-filled: every page is touched
        kept.extend(blocks[KEPT_EVERY - 1 :: KEPT_EVERY])

    worker = threading.Thread(target=churn)
    worker.start()
    worker.join()
    freed = BLOCK * (BLOCKS - len(kept))
    before = resident_anonymous()
    assert trim_heap()
    after = resident_anonymous()
    assert before - after >= freed // 2, (before, after, freed)
    assert len(kept) == BLOCKS // KEPT_EVERY


def test_no_trim_where_there_is_no_glibc():
    assert trim_heap(None) is False


def test_the_arenas_are_capped_unless_the_operator_chose():
    calls: list[tuple[int, int]] = []

    def mallopt(option: int, value: int) -> int:
        calls.append((option, value))
        return 1

    assert limit_malloc_arenas(mallopt, environ={}) is True
    assert calls == [(M_ARENA_MAX, MALLOC_ARENAS)]
    assert limit_malloc_arenas(mallopt, environ={"MALLOC_ARENA_MAX": "8"}) is False  # glibc read the operator's
    assert calls == [(M_ARENA_MAX, MALLOC_ARENAS)]


def test_glibc_takes_the_cap():
    if glibc_mallopt() is None:
        pytest.skip("no glibc mallopt")
    # In a child process: the cap stays for the life of the process that sets it.
    script = (
        "import threading; from bot.runtime.heap import limit_malloc_arenas; print(limit_malloc_arenas(environ={}))"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "True"
