"""``{% chart %}``: a chart drawn in the browser from a JSON endpoint (core/charts.py).

    {% load charts %}
    {% chart "delegation:takeover-chart" height=280 title=_("各试点镇承接率") %}
    {% chart "delegation:filing-chart" division=division %}

The first argument is a URL name (reversed) or a path. ``height`` (pixels) and ``title`` (the
container's accessible name) shape the container; every other keyword becomes a query
parameter of the data URL (empty values are left out). The tag renders a ``<div>`` with data
attributes only — no inline script or style, so a strict Content-Security-Policy holds — and,
the first time it is used on a page, the two scripts: the vendored ECharts and charts.js,
which fetches the data URL and draws.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()

_SCRIPTS_DONE = "core.charts.scripts"


def _data_url(target: str, params: dict) -> str:
    if "/" in target:
        url = target
    else:
        try:
            url = reverse(target)
        except NoReverseMatch as exc:  # a typo in a template is a bug: say which name
            raise template.TemplateSyntaxError(f"chart: no URL named {target!r}") from exc
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{url}?{query}" if query else url


@register.simple_tag(takes_context=True)
def chart(context, target: str, height: int = 300, title: str = "", **params):
    url = _data_url(target, params)
    html = format_html(
        '<div class="kq-chart" data-chart-url="{}" data-chart-height="{}" role="img" aria-label="{}" '
        'data-chart-error="{}" data-testid="chart"><p class="kq-chart-status small text-muted">{}</p></div>',
        url, int(height), title, _("图表未能加载，请刷新页面重试。"), _("图表加载中…"),
    )
    render_context = context.render_context
    if not render_context.get(_SCRIPTS_DONE):
        render_context[_SCRIPTS_DONE] = True
        html += format_html(
            '<script src="{}" defer></script><script src="{}" defer></script>',
            static("vendor/echarts/echarts.min.js"), static("js/charts.js"),
        )
    return html
