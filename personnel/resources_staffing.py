"""Export of the real-name roll (在编人员) on core.importing, registered from PersonnelConfig.ready:
``/import/export/personnel.person.csv`` (or .xlsx), the exporter's own rows (the selectors' scope).
The ID number, phone and birth date are exported in full only to the roles that see them on the
pages (rules_staffing.PII_ROLES, by the exporter's roles in each person's town); the auditor's and
the superior's files hold them masked. People
enter through the entry service on the pages, not by import (may_import: nobody)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from import_export import fields

from core.errors import ApplicationError
from core.importing import registry
from core.importing.resources import ServiceResource
from regions import scoping

from . import rules_staffing, selectors_staffing
from .models import Person

PII_COLUMNS = {"id_number": "id_number", "phone": "phone", "birth_date": "birth_date"}


class PersonResource(ServiceResource):
    town = fields.Field(attribute="town__name", column_name="镇")
    institution = fields.Field(attribute="post__institution__name", column_name="内设机构")
    post_title = fields.Field(attribute="post__title", column_name="岗位")

    class Meta:
        model = Person
        fields = ("town", "name", "id_number", "birth_date", "phone", "political_status", "education", "status",
                  "institution", "post_title", "rank", "entry_form", "entry_document", "entry_date")
        export_order = fields

    def save_through_service(self, instance, **kwargs):
        raise ApplicationError(_("在编人员通过入编登记办理，不能导入。"), code="import_not_allowed")

    def export_resource(self, instance, selected_fields=None, **kwargs):
        row = super().export_resource(instance, selected_fields, **kwargs)
        if self._masked(instance):
            names = [f.attribute for f in self._export_fields]
            for i, name in enumerate(names):
                if name in PII_COLUMNS:
                    row[i] = rules_staffing.mask_value(name, getattr(instance, name))
        return row

    def _masked(self, person) -> bool:
        """Per row, by the exporter's roles in the person's town; answered once per town."""
        towns = self.__dict__.setdefault("_mask_by_town", {})
        if person.town_id not in towns:
            towns[person.town_id] = not selectors_staffing.sees_personal_data(user=self.actor, town=person.town)
        return towns[person.town_id]


def _people(*, user, filters=None, request=None):
    return selectors_staffing.person_list(user=user).order_by("id")


def register() -> None:
    registry.register("personnel.person", PersonResource, label=_("在编人员"), export_queryset=_people,
                      may_export=lambda user: bool(user.is_superuser or scoping.grants(user)))
