"""POSTs to the generic write pages, without any app: ServiceFormView (create and edit) and
ServiceActionView (one workflow step), mounted here on holiday years with a stand-in
jurisdiction (generic_scoping.py) and "services" that write before they refuse, so a refusal
that left anything behind would show.

A service's domain error lands on the form field it names (or the form's general errors, with
the field's label), the input is kept and nothing is written; a success redirects (to a checked
``next``); a step declared ``require_reason`` needs a reason that is not blank; a row out of scope
is 404, a user without the right 403, for GET and POST alike.
"""

from __future__ import annotations

import copy
from datetime import date
from enum import nonmember

import pytest
from django import forms
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import path, reverse

from config import urls as project_urls
from core.errors import ApplicationError
from core.generic import access
from core.generic.actions import ServiceActionView
from core.generic.forms import ServiceFormView
from core.models import CalendarDay, CalendarYear
from core.states import StatusChoices, Transition

from .generic_scoping import IN_SCOPE_BEFORE

FORM_TEMPLATE = "generic_test/form.html"


# --- the "app": services, forms, views ---------------------------------------------------------
def _refuse_if_asked(notice: str) -> None:
    if notice == "退回":
        raise ApplicationError("通知文号不对。", code="invalid", extra={"notice": ["文号应写作“国办发明电〔年〕号”。"]})
    if notice == "无效":
        raise ValidationError({"notice": ["文号无效。"]})
    if notice == "来源":
        raise ValidationError({"source": ["软件包收录的年度不能人工录入。"]})


def year_enter(*, actor, year: int, notice: str) -> CalendarYear:
    """Writes the year and its New Year's day, then refuses when asked to (rolled back by the view)."""
    calendar_year = CalendarYear(year=year, source="manual", notice=notice)
    calendar_year.stamp(actor)
    calendar_year.save()
    CalendarDay.objects.create(year=calendar_year, date=date(year, 1, 1), kind="holiday", name="元旦")
    _refuse_if_asked(notice)
    return calendar_year


def year_renotice(*, calendar_year: CalendarYear, actor, notice: str) -> CalendarYear:
    calendar_year.notice = notice
    calendar_year.stamp(actor)
    calendar_year.save()
    _refuse_if_asked(notice)
    return calendar_year


def year_annotate(*, calendar_year: CalendarYear, actor, reason: str) -> CalendarYear:
    calendar_year.notice = f"{calendar_year.notice}（{reason}）"
    calendar_year.save()
    if reason == "退回":
        raise ApplicationError("该年度不能加注。", code="invalid")
    return calendar_year


class YearForm(forms.ModelForm):
    class Meta:
        model = CalendarYear
        fields = ["year", "notice"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class NoticeForm(YearForm):
    class Meta(YearForm.Meta):
        fields = ["notice"]


class YearCreateView(ServiceFormView):
    model = CalendarYear
    form_class = YearForm
    template_name = FORM_TEMPLATE

    def create(self, form):
        return year_enter(actor=self.request.user, **self.service_data(form))

    def update(self, obj, form):
        return year_renotice(calendar_year=obj, actor=self.request.user, **self.service_data(form))

    def success_url(self, obj):
        return reverse("year", args=[obj.pk])


class YearEditView(YearCreateView):
    form_class = NoticeForm


class SourceState(StatusChoices):
    PACKAGE = "package", "软件包"
    MANUAL = "manual", "人工录入"

    transitions = nonmember({"annotate": Transition(source=("manual",))})


class YearAnnotateView(ServiceActionView):
    model = CalendarYear
    states, state_field, transition = SourceState, "source", "annotate"
    require_reason = True
    service = year_annotate
    object_arg = "calendar_year"
    success_url_name = "year"


urlpatterns = [
    path("years/new/", YearCreateView.as_view(), name="year-create"),
    path("years/<int:pk>/edit/", YearEditView.as_view(), name="year-edit"),
    path("years/<int:pk>/annotate/", YearAnnotateView.as_view(), name="year-annotate"),
    path("years/<int:pk>/", lambda request, pk: HttpResponse("year"), name="year"),
    *project_urls.urlpatterns,  # the login page
]


def _templates():
    engine = copy.deepcopy(settings.TEMPLATES[0])
    engine["APP_DIRS"] = False
    engine["OPTIONS"]["loaders"] = [
        ("django.template.loaders.locmem.Loader", {FORM_TEMPLATE: "<form>{{ form.as_div }}</form>"}),
        "django.template.loaders.filesystem.Loader", "django.template.loaders.app_directories.Loader",
    ]
    return [engine]


pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@pytest.fixture(autouse=True)
def stand_in_scope():
    access._backend.cache_clear()
    with override_settings(GENERIC_SCOPING="core.tests.generic_scoping", TEMPLATES=_templates()):
        yield
    access._backend.cache_clear()


def _user(django_user_model, name, *perms):
    user = django_user_model.objects.create_user(name, password="x-generic-1")
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="core", codename__in=perms))
    return user


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def writer(django_user_model):
    return _client(_user(django_user_model, "writer", "add_calendaryear", "change_calendaryear"))


