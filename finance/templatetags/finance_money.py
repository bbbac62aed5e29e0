"""``{{ amount|yuan }}``: money as finance's pages and traces show it (3,500,000.00), by finance.rules.fmt."""

from django import template

from .. import rules

register = template.Library()


@register.filter
def yuan(amount) -> str:
    if amount in (None, ""):
        return "—"
    return rules.fmt(amount)
