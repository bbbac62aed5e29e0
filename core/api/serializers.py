"""Serializer bases whose stock messages name the field (core.messages, for the API).

DRF says "该字段是必填项。", "请确保这个字段不能超过 200 个字符。", "无效主键 “9” － 对象不存在。"; a
superior reading the JSON error should see "请填写申请人。", "申请人最多200个字，现有230个字。"
and which reference was not found. Messages a field sets itself are left alone.

They are strict too (core.api.fields): a reference is a whole number, a date is YYYY-MM-DD.
"""

from __future__ import annotations

from django.core.validators import MaxLengthValidator
from rest_framework import relations, serializers

from core.api.fields import StrictDateField, StrictPrimaryKeyRelatedField
from core.messages import max_length_message

# DRF's own classes → the strict ones (the same field with a stricter to_internal_value).
STRICT_CLASSES = {
    serializers.DateField: StrictDateField,
    relations.PrimaryKeyRelatedField: StrictPrimaryKeyRelatedField,
}


def _fmt(label) -> str:
    """A label inside a str.format-ted DRF message."""
    return str(label).replace("{", "{{").replace("}", "}}")


def _stock(field) -> dict:
    messages = {}
    for cls in reversed(type(field).__mro__):
        messages.update(getattr(cls, "default_error_messages", {}) or {})
    return messages


def plain_serializer_field(field, name: str) -> None:
    if isinstance(field, relations.ManyRelatedField):
        plain_serializer_field(field.child_relation, name)
    strict = STRICT_CLASSES.get(type(field))
    if strict is not None:
        field.__class__ = strict  # a subclass that only adds a check: no state to convert
    label = field.label or name
    replace = {code: f"请填写{_fmt(label)}。" for code in ("required", "null", "blank")}
    if isinstance(field, (serializers.DateField, serializers.DateTimeField)):
        replace["invalid"] = f"{_fmt(label)}不是有效的日期，请按 2026-01-31 的格式填写。"
    elif isinstance(field, (serializers.IntegerField, serializers.DecimalField)):
        replace["invalid"] = f"{_fmt(label)}请填写数字。"
    if isinstance(field, serializers.ChoiceField):
        replace["invalid_choice"] = f"{_fmt(label)}不能填写“{{input}}”，请从可选的值中选择。"
    if isinstance(field, relations.PrimaryKeyRelatedField):
        replace["does_not_exist"] = f"{_fmt(label)}：没有 id 为 {{pk_value}} 的记录，或不在您的管辖范围内。"
        replace["incorrect_type"] = f"{_fmt(label)}应填写记录的 id（整数）。"
    stock = _stock(field)
    for code, message in replace.items():
        if code in field.error_messages and field.error_messages[code] == stock.get(code):
            field.error_messages[code] = message
    validators = getattr(field, "validators", None) or []
    for i, validator in enumerate(validators):
        if isinstance(validator, MaxLengthValidator):
            # Django fills limit_value / show_value; DRF's wording named neither field nor length.
            # A new validator: the old one may be the model field's own instance, shared.
            validators[i] = MaxLengthValidator(validator.limit_value, message=max_length_message(label))


class PlainMessagesSerializerMixin:
    def get_fields(self):
        fields = super().get_fields()
        for name, field in fields.items():
            plain_serializer_field(field, name)
        return fields


class PlainSerializer(PlainMessagesSerializerMixin, serializers.Serializer):
    pass


class PlainModelSerializer(PlainMessagesSerializerMixin, serializers.ModelSerializer):
    pass
