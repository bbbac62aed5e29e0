"""manage.py restore DIR: into the EMPTY database of DATABASE_URL and MEDIA_ROOT, then compare with the manifest."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, restore


class Command(BaseCommand):
    help = "把 manage.py backup 的备份恢复到空数据库（DATABASE_URL）和 MEDIA_ROOT，并核对行数与台账哈希。"

    def add_arguments(self, parser):
        parser.add_argument("source", help="备份目录")

    def handle(self, *args, source, **options):
        try:
            result = restore(source=Path(source))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        if not result["ok"]:
            raise CommandError(f"恢复后核对不符：行数差异 {result['row_differences']}，台账一致：{result['ledger_same']}")
        self.stdout.write(f"恢复完成：{result['rows_compared']} 张表行数一致，台账哈希一致，{result['files']} 个文件。")
        for name in result.get("skipped_extensions", []):
            self.stdout.write(f"注意：目标服务器没有扩展 {name}，已跳过该扩展及依赖它的索引（仅影响查询速度）。")
