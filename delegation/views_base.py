"""Shared pieces of the catalogue's HTML views: permission checks, redirects after a form,
flash texts for domain errors, the scoped list page and the create page (form → one service)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views import View
from django.views.generic import TemplateView

from core.errors import ApplicationError
from core.paging import keyset_page
from regions import scoping

from .choices import ItemStatus, TakeOverStatus
from .forms import apply_error

DOMAIN_ERRORS = (ApplicationError, ValidationError)

ITEM_STATUS_BADGE = {
    ItemStatus.DRAFT: "text-bg-secondary",
    ItemStatus.PUBLISHED: "text-bg-info",
    ItemStatus.IN_FORCE: "text-bg-success",
    ItemStatus.SUSPENDED: "text-bg-warning",
    ItemStatus.WITHDRAWN: "text-bg-dark",
}
TAKEOVER_BADGE = {
    TakeOverStatus.ASSIGNED: "text-bg-warning",
    TakeOverStatus.TAKEN_OVER: "text-bg-success",
    TakeOverStatus.REVOKED: "text-bg-secondary",
}


def error_text(exc: Exception) -> str:
    """One Chinese sentence for a domain error, for a flash message."""
    if isinstance(exc, ApplicationError):
        return exc.message
    if hasattr(exc, "error_dict"):
        return "；".join(m for messages_ in exc.message_dict.values() for m in messages_)
    return "；".join(exc.messages)


def form_error_text(form) -> str:
    return "；".join(str(e) for errors in form.errors.values() for e in errors)


def pk_url(name: str):
    """``reverse(name, args=[pk])`` as a function of ``pk``, reversed once.

    A list page reversing two links per row spent more time on reverse() than on its query.
    """
    marker = "2147483647"
    head, tail = reverse(name, args=[int(marker)]).split(marker)
    return lambda pk: f"{head}{pk}{tail}"


def require_change(user, obj) -> None:
    if not scoping.can(user, scoping.CHANGE, obj):
        raise PermissionDenied(gettext("您没有修改该记录的权限。"))


def require_model_write(user, model) -> None:
    if not scoping.may_write_model(user, model):
        raise PermissionDenied(gettext("您没有登记该类记录的权限。"))


def next_url(request) -> str:
    """The page to return to after a form, as posted or asked for (checked before use)."""
    return request.POST.get("next") or request.GET.get("next") or ""


def redirect_next(request, default: str) -> HttpResponseRedirect:
    target = next_url(request)
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(default)


class SelectorListView(LoginRequiredMixin, TemplateView):
    """A scoped, filtered list with keyset pagination (no COUNT), as regions' FilteredKeysetListView,
    but reading through a selector."""

    filterset_class = None
    page_size = 50

    def base_queryset(self):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        base = self.base_queryset()
        filterset = None
        qs = base
        if self.filterset_class is not None:
            filterset = self.filterset_class(self.request.GET or None, queryset=base, request=self.request)
            qs = filterset.qs  # an invalid filter shows its error and no rows (core.filtering)
        page = keyset_page(qs, self.request.GET, size=self.page_size)
        query = self.request.GET.copy()
        query.pop("after", None)
        query.pop("before", None)
        return {
            **super().get_context_data(**kwargs),
            "object_list": page.rows,
            "filter": filterset,
            "page": page,
            "querystring": query.urlencode(),
        }


class ServiceCreateView(LoginRequiredMixin, View):
    """A create page: the form parses, one service writes, its errors land on the form.

    Subclasses set ``model`` (for the write-role check), ``form_class``, ``template_name``
    and implement ``create(form)``, ``success_message(obj)`` and ``success_url(obj)``.
    """

    model = None
    form_class = None
    template_name = ""
    initial_fields: tuple[str, ...] = ()

    def create(self, form):
        raise NotImplementedError

    def success_message(self, obj) -> str:
        raise NotImplementedError

    def success_url(self, obj) -> str:
        raise NotImplementedError

    def form_context(self, form) -> dict:
        """Anything else the form page shows (an explanation, choices …)."""
        return {}

    def render_form(self, form):
        return render(self.request, self.template_name,
                      {"form": form, "next": next_url(self.request), **self.form_context(form)})

    def get(self, request):
        require_model_write(request.user, self.model)
        initial = {k: request.GET.get(k) for k in self.initial_fields}
        return self.render_form(self.form_class(user=request.user, initial=initial))

    def post(self, request):
        require_model_write(request.user, self.model)
        form = self.form_class(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            try:
                obj = self.create(form)
            except DOMAIN_ERRORS as exc:
                apply_error(form, exc)
            else:
                messages.success(request, self.success_message(obj))
                return redirect_next(request, self.success_url(obj))
        return self.render_form(form)
