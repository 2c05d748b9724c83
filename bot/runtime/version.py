"""The release version: from git tags (`v1.2.0`), as operators see it in `--version` and `/healthz`.

setuptools-scm stamps the version into the package metadata when it is installed (wheel, sdist, Docker image);
a git checkout asks `git describe` instead, so a developer's tree shows the commits since the last tag
without reinstalling.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as installed_version
from pathlib import Path

DISTRIBUTION = "alliance-news-bot"
_ROOT = Path(__file__).resolve().parent.parent


def describe(root: Path) -> str | None:
    """`git describe` of a checkout with a release tag ("1.2.0", "1.2.0-3-gabc1234-dirty"), else None."""
    git = shutil.which("git")
    if git is None or not (root / ".git").exists():
        return None
    try:
        result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [git, "describe", "--tags", "--dirty", "--match", "v[0-9]*"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    described = result.stdout.strip()
    return described.removeprefix("v") if result.returncode == 0 and described else None


def find_version(root: Path = _ROOT) -> str:
    """The checkout's tag description, else the installed metadata, else "0+unknown"."""
    described = describe(root)
    if described:
        return described
    try:
        return installed_version(DISTRIBUTION)
    except PackageNotFoundError:
        return "0+unknown"


@cache
def release_version() -> str:
    """The version of this process, found once."""
    return find_version()
