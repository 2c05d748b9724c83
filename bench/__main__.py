"""`python -m bench [NAME ...]`: run the named benchmarks (all when none is named), one after another."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
# The long reliability runs belong to `make soak`; they run here only when named.
LONG = {"crash", "faults", "soak"}


def available() -> list[str]:
    return sorted(p.stem for p in HERE.glob("*.py") if not p.stem.startswith("_"))


def main(names: list[str]) -> int:
    chosen = names or [name for name in available() if name not in LONG]
    unknown = sorted(set(chosen) - set(available()))
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(available())}", file=sys.stderr)
        return 2
    failed = 0
    for name in chosen:
        print(f"== bench.{name}", flush=True)
        failed += subprocess.call([sys.executable, "-m", f"bench.{name}"]) != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
