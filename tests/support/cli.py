"""`python -m bot ...` run inside the test process: the CLI's own `main()` in the working directory and with the
environment an operator's shell gives it, its exit code, stdout and stderr (logs included) collected.

A new interpreter costs seconds of CPU on a shared machine (importing aiogram); what a CLI test checks (an exit
code, a line on stdout or stderr, a file written) is the same from `main()`. The few tests that prove the real
process (a signal, the playground announcing itself, a crash, a second replica) still start one.
"""

from __future__ import annotations

import io
import logging
import os
from collections.abc import Mapping
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.config import Settings


@dataclass(frozen=True)
class CliResult:
    """What the shell sees of one command (the fields of `subprocess.CompletedProcess` the tests read)."""

    returncode: int
    stdout: str
    stderr: str


def run_main(*args: str, cwd: Path, env: Mapping[str, str] | None = None) -> CliResult:
    """Run `python -m bot *args` in `cwd`, with no setting in the environment but those in `env`.

    Call it from a thread (`asyncio.to_thread`) in an async test: the commands run event loops of their own.
    """
    stdout, stderr = io.StringIO(), io.StringIO()
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    with pytest.MonkeyPatch.context() as patch, redirect_stdout(stdout), redirect_stderr(stderr):
        for name in list(os.environ):
            if name.lower() in Settings.model_fields:
                patch.delenv(name)
        for name, value in (env or {}).items():
            patch.setenv(name, value)
        patch.chdir(cwd)
        try:
            code = main(list(args))
        except SystemExit as exit_:  # argparse's --help, --version and usage errors exit as the process would
            code = exit_.code if isinstance(exit_.code, int) else 1
        finally:
            # The CLI points the root logger at its stderr; the next test logs to pytest's handlers again.
            root.handlers[:] = handlers
            root.setLevel(level)
    return CliResult(code, stdout.getvalue(), stderr.getvalue())
