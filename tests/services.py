"""Finding the PostgreSQL and Redis servers the tests use, or starting embedded ones.

Order: DATABASE_URL / REDIS_URL when set; else the servers on localhost when they answer;
else an embedded PostgreSQL under var/test-postgres and in-memory channels instead of Redis.
"""

from __future__ import annotations

import os
import socket
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
LOCAL_REDIS = "redis://127.0.0.1:6379/0"


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


@cache
def postgres_server_url() -> str:
    """URL of a maintenance database on a server where the tests may create databases."""
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    if _answers("127.0.0.1", 5432):
        return LOCAL_POSTGRES
    from backend.db.embedded import start_embedded_postgres

    return start_embedded_postgres(ROOT / "var" / "test-postgres", database="postgres")


@cache
def redis_url() -> str | None:
    """Redis for the tests, or None when only in-memory channels are available."""
    if os.environ.get("REDIS_URL"):
        return os.environ["REDIS_URL"]
    return LOCAL_REDIS if _answers("127.0.0.1", 6379) else None
