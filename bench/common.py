"""Helpers shared by the benchmarks: a scratch database, app subprocesses, percentiles, the result line."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import psycopg

from backend.db.migrate import upgrade
from backend.db.urls import with_database
from tests.conftest import _psycopg_dsn, _recreate_database, drop_database
from tests.services import postgres_server_url, redis_url

ROOT = Path(__file__).resolve().parents[1]
BENCH_SECRET = "bench-secret-key-that-is-long-enough-0123456789"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def report(benchmark: str, metric: str, value: float, unit: str, target: float, baseline: float, **extra) -> None:
    """Print the one JSON line every benchmark ends with."""
    line = {"benchmark": benchmark, "metric": metric, "value": round(value, 3), "unit": unit, "target": target,
            "baseline": round(baseline, 3), "ratio": round(value / baseline, 2) if baseline else None, **extra}
    print(json.dumps(line, ensure_ascii=False), flush=True)


@contextmanager
def scratch_database(name: str):
    """A migrated, empty database for one benchmark, dropped afterwards."""
    server = postgres_server_url()
    url = _recreate_database(server, name)
    upgrade(url)
    try:
        yield url
    finally:
        drop_database(server, name)


def sql(url: str, statement: str) -> None:
    with psycopg.connect(_psycopg_dsn(url), autocommit=True) as connection:
        connection.execute(statement)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def app_processes(database_url: str, *, worker: bool = True):
    """Run `domovoy serve` (and `domovoy worker`) as separate processes on Redis, as in production."""
    redis = redis_url()
    if redis is None:
        raise SystemExit("this benchmark needs Redis on 127.0.0.1:6379 or REDIS_URL")
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis, "SECRET_KEY": BENCH_SECRET,
           "DOMOVOY_PORT": str(port), "DOMOVOY_LOG_LEVEL": "warning", "DOMOVOY_ENV": "test"}
    commands = [["serve"]] + ([["worker"]] if worker else [])
    processes = [subprocess.Popen([sys.executable, "-m", "backend.cli", *command], env=env, cwd=ROOT,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for command in commands]
    try:
        _wait_for_port(port)
        yield f"127.0.0.1:{port}"
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)


def _wait_for_port(port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"the app did not start listening on port {port} within {timeout} s")


def database_for(server_url: str, name: str) -> str:
    return with_database(server_url, name)


def run(main) -> None:
    asyncio.run(main())