@pytest.fixture
def reader(django_user_model):
    return _client(_user(django_user_model, "reader"))


@pytest.fixture
def years():
    """A manual year in scope, a package year in scope, a year out of scope."""
    return {
        "manual": CalendarYear.objects.create(year=2140, source="manual", notice="原文号"),
        "package": CalendarYear.objects.create(year=2141, source="package"),
        "away": CalendarYear.objects.create(year=IN_SCOPE_BEFORE + 10, source="manual", notice="原文号"),
    }


def counts() -> tuple[int, int]:
    return CalendarYear.objects.count(), CalendarDay.objects.count()


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- ServiceFormView: create -------------------------------------------------------------------
def test_a_valid_create_writes_through_the_service_and_redirects(writer):
    response = writer.post(reverse("year-create"), {"year": 2142, "notice": "国办发明电〔2141〕1号"})
    created = CalendarYear.objects.get(year=2142)
    assert response.status_code == 302 and response["Location"] == reverse("year", args=[created.pk])
    assert created.created_by.username == "writer" and created.days.count() == 1
    assert flashed(response) == [f"已保存：{created}"]


def test_a_create_goes_to_a_checked_next(writer):
    response = writer.post(reverse("year-create"), {"year": 2143, "notice": "x", "next": "/calendar/"})
    assert response["Location"] == "/calendar/"
    response = writer.post(reverse("year-create"), {"year": 2144, "notice": "x", "next": "https://evil.example/"})
    assert response["Location"] == reverse("year", args=[CalendarYear.objects.get(year=2144).pk])


def test_a_domain_error_lands_on_its_field_keeps_the_input_and_writes_nothing(writer):
    before = counts()
    response = writer.post(reverse("year-create"), {"year": 2145, "notice": "退回"})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {"notice": ["文号应写作“国办发明电〔年〕号”。"]}
    assert 'value="2145"' in response.content.decode() and "退回" in response.content.decode()
    assert counts() == before  # the year and its day, written before the refusal, rolled back


def test_a_validation_error_on_a_field_the_form_does_not_show_names_the_field(writer):
    before = counts()
    response = writer.post(reverse("year-create"), {"year": 2146, "notice": "无效"})
    assert response.context["form"].errors == {"notice": ["文号无效。"]}
    response = writer.post(reverse("year-create"), {"year": 2146, "notice": "来源"})
    assert response.context["form"].non_field_errors() == ["来源：软件包收录的年度不能人工录入。"]
    assert counts() == before


def test_the_forms_own_errors_reach_no_service(writer):
    before = counts()
    response = writer.post(reverse("year-create"), {"year": 1999, "notice": "x"})
    assert response.status_code == 200 and "year" in response.context["form"].errors
    assert counts() == before


