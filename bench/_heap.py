"""Where a process's memory is, from inside it: Python's object allocator, glibc's malloc, SQLite, live objects.

`bench.soak` loads this into the bot process (see its BOT wrapper) and asks for a breakdown at the first sample, in
the middle and at the end of the run, so that a growing RSS can be put down to one of them: Python objects that
pile up (more live objects of some type), Python's arenas that are kept half empty, C memory that malloc holds
(SQLite's page caches live there, in each connection's thread), or memory malloc has freed and not returned.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import os
import re
import sys
import tempfile
import threading
from collections import Counter
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET


def _malloc() -> dict[str, int]:
    """glibc's figures: bytes in use and bytes free but kept, in the main arena (the main thread's: the event loop,
    Python's objects over 512 bytes) and in the other threads' arenas (SQLite works in each aiosqlite connection's
    thread); bytes in mmapped chunks. Python's small-object arenas are mmapped outside malloc, not counted here."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.fopen.restype = ctypes.c_void_p
        libc.fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
        libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
        libc.fclose.argtypes = [ctypes.c_void_p]
    except (OSError, AttributeError):
        return {}
    with tempfile.NamedTemporaryFile(suffix=".xml") as out:
        stream = libc.fopen(out.name.encode(), b"w")
        libc.malloc_info(0, stream)
        libc.fclose(stream)
        root = ET.parse(out.name).getroot()
    found = {"malloc_main_in_use": 0, "malloc_threads_in_use": 0, "malloc_free": 0, "malloc_mmapped": 0}
    for heap in root.iter("heap"):
        free = sum(int(t.get("size", 0)) for t in heap.findall("total") if t.get("type") in ("fast", "rest"))
        current = next(int(s.get("size", 0)) for s in heap.findall("system") if s.get("type") == "current")
        found["malloc_main_in_use" if heap.get("nr") == "0" else "malloc_threads_in_use"] += current - free
        found["malloc_free"] += free
    found["malloc_mmapped"] = sum(int(t.get("size", 0)) for t in root.findall("total") if t.get("type") == "mmap")
    return found


def _sqlite() -> dict[str, int]:
    """SQLite's own allocations (page caches, schemas, prepared statements) in this process, now and at most."""
    try:
        lib = ctypes.CDLL("libsqlite3.so.0")
    except OSError:
        return {}
    lib.sqlite3_memory_used.restype = ctypes.c_int64
    lib.sqlite3_memory_highwater.restype = ctypes.c_int64
    lib.sqlite3_memory_highwater.argtypes = [ctypes.c_int]
    return {"sqlite_used": lib.sqlite3_memory_used(), "sqlite_highwater": lib.sqlite3_memory_highwater(0)}


def _obmalloc() -> dict[str, int]:
    """Python's small-object allocator: its arenas (256 KiB or 1 MiB each, mmapped) and the bytes of live blocks."""
    found: dict[str, int] = {"python_blocks": sys.getallocatedblocks()}
    with tempfile.TemporaryFile("w+") as out:
        sys.stderr.flush()
        saved = os.dup(2)
        os.dup2(out.fileno(), 2)
        try:
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        out.seek(0)
        text = out.read()
    for label, key in (
        ("# arenas allocated current", "python_arenas"),
        ("# bytes in allocated blocks", "python_bytes_in_blocks"),
        ("# bytes in available blocks", "python_bytes_free_in_pools"),
        ("Total", "python_allocator_total"),
    ):
        match = re.search(rf"^{re.escape(label)}\s*=\s*([\d,]+)", text, re.MULTILINE)
        if match:
            found[key] = int(match.group(1).replace(",", ""))
    return found


def _rss() -> dict[str, int]:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return {"rss_bytes": int(line.split()[1]) * 1024}
    return {}


def breakdown(top: int = 400) -> dict[str, Any]:
    """The figures above and the number of live objects of each type (the `top` most common). Objects frozen by
    `gc.freeze()` (the bot freezes its start-up heap) are counted as one figure, not by type: gc lists only the
    others, which is where growth shows."""
    gc.collect()
    objects = gc.get_objects()
    types = Counter(type(o).__qualname__ for o in objects)
    result: dict[str, Any] = {
        **_rss(),
        **_obmalloc(),
        **_malloc(),
        **_sqlite(),
        "threads": threading.active_count(),
        "gc_objects": len(objects),
        "gc_frozen": gc.get_freeze_count(),
        "types": dict(types.most_common(top)),
    }
    del objects
    return result
