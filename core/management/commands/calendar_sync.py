"""`manage.py calendar_sync`: load every holiday year the chinese-calendar package knows and the
database does not, and recompute the provisional due dates those years settle (DOMAIN.md §0).

Safe to run at every start and after every package upgrade: a year already in the database
(from the package or entered by the office) is left alone, and a year loaded now goes through
``calendar_year_import_from_package``, which calls ``core.provisional.recompute_year``.

It then sweeps the known years from last year on: a record registered while its year was being
entered (its transaction read the year as unknown and committed after the recompute) keeps a
provisional date that a second recompute settles. The handlers find nothing to do in a few
milliseconds when there is nothing left.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core import provisional
from core.errors import ApplicationError
from core.models import CalendarYear
from core.services import calendar_year_import_from_package, package_years


class Command(BaseCommand):
    help = "导入 chinese-calendar 软件包收录而数据库中尚无的节假日年度，并重算相关的暂定备案期限。"

    def add_arguments(self, parser):
        parser.add_argument("--no-sweep", action="store_true", help="不再检查已录入年度中遗留的暂定期限")

    def handle(self, *args, no_sweep=False, **options):
        known = set(CalendarYear.objects.values_list("year", flat=True))
        missing = [year for year in package_years() if year not in known]
        for year in missing:
            try:
                calendar_year = calendar_year_import_from_package(year=year, actor=None)
            except ApplicationError as exc:
                raise CommandError(exc.message) from exc
            moved = getattr(calendar_year, "recomputed", 0)
            self.stdout.write(f"{year}年：已从软件包导入；{moved} 条暂定备案期限因此改变。")
        if not missing:
            self.stdout.write("软件包收录的年度均已在数据库中。")
        if no_sweep:
            return
        since = timezone.localdate().year - 1
        for year in sorted(y for y in CalendarYear.objects.values_list("year", flat=True) if y >= since):
            moved = provisional.recompute_year(year=year, actor=None)
            if moved:
                self.stdout.write(f"{year}年：{moved} 条遗留的暂定备案期限已重算。")
