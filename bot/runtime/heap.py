"""Freed memory given back to the system: a job calls glibc's `malloc_trim(0)` every few minutes.

glibc's malloc keeps what a thread frees in that thread's arena, and gives an arena's memory back only from its top.
The bot's SQLite work runs in the threads of its aiosqlite connections, and churns: in WAL mode a connection's page
cache (up to 2 MB) is freed at its next transaction whenever another connection has written since, and filled
again. Under `bench.soak` the memory those arenas held free grew by 2 MB in four minutes and the resident size with
it, a slope that looked like a leak though nothing lived longer than it should (docs/PERFORMANCE.md, "Memory under
the soak"). `malloc_trim(0)` hands the free pages of every arena back (1.5-2.4 MB a call there; it takes
0.2 ms with the bot's modules loaded, 205 MB resident). Where there is no glibc (musl, macOS) there is no job.

Fewer arenas, too: glibc gives each thread that meets a busy arena a new one, up to eight per core, and what a
thread frees stays in its own arena for that thread to reuse. `limit_malloc_arenas` (called before the first thread
starts) caps them at MALLOC_ARENAS (one), so the threads share what they free; an operator's `MALLOC_ARENA_MAX` in the
environment wins."""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import sys
from collections.abc import Callable, Mapping

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.runtime.supervision import Supervisor

logger = logging.getLogger(__name__)
JOB_ID = "heap-trim"
TRIM_MINUTES = 5
# One arena for every thread (the aiosqlite connections', the executor's): what one frees, the next reuses. Under the
# 2-hour soak: +1.4 MB/h with one, +2.3 with two, +3.4 with glibc's default (docs/PERFORMANCE.md). The threads
# rarely allocate at once (the GIL; SQLite's own work is short), so one lock costs little.
MALLOC_ARENAS = 1
M_ARENA_MAX = -8  # glibc's malloc.h

Trim = Callable[[int], int]


def _glibc(name: str) -> Callable[..., int] | None:
    """A function of glibc's, or None where the C library is another or has none of that name."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function: Callable[..., int] = getattr(ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6"), name)
    except (OSError, AttributeError):
        return None
    return function


def glibc_malloc_trim() -> Trim | None:
    """glibc's `malloc_trim`, or None where the C library has none."""
    return _glibc("malloc_trim")


_MALLOC_TRIM = glibc_malloc_trim()

Mallopt = Callable[[int, int], int]


def glibc_mallopt() -> Mallopt | None:
    """glibc's `mallopt`, or None where the C library has none."""
    return _glibc("mallopt")


def limit_malloc_arenas(
    mallopt: Mallopt | None = None, environ: Mapping[str, str] = os.environ, arenas: int = MALLOC_ARENAS
) -> bool:
    """Cap glibc's arenas at `arenas` unless the operator set MALLOC_ARENA_MAX; True when this call set it."""
    if "MALLOC_ARENA_MAX" in environ:
        return False
    mallopt = mallopt or glibc_mallopt()
    return mallopt is not None and mallopt(M_ARENA_MAX, arenas) == 1


def trim_heap(trim: Trim | None = _MALLOC_TRIM) -> bool:
    """Give the free memory of every malloc arena back to the system; True when some was."""
    return trim is not None and bool(trim(0))


async def run_heap_trim() -> None:
    """The job: one trim (every process, the standby too: its threads free memory as well)."""
    trim_heap()


async def start_heap_trim(scheduler: AsyncIOScheduler, supervisor: Supervisor) -> None:
    """Startup hook: the trim every TRIM_MINUTES."""
    if _MALLOC_TRIM is None:
        logger.info("heap.trim_unavailable", extra={"reason": "no glibc malloc_trim"})
        return
    scheduler.add_job(
        supervisor.job("heap-trim", run_heap_trim),
        "interval",
        minutes=TRIM_MINUTES,
        id=JOB_ID,
        name="give freed memory back",
        coalesce=True,
        max_instances=1,
        replace_existing=True,
    )
