"""``ServiceActionView``: one workflow step per URL (publish, suspend, revoke, file …), POST only.

The step reads the row the user may see (404) and change (403), refuses a step its state does
not allow (the transitions declared on the app's choices, core/states.py), parses the posted
form, calls one service inside a savepoint, and redirects back (to ``next`` when posted, else to
the row's page) with the outcome as a message: a domain error is said in the user's words,
never a 500, and writes nothing.

    class ItemSuspendView(ServiceActionView):
        queryset = Item.objects.all()
        states, transition = ItemStatus, "suspend"
        form_class = ReasonForm
        require_reason = True
        service = services.item_suspend  # called as service(item=…, actor=user, **form.cleaned_data)
        success_url_name = "delegation:item-detail"

A step whose service takes other arguments implements ``perform(obj, data)`` instead.

``require_reason``: the form's ``reason`` is required (added when the form has none), with one
message for every step that needs one.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View

from . import access
from .errors import DOMAIN_ERRORS, error_text, form_error_text
from .navigation import redirect_next

REASON_REQUIRED = _("请填写理由。")


def reason_field() -> forms.CharField:
    return forms.CharField(label=_("理由"), max_length=500, error_messages={"required": REASON_REQUIRED})


class ReasonForm(forms.Form):
    """A step that only needs its reason."""

    reason = reason_field()


class ServiceActionView(LoginRequiredMixin, View):
    http_method_names = ["post"]
    model = None
    queryset = None
    form_class: type[forms.BaseForm] | None = None
    require_reason = False
    states = None  # a core.states.StatusChoices declaring ``transition``
    state_field = "status"
    transition = ""
    noun = ""  # what the row is called in a refusal (default: the model's verbose name)
    success_url_name = ""  # the row's page, reversed with its pk
    service = None  # the step's service: service(<object_arg>=obj, actor=user, **data)
    object_arg = ""  # default: the model's name ("item", "assignment")

    # --- what a step declares ----------------------------------------------------------------
    def perform(self, obj, data: dict):
        """Call the one service of this step; return the row as it is now."""
        service = type(self).service  # read off the class: a plain function, not bound to the view
        if service is None:
            raise NotImplementedError(f"{type(self).__name__} declares no service and no perform()")
        arg = self.object_arg or type(obj)._meta.model_name
        return service(**{arg: obj}, actor=self.request.user, **data)

    def success_message(self, obj, data: dict) -> str:
        return gettext("已保存：%(item)s") % {"item": obj}

    def get_queryset(self):
        qs = self.queryset.all() if self.queryset is not None else self.model._default_manager.all()
        return access.scope(qs, self.request.user)

    def get_form_kwargs(self, obj) -> dict:
        return {}

    def get_state(self, obj):
        return getattr(obj, self.state_field)

    # --- the machinery -----------------------------------------------------------------------
    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def get_form(self, obj, data):
        form_class = self.form_class or (ReasonForm if self.require_reason else forms.Form)
        form = form_class(data, **self.get_form_kwargs(obj))
        if self.require_reason:
            field = form.fields.get("reason")
            if field is None:
                form.fields["reason"] = reason_field()
            else:
                field.required = True
                field.error_messages["required"] = REASON_REQUIRED
        return form

    def clean_reason(self, data: dict) -> dict:
        if self.require_reason:
            data["reason"] = (data.get("reason") or "").strip()  # "   " is no reason either
        return data

    def refusal(self, obj) -> str | None:
        """Why the step is not allowed from the row's state (None: it is)."""
        if self.states is None or not self.transition:
            return None
        state = self.get_state(obj)
        if self.states.allows(self.transition, state):
            return None
        declared = self.states.transition(self.transition)
        step = (gettext("改为%(state)s") % {"state": self.states.label_of(declared.target)} if declared.target
                else self.step_label())
        return gettext("“%(object)s”当前状态为%(status)s，只有%(allowed)s的%(noun)s才能%(step)s。") % {
            "object": obj, "status": self.states.label_of(state),
            "allowed": gettext("、").join(self.states.label_of(s) for s in declared.source),
            "noun": self.noun or type(obj)._meta.verbose_name, "step": step,
        }

    def step_label(self) -> str:
        return self.transition

    def get_success_url(self, obj) -> str:
        return reverse(self.success_url_name, args=[obj.pk])

    def post(self, request, **kwargs):
        obj = self.get_object()
        access.require_change(request.user, obj)
        back = self.get_success_url(obj)
        refused = self.refusal(obj)
        if refused:
            messages.error(request, refused)
            return redirect_next(request, back)
        form = self.get_form(obj, request.POST)
        if not form.is_valid():
            messages.error(request, form_error_text(form))
            return redirect_next(request, back)
        data = self.clean_reason(dict(form.cleaned_data))
        if self.require_reason and not data["reason"]:
            messages.error(request, str(REASON_REQUIRED))
            return redirect_next(request, back)
        try:
            with transaction.atomic():  # a step the service refuses midway leaves nothing behind
                obj = self.perform(obj, data)
        except DOMAIN_ERRORS as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, self.success_message(obj, data))
        return redirect_next(request, back)
