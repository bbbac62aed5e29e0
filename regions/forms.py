from django import forms

from core.messages import PlainMessagesFormMixin

from .models import Department


class DepartmentForm(PlainMessagesFormMixin, forms.ModelForm):
    class Meta:
        model = Department
        fields = ["name", "is_active"]