def test_create_without_the_right_is_403_and_writes_nothing(reader, client):  # client: anonymous
    before = counts()
    assert reader.get(reverse("year-create")).status_code == 403
    assert reader.post(reverse("year-create"), {"year": 2147, "notice": "x"}).status_code == 403
    assert counts() == before
    response = client.post(reverse("year-create"), {"year": 2147, "notice": "x"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert counts() == before


# --- ServiceFormView: edit ---------------------------------------------------------------------
def test_an_edit_saves_through_the_service(writer, years):
    response = writer.post(reverse("year-edit", args=[years["manual"].pk]), {"notice": "新文号"})
    assert response.status_code == 302
    years["manual"].refresh_from_db()
    assert years["manual"].notice == "新文号" and years["manual"].updated_by.username == "writer"


def test_a_refused_edit_leaves_the_row_as_stored(writer, years):
    row = years["manual"]
    response = writer.post(reverse("year-edit", args=[row.pk]), {"notice": "退回"})
    assert response.status_code == 200 and response.context["form"].errors == {
        "notice": ["文号应写作“国办发明电〔年〕号”。"]}
    row.refresh_from_db()
    assert row.notice == "原文号" and row.updated_by is None


def test_an_edit_out_of_scope_is_404_and_without_the_right_403(writer, reader, years):
    away = years["away"]
    assert writer.get(reverse("year-edit", args=[away.pk])).status_code == 404
    assert writer.post(reverse("year-edit", args=[away.pk]), {"notice": "新"}).status_code == 404
    assert reader.get(reverse("year-edit", args=[years["manual"].pk])).status_code == 403
    assert reader.post(reverse("year-edit", args=[years["manual"].pk]), {"notice": "新"}).status_code == 403
    assert reader.post(reverse("year-edit", args=[away.pk]), {"notice": "新"}).status_code == 404
    away.refresh_from_db()
    years["manual"].refresh_from_db()
    assert away.notice == years["manual"].notice == "原文号"


# --- ServiceActionView ---------------------------------------------------------------------------
def test_a_step_calls_its_service_and_goes_back_to_the_row(writer, years):
    row = years["manual"]
    response = writer.post(reverse("year-annotate", args=[row.pk]), {"reason": "补充通知"})
    assert response.status_code == 302 and response["Location"] == reverse("year", args=[row.pk])
    row.refresh_from_db()
    assert row.notice == "原文号（补充通知）"
    assert flashed(response) == [f"已保存：{row}"]
    response = writer.post(reverse("year-annotate", args=[row.pk]), {"reason": "再补", "next": "/calendar/"})
    assert response["Location"] == "/calendar/"


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_a_step_that_requires_a_reason_refuses_none_or_blank(writer, years, reason):
    row = years["manual"]
    response = writer.post(reverse("year-annotate", args=[row.pk]), {} if reason is None else {"reason": reason})
    assert response.status_code == 302 and response["Location"] == reverse("year", args=[row.pk])
    assert flashed(response) == ["请填写理由。"]
    row.refresh_from_db()
    assert row.notice == "原文号"


def test_a_domain_error_of_the_step_is_said_and_writes_nothing(writer, years):
    row = years["manual"]
    response = writer.post(reverse("year-annotate", args=[row.pk]), {"reason": "退回"})
    assert response.status_code == 302 and flashed(response) == ["该年度不能加注。"]
    row.refresh_from_db()
    assert row.notice == "原文号"  # the service's save, before it refused, rolled back


def test_a_step_its_state_does_not_allow_is_refused_before_the_service(writer, years):
    row = years["package"]
    response = writer.post(reverse("year-annotate", args=[row.pk]), {"reason": "补充"})
    assert response.status_code == 302
    [message] = flashed(response)
    assert "当前状态为软件包" in message and "只有人工录入的" in message
    row.refresh_from_db()
    assert row.notice == ""


def test_a_step_out_of_scope_is_404_without_the_right_403_and_get_405(writer, reader, years):
    away, row = years["away"], years["manual"]
    assert writer.post(reverse("year-annotate", args=[away.pk]), {"reason": "x"}).status_code == 404
    assert writer.get(reverse("year-annotate", args=[row.pk])).status_code == 405
    assert reader.post(reverse("year-annotate", args=[row.pk]), {"reason": "x"}).status_code == 403
    assert reader.post(reverse("year-annotate", args=[away.pk]), {"reason": "x"}).status_code == 404
    away.refresh_from_db()
    row.refresh_from_db()
    assert away.notice == row.notice == "原文号"
