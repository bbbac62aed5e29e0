"""Load every year the installed chinese-calendar package knows, so a fresh database can count
deadlines from day one. Frozen on purpose: it does not import core.services, whose code may
change; later years come from `manage.py calendar_load` or the office's manual entry."""

from django.db import migrations

HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def load(apps, schema_editor):
    import chinese_calendar

    CalendarYear = apps.get_model("core", "CalendarYear")
    CalendarDay = apps.get_model("core", "CalendarDay")
    rows = [(day, "holiday", name, "") for day, name in chinese_calendar.holidays.items()]
    rows += [(day, "workday", name, "调休上班") for day, name in chinese_calendar.workdays.items()]
    notice = f"chinese-calendar 软件包 {chinese_calendar.__version__} 版"
    known = set(CalendarYear.objects.values_list("year", flat=True))
    years = {}
    for year in sorted({day.year for day, *_ in rows} - known):
        years[year] = CalendarYear.objects.create(year=year, source="package", notice=notice)
    days = []
    for day, kind, name, suffix in sorted(rows):
        if day.year in years:
            name = getattr(name, "value", name)
            days.append(CalendarDay(year=years[day.year], date=day, kind=kind, name=HOLIDAY_NAMES.get(name, name) + suffix))
    CalendarDay.objects.bulk_create(days)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0001_calendar"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
