"""``ServiceFormView``: a create (no ``pk``) or edit page whose form is written by one service.

GET shows the form; POST parses it, calls the service inside a savepoint, and on a domain error
(``ApplicationError`` / ``ValidationError``) rolls back whatever the call wrote, puts the
messages on the form (per field where it can) and shows the page again with the input kept.
Creating needs the right to write the model somewhere (403), editing a row the user sees (404)
and may change (403).

    class TrainingCreateView(ServiceFormView):
        model = Training
        form_class = TrainingForm  # takes ``user=``
        title = _("登记培训")
        nav_template, nav_active = "delegation/_nav.html", "trainings"

        def create(self, form):
            return services.training_record(actor=self.request.user, **form.cleaned_data)

        def success_url(self, training):
            return reverse("delegation:training-list")

An edit page also implements ``update(obj, form)`` and reads its row through ``get_queryset``.
A ModelForm edits a fresh copy of the row, so a refused change leaves the row as stored.

The page is ``templates/generic/form.html`` (title, the app's tab bar, the fields with their
errors, 保存 and 取消) unless the view names a template of its own, which usually extends it.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View

from . import access
from .errors import DOMAIN_ERRORS, apply_error
from .navigation import redirect_next, safe_next_url


class ServiceFormView(LoginRequiredMixin, View):
    model = None
    form_class = None
    template_name = "generic/form.html"
    initial_fields: tuple[str, ...] = ()  # query parameters that prefill the create form
    lookup_url_kwarg = "pk"

    # what the generic template shows (a template of its own may ignore them)
    title = ""
    nav_template = ""  # the app's tab bar, included above the title
    nav_active = ""
    form_testid = ""
    submit_label = _("保存")

    # --- what a page declares ----------------------------------------------------------------
    def create(self, form):
        raise NotImplementedError(f"{type(self).__name__} does not create")

    def update(self, obj, form):
        raise NotImplementedError(f"{type(self).__name__} does not edit")

    def success_url(self, obj) -> str:
        raise NotImplementedError

    def success_message(self, obj, *, created: bool) -> str:
        return gettext("已保存：%(item)s") % {"item": obj}

    def form_context(self, form) -> dict:
        """Anything else the form page shows (an explanation, choices …)."""
        return {}

    def get_queryset(self):
        return access.scope(self.model._default_manager.all(), self.request.user)

    def get_form_kwargs(self) -> dict:
        return {"user": self.request.user}

    # --- the machinery -----------------------------------------------------------------------
    def service_data(self, form) -> dict:
        """The cleaned values the service takes: a disabled field is not the user's input."""
        return {name: value for name, value in form.cleaned_data.items()
                if name not in form.fields or not form.fields[name].disabled}

    def get_object(self):
        """None on a create page; the row to edit (visible, else 404; changeable, else 403)."""
        pk = self.kwargs.get(self.lookup_url_kwarg)
        if pk is None:
            access.require_model_write(self.request.user, self.model)
            return None
        obj = get_object_or_404(self.get_queryset(), pk=pk)
        access.require_change(self.request.user, obj)
        return obj

    def make_form(self, obj, data=None, files=None):
        kwargs = self.get_form_kwargs()
        if issubclass(self.form_class, forms.BaseModelForm):
            # A copy: the form writes its input onto its instance, which must stay as stored.
            kwargs["instance"] = type(obj)._default_manager.get(pk=obj.pk) if obj is not None else None
        if data is None and obj is None:
            kwargs["initial"] = {k: self.request.GET.get(k) for k in self.initial_fields}
        if data is not None:
            return self.form_class(data, files, **kwargs)
        return self.form_class(**kwargs)

    def render_form(self, form, obj):
        return render(self.request, self.template_name, {
            "form": form, "object": obj, "next": safe_next_url(self.request), "view": self,
            **self.form_context(form),
        })

    def get(self, request, **kwargs):
        obj = self.get_object()
        return self.render_form(self.make_form(obj), obj)

    def post(self, request, **kwargs):
        obj = self.get_object()
        form = self.make_form(obj, request.POST, request.FILES)
        if form.is_valid():
            try:
                with transaction.atomic():  # nothing half-written when the service refuses midway
                    saved = self.create(form) if obj is None else self.update(obj, form)
            except DOMAIN_ERRORS as exc:
                apply_error(form, exc)
            else:
                messages.success(request, self.success_message(saved, created=obj is None))
                return redirect_next(request, self.success_url(saved))
        return self.render_form(form, obj)
