"""The subscription form: the divisions offered are those the user may subscribe to (their
superior memberships' subtrees); every rule is the model's (``Subscription.clean``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import selectors
from .choices import EventType


class SubscriptionForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100, widget=forms.TextInput(attrs={"class": "form-control"}))
    url = forms.CharField(label=_("接收地址"), max_length=500, help_text=_("以 http:// 或 https:// 开头"),
                          widget=forms.URLInput(attrs={"class": "form-control", "placeholder": "https://"}))
    division = forms.ModelChoiceField(label=_("订阅范围"), queryset=None,
                                      widget=forms.Select(attrs={"class": "form-select"}))
    event_types = forms.MultipleChoiceField(label=_("订阅事件"), choices=EventType.choices,
                                            widget=forms.CheckboxSelectMultiple,
                                            error_messages={"required": _("请至少选择一种事件。")})

    def __init__(self, *args, user, subscription=None, **kwargs):
        if subscription is not None and "initial" not in kwargs:
            kwargs["initial"] = {"name": subscription.name, "url": subscription.url,
                                 "division": subscription.division_id, "event_types": subscription.event_types}
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = selectors.subscribable_divisions(user=user)
        self.fields["division"].label_from_instance = lambda d: f"{d.name}（{d.code}）"
