"""An embedded PostgreSQL server (the `pgserver` package) for running without any servers.

pgserver ships PostgreSQL binaries in its wheel and keeps the cluster in a folder we choose,
so data survives restarts; the server listens on a Unix socket only.
"""

from __future__ import annotations

import os
from pathlib import Path

import structlog

log = structlog.get_logger(__name__)

DATABASE_NAME = "domovoy"


def start_embedded_postgres(data_dir: Path, database: str = DATABASE_NAME) -> str:
    """Start (or reuse) the embedded server under `data_dir/postgres`; return a database URL.

    The server stops when the last process that started or reused it exits (pgserver counts them).
    """
    runtime_dir = (data_dir / "run").resolve()
    runtime_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    # platformdirs, which pgserver imports, warns on every start when XDG_RUNTIME_DIR is unset.
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime_dir))
    import pgserver

    folder = (data_dir / "postgres").resolve()
    folder.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(folder, cleanup_mode="stop")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")
    if "1 row" not in exists:
        server.psql(f'CREATE DATABASE "{database}";')
    log.info("embedded_postgres_started", folder=str(folder), database=database)
    return f"postgresql://postgres@/{database}?host={folder}"
