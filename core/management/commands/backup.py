"""manage.py backup [DIR]: the database (pg_dump -Fc of the server's major) and MEDIA_ROOT, with a manifest."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup


class Command(BaseCommand):
    help = "备份数据库与上传文件到一个新目录（默认 BACKUP_ROOT/<时间>：KUOQUAN_BACKUP_DIR 或 var/backups）。"

    def add_arguments(self, parser):
        parser.add_argument("target", nargs="?", help="新的备份目录")

    def handle(self, *args, target=None, **options):
        if not target:
            root = Path(getattr(settings, "BACKUP_ROOT", "") or Path(settings.BASE_DIR) / "var" / "backups")
            target = root / datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        try:
            manifest = backup(target=Path(target))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"备份完成：{target}（PostgreSQL {manifest['server_version']}，{sum(manifest['rows'].values())} 行，"
            f"{manifest['media']['files']} 个文件，台账校验 {'通过' if manifest['ledger_verify']['ok'] else '有误'}）"
        )
