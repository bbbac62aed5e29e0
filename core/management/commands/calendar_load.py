"""`manage.py calendar_load [--year YYYY ...]`: copy holiday years from the chinese-calendar package.

Run after upgrading the package (each December the State Council publishes the next year and
a new package release follows). Without --year, every year the package knows is loaded;
loading a year again changes nothing unless the package's data changed.
"""

from django.core.management.base import BaseCommand, CommandError

from core.errors import ApplicationError
from core.models import CalendarDay
from core.services import calendar_year_import_from_package, package_years


class Command(BaseCommand):
    help = "从 chinese-calendar 软件包导入法定节假日和调休安排（默认导入软件包收录的全部年份）。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, action="append", dest="years", metavar="YYYY",
                            help="只导入这一年（可重复）")

    def handle(self, *args, years=None, **options):
        for year in years or package_years():
            try:
                calendar_year = calendar_year_import_from_package(year=year, actor=None)
            except ApplicationError as exc:
                raise CommandError(exc.message) from exc
            counts = {kind: 0 for kind in ("holiday", "workday")}
            for kind in CalendarDay.objects.filter(year=calendar_year).values_list("kind", flat=True):
                counts[kind] += 1
            self.stdout.write(f"{year}年：放假 {counts['holiday']} 天，调休上班 {counts['workday']} 天。")
