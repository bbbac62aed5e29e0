"""Domain errors on the page: a service's ``ApplicationError`` / ``ValidationError`` put back on the
form it came from (per field where possible), or said in one sentence for a flash message."""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.utils.translation import gettext

from core.errors import ApplicationError

#: what a service may raise that the user can correct; anything else is a bug and a 500
DOMAIN_ERRORS = (ApplicationError, ValidationError)


def apply_error(form: forms.BaseForm, exc: Exception) -> None:
    """Put a service's ValidationError / ApplicationError on ``form``, per field where possible.

    Errors naming a field the form does not show go to the form's general errors, with the
    field's label so the message still says what is wrong.
    """
    if isinstance(exc, ApplicationError):
        fields = exc.extra if isinstance(exc.extra, dict) else {}
        placed = False
        for name, messages in fields.items():
            if name in form.fields:
                for message in messages if isinstance(messages, (list, tuple)) else [messages]:
                    form.add_error(name, str(message))
                placed = True
        if not placed:
            form.add_error(None, exc.message)
        return
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            for name, errors in exc.message_dict.items():
                if name in form.fields:
                    for message in errors:
                        form.add_error(name, message)
                else:
                    label = "" if name == NON_FIELD_ERRORS else _model_label(form, name)
                    for message in errors:
                        form.add_error(None, f"{label}：{message}" if label else message)
        else:
            for message in exc.messages:
                form.add_error(None, message)
        return
    raise exc


def _model_label(form, name: str) -> str:
    model = getattr(getattr(form, "_meta", None), "model", None) or getattr(form, "model", None)
    if model is not None:
        try:
            return str(model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            return name
    return name


def error_text(exc: Exception) -> str:
    """One sentence for a domain error, for a flash message."""
    if isinstance(exc, ApplicationError):
        return exc.message
    separator = gettext("；")
    if hasattr(exc, "error_dict"):
        return separator.join(m for messages in exc.message_dict.values() for m in messages)
    return separator.join(exc.messages)


def form_error_text(form: forms.BaseForm) -> str:
    """Every error of an invalid form in one sentence, for a flash message."""
    return gettext("；").join(str(e) for errors in form.errors.values() for e in errors)
