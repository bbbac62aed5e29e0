"""The staffing table (机构编制使用情况表) as an official document (GB/T 9704, DOMAIN.md §9),
from the numbers of ``selectors_staffing.staffing_table`` of a town the caller may see."""

from __future__ import annotations

import datetime

from django.utils import timezone

from core.pdf import render_pdf, title_lines

from .selectors_staffing import StaffingTable


def cn_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def staffing_pdf(*, table: StaffingTable, on: datetime.date | None = None) -> bytes:
    on = on or timezone.localdate()
    town = table.town
    title = [f"{town.name}", "机构编制使用情况表"]
    context = {
        "table": table, "town": town, "title": "".join(title), "title_lines": title_lines(title),
        "issuer": f"{town.name}人民政府", "signature": f"{town.name}人民政府", "date": cn_date(on),
        "rows_total": sum(r.approved for r in table.totals), "filled_total": sum(r.filled for r in table.totals),
        "free_total": sum(r.free for r in table.totals),
    }
    return render_pdf("pdf/personnel/staffing.html", context)
