"""绩溪县's oversight demo loads through the services, once: the group, two past meetings with
minutes and agenda, findings in every state of the rectification."""

from django.core.management import call_command
from django.utils import timezone

from core.deadlines import is_working_day
from oversight import selectors
from oversight.choices import FindingState, MeetingKind
from oversight.demo import load_demo_oversight
from oversight.models import Evidence, Finding, LeadingGroup, Meeting


def test_demo_loads_once(demo, personas):
    assert load_demo_oversight() is True
    assert load_demo_oversight() is False
    call_command("load_demo_oversight")
    assert LeadingGroup.objects.filter(division__code="341824").count() == 3
    *meetings, current = list(Meeting.objects.filter(kind=MeetingKind.MONTHLY).order_by("month"))
    assert len(meetings) == 2 and all(m.minutes and m.held_on and m.agenda_compiled_at for m in meetings)
    # this month's, as the job of the 1st leaves it: its agenda compiled, not held yet
    assert current.month == timezone.localdate().replace(day=1) and current.agenda_compiled_at and not current.held_on
    assert current.agenda.exists()
    assert all(is_working_day(m.held_on) for m in meetings)
    assert all(m.decisions.count() == 2 and m.actions.count() == 2 and m.attendance.count() == 8 for m in meetings)
    states = set(Finding.objects.values_list("state", flat=True))
    assert states == set(FindingState.values)
    assert Evidence.objects.count() == 4  # every reply has its scan
    # the demo personas see what their scope allows
    assert selectors.finding_list(user=personas["clerk_linxi"]).count() == 6
    assert selectors.finding_list(user=personas["clerk_other"]).count() == 0
    assert selectors.meeting_list(user=personas["auditor"]).count() == 3
    assert selectors.meeting_list(user=personas["superior"]).count() == 3  # 宣城市 reads its counties
