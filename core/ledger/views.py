"""The statement page every app reuses: ``AccountStatementView``.

An app that shows its own accounts subclasses it (its template may extend
``ledger/statement.html`` and fill ``statement_extra``) or links to ``ledger:statement``.
The account is looked up within the user's jurisdiction (404 outside it).
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.views.generic import TemplateView

from core.errors import ApplicationError

from . import chain, registry, scoping, selectors
from .models import Account
from .periods import statement_period


class AccountStatementView(LoginRequiredMixin, TemplateView):
    """Opening balance, entries and closing balance of one account for a period, with the
    account's chain verified (the badge)."""

    template_name = "ledger/statement.html"

    def get_account(self) -> Account:
        accounts = scoping.scope(Account.objects.select_related("balance", "owner"), self.request.user)
        try:
            return accounts.get(pk=self.kwargs["pk"])
        except Account.DoesNotExist:
            raise Http404("没有这个账户，或它不在您的管辖范围内。") from None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        account = self.get_account()
        error = None
        try:
            start, end = statement_period(self.request.GET)
        except ApplicationError as exc:
            error = exc.message
            start, end = statement_period({})
        try:
            ledger_name = registry.get(account.ledger).name
        except ApplicationError:
            ledger_name = account.ledger
        context.update(
            account=account, ledger_name=ledger_name, period_error=error,
            statement=selectors.account_statement(account=account, start=start, end=end),
            verification=chain.verify(accounts=[account.pk]),
        )
        return context
