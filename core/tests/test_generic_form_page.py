"""templates/generic/form.html, the page every app's create / edit form extends: the form's own
errors and each field's (label, help, error under a data-testid the page tests look for), a
checkbox drawn as a form-check, the hidden ``next`` kept and 取消 going back to it, an upload
form sent as multipart, and ServiceFormView's default template with the view's title and tabs."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory

from core.generic.forms import ServiceFormView
from core.generic.navigation import safe_next_url


class NoticeForm(forms.Form):
    notice = forms.CharField(label="通知文号", help_text="如 国办发明电〔2026〕1号")
    urgent = forms.BooleanField(label="加急", required=False)
    attachment = forms.FileField(label="附件", required=False)
    division = forms.IntegerField(widget=forms.HiddenInput, required=False)


def _render(template: str, path: str = "/years/new/", **context) -> str:
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    return render_to_string(template, context, request=request)


def test_fields_errors_and_checkbox():
    form = NoticeForm({"notice": "", "urgent": "on"})
    form.is_valid()
    form.add_error(None, "本年度已录入。")
    html = _render("generic/form.html", form=form, title="录入年度", back="/years/", testid="year-form")
    assert '<h1 class="h4">录入年度</h1>' in html and "<title>" in html and "录入年度" in html.split("</title>")[0]
    assert 'data-testid="year-form"' in html and 'enctype="multipart/form-data"' in html  # the file field
    assert 'data-testid="form-errors"><div>本年度已录入。</div>' in html
    assert 'data-testid="error-notice">该字段是必填项。</div>' in html
    assert '<div class="form-text">如 国办发明电〔2026〕1号</div>' in html
    assert 'class="form-check"><input type="checkbox" name="urgent"' in html
    assert '<label class="form-check-label small" for="id_urgent">加急</label>' in html
    assert 'type="hidden" name="division"' in html and 'for="id_division"' not in html
    assert '<a class="btn btn-link" href="/years/">取消</a>' in html and 'name="next"' not in html


def test_next_kept_and_cancel_goes_back_to_it():
    html = _render("generic/form.html", form=NoticeForm(), title="录入年度", cancel="/years/", next="/years/7/")
    assert '<input type="hidden" name="next" value="/years/7/">' in html
    assert '<a class="btn btn-link" href="/years/7/">取消</a>' in html


def test_grid_with_required_marks():
    html = _render("generic/form_fields.html", form=NoticeForm(), col="col-md-6", mark_required=True)
    assert html.count('<div class="col-md-6 mb-2">') == 3 and '<div class="row g-2">' in html
    assert '通知文号 <span class="text-danger">*</span>' in html and '附件 <span' not in html


def test_an_app_page_overrides_only_its_blocks():
    html = _render("landuse/form.html", form=NoticeForm(), title="下达指标", cancel="/landuse/")
    assert 'data-testid="landuse-nav"' in html and 'data-testid="landuse-form"' in html
    assert '<a class="btn btn-link" href="/landuse/">取消</a>' in html


class YearView(ServiceFormView):
    form_class = NoticeForm
    title = "录入年度"
    nav_template = "landuse/_nav.html"
    nav_active = "projects"
    form_testid = "year-form"
    submit_label = "录入"


@pytest.mark.parametrize(("asked", "kept"), [
    ("/years/7/", "/years/7/"),
    ("https://elsewhere.example/", ""),
    ("javascript:alert(1)", ""),
])
def test_default_template_and_checked_next(asked, kept):
    request = RequestFactory().get("/years/new/", {"next": asked})
    request.user = AnonymousUser()
    assert safe_next_url(request) == kept
    view = YearView()
    view.setup(request)
    html = view.render_form(NoticeForm(), None).content.decode()
    assert YearView.template_name == "generic/form.html"
    assert 'data-testid="landuse-nav"' in html and html.count("nav-link active") == 1
    assert '<h1 class="h4">录入年度</h1>' in html and 'data-testid="year-form"' in html
    assert '<button class="btn btn-primary" type="submit">录入</button>' in html
    if kept:
        assert f'<input type="hidden" name="next" value="{kept}">' in html and f'href="{kept}">取消' in html
    else:  # an off-site or script target is neither kept nor linked
        assert asked not in html and 'name="next"' not in html
