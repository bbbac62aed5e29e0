"""Forms of oversight's pages; each is written by one service (oversight.services), which decides."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.messages import PlainMessagesFormMixin
from core.widgets import DateInput, bootstrap
from regions import scoping

from . import selectors
from .choices import GroupKind
from .models import LeadingGroup, Meeting

#: the groups that hold meetings (the office of a group holds none of its own)
MEETING_GROUP_KINDS = (GroupKind.LEADING, GroupKind.COORDINATION)


class _Form(PlainMessagesFormMixin, forms.Form):
    def __init__(self, *args, user=None, meeting: Meeting | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.meeting = user, meeting
        if meeting is not None:
            self.set_meeting(meeting)
        bootstrap(self, small=True)

    def set_meeting(self, meeting: Meeting) -> None:
        pass


class MeetingAdHocForm(_Form):
    """An ad-hoc meeting (专题协调会) of a leading or coordination group the office writes for."""

    group = forms.ModelChoiceField(label=_("小组"), queryset=LeadingGroup.objects.none())
    held_on = forms.DateField(label=_("召开日期"), widget=DateInput(), initial=timezone.localdate)
    title = forms.CharField(label=_("会议名称"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        groups = LeadingGroup.objects.filter(kind__in=MEETING_GROUP_KINDS, is_active=True).select_related("division")
        self.fields["group"].queryset = scoping.scope(groups, self.user, scoping.CHANGE).order_by("division__path", "id")


class MeetingRecordForm(_Form):
    """After the meeting: when and where, and the minutes (会议纪要)."""

    held_on = forms.DateField(label=_("召开日期"), widget=DateInput())
    venue = forms.CharField(label=_("地点"), max_length=128, required=False)
    minutes = forms.CharField(label=_("会议纪要"), widget=forms.Textarea(attrs={"rows": 8}), required=False,
                              help_text=_("每段一行"))


class AttendanceForm(_Form):
    member = forms.ModelChoiceField(label=_("成员"), queryset=None)
    present = forms.BooleanField(label=_("出席"), required=False)
    substitute = forms.CharField(label=_("代为出席"), max_length=64, required=False)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def set_meeting(self, meeting):
        self.fields["member"].queryset = selectors.group_members(group=meeting.group).filter(is_active=True)


class DecisionForm(_Form):
    text = forms.CharField(label=_("议定事项"), widget=forms.Textarea(attrs={"rows": 2}))


class ActionItemForm(_Form):
    text = forms.CharField(label=_("任务"), widget=forms.Textarea(attrs={"rows": 2}))
    owner_unit = forms.CharField(label=_("责任单位"), max_length=128)
    owner = forms.ModelChoiceField(label=_("责任人"), queryset=None, required=False)
    decision = forms.ModelChoiceField(label=_("议定事项"), queryset=None, required=False)
    within_days = forms.IntegerField(label=_("完成时限（日）"), min_value=1, max_value=365, initial=30)

    def set_meeting(self, meeting):
        self.fields["owner"].queryset = selectors.group_members(group=meeting.group).filter(is_active=True)
        self.fields["decision"].queryset = meeting.decisions.order_by("position")


class ActionDoneForm(_Form):
    """An action item done: the day and how (完成情况)."""

    done_on = forms.DateField(label=_("完成日期"), widget=DateInput(), initial=timezone.localdate)
    note = forms.CharField(label=_("完成情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the model's field when saved (content, size)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class FindingReplyForm(_Form):
    """The town's report on its rectification, with its evidence (PDF, PNG or JPEG)."""

    text = forms.CharField(label=_("整改情况"), widget=forms.Textarea(attrs={"rows": 6}))
    submitted_on = forms.DateField(label=_("报送日期"), widget=DateInput(), initial=timezone.localdate)
    evidence = MultipleFileField(label=_("佐证材料"), help_text=_("PDF、PNG或JPEG，可选多个文件"))


class DecideForm(_Form):
    """The office's review: the day of the decision (default today)."""

    on = forms.DateField(label=_("日期"), widget=DateInput(), required=False, initial=timezone.localdate)

    def clean_on(self):
        return self.cleaned_data.get("on") or timezone.localdate()


class ReturnForm(DecideForm):
    reason = forms.CharField(label=_("退回理由"), max_length=500)
