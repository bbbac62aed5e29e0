"""``{% ledger_badge %}``: whether the ledger's hash chains verify, for the auditor's pages.

    {% load ledger %}
    {% ledger_badge %}                     the latest recorded run over every ledger
    {% ledger_badge ledger="finance" %}    the latest run of one ledger
    {% ledger_badge result=verification %} a result the view computed (e.g. one account, live)
"""

from django import template

from ..models import VerificationRun

register = template.Library()


@register.inclusion_tag("ledger/_verify_badge.html")
def ledger_badge(ledger: str = "", result=None):
    if result is not None:
        first = result.first
        return {"known": True, "ok": result.ok, "entries": result.entries, "at": None,
                "entry_id": first.entry_id if first else None, "account_id": first.account_id if first else None,
                "reason": first.reason if first else ""}
    run = VerificationRun.objects.filter(ledger=ledger).first()
    if ledger:
        # A newer run over every ledger that passed vouches for this one too (``ledger_verify``
        # without --ledger); a failed one may concern another ledger, so it does not count here.
        overall = VerificationRun.objects.filter(ledger="", ok=True).first()
        if overall is not None and (run is None or overall.started_at > run.started_at):
            run = overall
    if run is None:
        return {"known": False}
    return {"known": True, "ok": run.ok, "entries": run.entries_checked, "at": run.started_at,
            "entry_id": run.first_bad_entry_id, "account_id": run.first_bad_account_id, "reason": run.reason}
