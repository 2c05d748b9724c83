"""`python -m tests.support.postgres URL`: exit 0 when a PostgreSQL server answers at the SQLAlchemy URL, else 1.

`make pytest` asks it whether to run the PostgreSQL cases, and prints one line when they are skipped.
"""

from __future__ import annotations

import asyncio
import sys

from sqlalchemy.engine import make_url

PROBE_TIMEOUT = 5.0


async def answers(url: str) -> bool:
    """Whether a server accepts a connection to the URL's database (the tests create their databases there)."""
    try:
        import asyncpg
    except ImportError:
        return False
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        connection = await asyncpg.connect(dsn, timeout=PROBE_TIMEOUT)
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
        return False
    await connection.close()
    return True


def main(argv: list[str]) -> int:
    [url] = argv
    return 0 if asyncio.run(answers(url)) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
