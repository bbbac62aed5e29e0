"""ECharts ``option`` objects built on the server, for the chart pattern of every app.

A page shows a chart with ``{% chart "app:some-chart" %}`` (core/templatetags/charts.py); the
tag renders an empty container that static/js/charts.js fills from a JSON endpoint answering
``chart_response(option, rows=...)``. The option is built here from plain figures, so the
browser runs no logic of its own beyond handing it to ECharts: every number the chart shows
was computed, and scoped, by a selector.

Colours follow the status colours of static/css/kuoquan.css (on time green, late amber,
overdue red, pending grey) so a chart reads like the badges on the lists beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.http import JsonResponse
from django.utils.translation import gettext as _

GREEN, AMBER, RED, GREY, BLUE = "#067647", "#e8890c", "#b42318", "#adb5bd", "#0d6efd"


@dataclass(frozen=True)
class Series:
    """One series: its name (legend), one value per category, an optional colour."""

    name: str
    data: Sequence[float | int | None]
    color: str | None = None


def _font() -> dict:
    # The page's own font stack: ECharts draws text itself and would default to sans-serif.
    return {"fontFamily": "system-ui, -apple-system, 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif"}


def _base(title: str | None) -> dict:
    option: dict = {
        "textStyle": _font(),
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 16, "bottom": 8, "top": 52, "containLabel": True},
        "animation": False,  # a chart of figures, not a show; also keeps screenshots stable
    }
    if title:
        option["title"] = {"text": title, "left": "center", "top": 0, "textStyle": {"fontSize": 14}}
        option["legend"]["top"] = 24
        option["grid"]["top"] = 60
    return option


def _series(s: Series, **extra) -> dict:
    out = {"name": s.name, "type": "bar", "data": list(s.data), "barMaxWidth": 56, **extra}
    if s.color:
        out["itemStyle"] = {"color": s.color}
    return out


def bar(categories: Sequence[str], *series: Series, title: str | None = None, horizontal: bool = False,
        value_name: str | None = None, percent: bool = False) -> dict:
    """Bars side by side, one group per category. ``percent`` formats the value axis 0-100 %."""
    option = _base(title)
    category_axis = {"type": "category", "data": list(categories), "axisLabel": {"interval": 0}}
    value_axis: dict = {"type": "value", "minInterval": 1}
    if value_name:
        value_axis["name"] = value_name
    if percent:
        value_axis.update(min=0, max=100, minInterval=0, axisLabel={"formatter": "{value}%"})
    option["xAxis"], option["yAxis"] = (value_axis, category_axis) if horizontal else (category_axis, value_axis)
    option["series"] = [_series(s, label={"show": True, "position": "right" if horizontal else "top",
                                          **({"formatter": "{c}%"} if percent else {})}) for s in series]
    return option


def stacked_bar(categories: Sequence[str], *series: Series, title: str | None = None,
                value_name: str | None = None) -> dict:
    """Bars stacked per category (the parts of one whole, e.g. records of a month by state)."""
    option = bar(categories, *series, title=title, value_name=value_name)
    option["series"] = [_series(s, stack="total", emphasis={"focus": "series"}) for s in series]
    return option


def pie(slices: Sequence[tuple[str, float | int]], *, title: str | None = None, name: str = "",
        colors: Sequence[str] | None = None) -> dict:
    """One whole in named slices."""
    option = _base(title)
    option["tooltip"] = {"trigger": "item", "formatter": "{b}：{c}（{d}%）"}
    option.pop("grid")
    data = [{"name": label, "value": value} for label, value in slices]
    option["series"] = [{"name": name, "type": "pie", "radius": ["35%", "65%"], "data": data,
                         "label": {"formatter": "{b}\n{c}"}}]
    if colors:
        option["color"] = list(colors)
    return option


def chart_response(option: dict, *, rows: list[dict] | None = None) -> JsonResponse:
    """What charts.js reads: the ``option``, whether there is anything to draw (``empty``, then the
    container says so in words instead of drawing empty axes), and the plain ``rows`` the option
    was built from (for tests, and for whoever wants the figures rather than the picture)."""
    empty = not rows
    return JsonResponse(
        {"option": option, "empty": empty, "empty_text": _("暂无数据") if empty else "", "rows": rows or []},
        json_dumps_params={"ensure_ascii": False},
    )
