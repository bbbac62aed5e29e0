"""Template filters of the landuse pages: mu with two decimals, hectares beside them, pool labels, the town's figure cards."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import gettext

from core.units import fmt_mu
from landuse.choices import Pool
from landuse.rules import mu_to_ha

register = template.Library()


@register.filter
def ha(mu) -> str:
    """Mu as hectares, four decimals (1 ha = 15 mu)."""
    if mu is None or mu == "":
        return "—"
    return f"{mu_to_ha(Decimal(mu)):,}"


@register.filter
def mu(value) -> str:
    """Mu as shown: two decimals, thousands separators (core.units.fmt_mu)."""
    return fmt_mu(value)


@register.filter
def pool_label(pool) -> str:
    try:
        return str(Pool(pool).label)
    except ValueError:
        return str(pool)


@register.filter
def figure_cards(f) -> list[tuple[str, Decimal]]:
    """The town page's six figures, in the order the issue names them."""
    return [(gettext("已收到"), f.received), (gettext("新增"), f.gained), (gettext("已下达"), f.given),
            (gettext("预留"), f.reserved), (gettext("已使用"), f.used), (gettext("可用"), f.available)]
