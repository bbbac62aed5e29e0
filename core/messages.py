"""Validation messages a clerk understands, written once for models, forms and the API.

Django's and DRF's stock messages name no field and read like translations of English
("确保该变量包含不超过 200 字符", "包含 承接主体 和 决定文号 的 办件记录 已经存在。",
"该字段是必填项。"). Three mixins put the field's own label into the message:

- ``PlainMessagesModelMixin`` (on ``core.models.AuditedModel``, so on every model):
  ``full_clean`` — the one check the services, the importer and the admin share — says
  "申请人最多200个字，现有230个字。", "请填写申请人。", and for a unique key the model's own
  sentence (``unique_messages``) or "已有事项编码为“JX-FGW-001”的下放事项。";
- ``PlainMessagesFormMixin`` for forms (their own checks run before any service);
- ``PlainMessagesSerializerMixin`` for DRF serializers (``core.api.serializers``).

A message a form or serializer field sets itself is left alone; only the stock ones are
replaced.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext, gettext_lazy


def _pct(label) -> str:
    """A label inside a %-formatted message (Django fills the params with %)."""
    return str(label).replace("%", "%%")


def _with_label(message: str, label) -> str:
    """Put the label into a translated message whose other placeholders Django fills later."""
    return message.replace("%(label)s", _pct(label))


def max_length_message(label) -> str:
    """With Django's MaxLengthValidator params: 申请人最多200个字，现有230个字。"""
    return _with_label(gettext("%(label)s最多%(limit_value)d个字，现有%(show_value)d个字。"), label)


def required_message(label) -> str:
    return _with_label(gettext("请填写%(label)s。"), label)


# --- models --------------------------------------------------------------------------------
# Lazy templates with the label as a parameter, not written into the text: an import job stores a
# problem as its message id and parameters and shows it in the reader's language later
# (core/importing/errors.py), so "请填写%(label)s。" + {label: 申请人} reads "Applicant is required."
# for an English reader of a job a Chinese clerk uploaded.
_MODEL_FIELD_MESSAGES = {
    "max_length": gettext_lazy("%(label)s最多%(limit_value)d个字，现有%(show_value)d个字。"),
    "blank": gettext_lazy("请填写%(label)s。"),
    "null": gettext_lazy("请填写%(label)s。"),
    "invalid_choice": gettext_lazy("%(label)s不能填写“%(value)s”，请从可选的值中选择。"),
}


class PlainMessagesModelMixin:
    """Field and unique-key messages that name the field (module doc).

    ``unique_messages`` maps a unique key (the field names of a UniqueConstraint, a
    unique_together or a unique field) to a sentence formatted with the row's values,
    e.g. ``{("division", "decision_number"): "本单位已登记决定文号为“{decision_number}”的办件。"}``.
    """

    unique_messages: dict[tuple[str, ...], str] = {}

    def clean_fields(self, exclude=None):
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as e:
            raise ValidationError({
                name: [self._plain_field_error(name, error) for error in errors]
                for name, errors in e.error_dict.items()
            }) from None

    def _plain_field_error(self, name: str, error: ValidationError) -> ValidationError:
        template = _MODEL_FIELD_MESSAGES.get(getattr(error, "code", None))
        if template is None:
            return error
        try:
            label = self._meta.get_field(name).verbose_name
        except FieldDoesNotExist:  # a name that is not a field keeps its message
            return error
        return ValidationError(template, code=error.code, params={**(error.params or {}), "label": label})

    def unique_error_message(self, model_class, unique_check):
        fields = tuple(unique_check)
        code = "unique" if len(fields) == 1 else "unique_together"
        values = {name: getattr(self, name, None) for name in fields}
        shown = {name: "" if value is None else str(value) for name, value in values.items()}
        template = self.unique_messages.get(fields)
        if template is not None:
            return ValidationError(template.format(**shown), code=code)
        meta = model_class._meta
        comma = gettext("、")
        labels = comma.join(str(meta.get_field(name).verbose_name) for name in fields)
        return ValidationError(gettext("已有%(labels)s为“%(values)s”的%(model)s。") % {
            "labels": labels, "values": comma.join(shown.values()), "model": meta.verbose_name}, code=code)


# --- forms ---------------------------------------------------------------------------------
def _stock_messages(field_class) -> dict:
    messages = {}
    for cls in reversed(field_class.__mro__):
        messages.update(getattr(cls, "default_error_messages", {}) or {})
    return messages


def plain_form_field(field: forms.Field, name: str) -> None:
    label = field.label or name
    stock = _stock_messages(type(field))
    replace = {"required": required_message(label)}
    if isinstance(field, (forms.ModelChoiceField, forms.ChoiceField)):
        replace["invalid_choice"] = _with_label(gettext("%(label)s：所选的值不在可选范围内。"), label)
    if isinstance(field, forms.DateField):
        replace["invalid"] = _with_label(gettext("%(label)s不是有效的日期，请按 2026-01-31 的格式填写。"), label)
    elif isinstance(field, forms.IntegerField):
        replace["invalid"] = _with_label(gettext("%(label)s请填写整数。"), label)
    for code, message in replace.items():
        if code not in field.error_messages or field.error_messages[code] == stock.get(code):
            field.error_messages[code] = message
    if any(isinstance(v, MaxLengthValidator) for v in field.validators):
        # Field.run_validators puts error_messages[code] in place of the validator's message.
        field.error_messages.setdefault("max_length", max_length_message(label))


class PlainMessagesFormMixin:
    """Every field's stock messages say which field and what to do (module doc)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            plain_form_field(field, name)
