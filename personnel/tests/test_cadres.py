"""Secondments, stationed units and certificates (issue 12 §5–§7): the consultation flow and its
refusals, the one-month limit of a written adjustment opinion across a holiday (and provisional
in an unknown year), certificate validity on a decision date, and the notices, once."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core import deadlines
from core.errors import ApplicationError, ConflictError
from core.models import CalendarYear
from core.notifications.models import Notification
from core.notifications.services import notifications_run_daily
from core.services import calendar_year_import_from_package, calendar_year_set_manual
from personnel import selectors, selectors_cadres
from personnel import services_cadres as services
from personnel.models import (
    AdjustmentOpinion,
    ConsultationStatus,
    Coordination,
    HeadAppointment,
    Reply,
    Secondment,
)
from personnel.notices_cadres import produce_notices
from personnel.rules_cadres import CertificateState, certificate_state
from personnel.tests.factories import EnforcementCertificateFactory, OfficerFactory
from regions.models import Membership
from regions.tests.factories import TownFactory

from . import factories_cadres as f

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    # A transactional test (here or in another app) may have flushed the migration-loaded 2026
    # calendar before this file runs: the one-month tests need its National Day holiday.
    if not CalendarYear.objects.filter(year=2026).exists():
        calendar_year_import_from_package(year=2026)
    deadlines.clear_cache()
    yield
    deadlines.clear_cache()


@pytest.fixture
def town():
    return TownFactory(name="临溪镇")


@pytest.fixture
def people(town, django_user_model):
    """A clerk of the town and an office of its county, each with their membership."""
    clerk = django_user_model.objects.create_user("cadre-clerk", password="x")
    office = django_user_model.objects.create_user("cadre-office", password="x")
    Membership.objects.create(user=clerk, division=town, role="clerk")
    Membership.objects.create(user=office, division=town.parent, role="office")
    return clerk, office


# --- the consultation flow -------------------------------------------------------------------

def test_agree_then_appoint(town, people):
    clerk, office = people
    unit = f.unit(town, "临溪国土资源所")
    c = services.consultation_request(unit=unit, candidate_name="王五", proposed_post="所长",
                                      request_document="绩国土函〔2026〕3号", requested_on=D(2026, 3, 2), actor=office)
    assert c.status == ConsultationStatus.REQUESTED
    c = services.consultation_reply(consultation=c, reply=Reply.AGREE, replied_on=D(2026, 3, 6), actor=clerk)
    assert (c.status, c.cleared_on) == (ConsultationStatus.AGREED, D(2026, 3, 6))
    a = services.consultation_appoint(consultation=c, document_number="绩国土任〔2026〕1号", appointed_on=D(2026, 3, 10),
                                      actor=office)
    assert (a.person_name, a.post, a.unit) == ("王五", "所长", unit)
    c.refresh_from_db()
    assert c.status == ConsultationStatus.APPOINTED
    assert selectors_cadres.unit_head(unit) == a


def test_disagree_goes_to_the_organisation_department(town, people):
    clerk, office = people
    c = f.consultation(town)
    with pytest.raises(ApplicationError) as refused:
        services.consultation_reply(consultation=c, reply=Reply.DISAGREE, replied_on=D(2026, 3, 5), actor=clerk)
    assert refused.value.code == "reason_required"
    c = services.consultation_reply(consultation=c, reply=Reply.DISAGREE, replied_on=D(2026, 3, 5),
                                    note="该同志群众基础薄弱", actor=clerk)
    with pytest.raises(ConflictError) as refused:
        services.consultation_appoint(consultation=c, document_number="任1", appointed_on=D(2026, 3, 9), actor=office)
    assert refused.value.code == "consultation_not_cleared"
    c = services.consultation_coordinate(consultation=c, outcome=Coordination.PROCEED, coordinated_on=D(2026, 3, 12),
                                         note="县委组织部协调，镇党委同意", actor=office)
    assert (c.status, c.cleared_on) == (ConsultationStatus.COORDINATED, D(2026, 3, 12))
    a = services.consultation_appoint(consultation=c, document_number="任1", appointed_on=D(2026, 3, 12), actor=office)
    assert a.appointed_on == D(2026, 3, 12)


def test_withdrawn_candidate_cannot_be_appointed(town, people):
    clerk, office = people
    c = services.consultation_reply(consultation=f.consultation(town), reply=Reply.DISAGREE, replied_on=D(2026, 3, 5),
                                    note="不同意", actor=clerk)
    c = services.consultation_coordinate(consultation=c, outcome=Coordination.WITHDRAW, coordinated_on=D(2026, 3, 8),
                                         note="撤回人选", actor=office)
    with pytest.raises(ConflictError):
        services.consultation_appoint(consultation=c, document_number="任2", appointed_on=D(2026, 3, 9), actor=office)
    assert not HeadAppointment.objects.exists()


def test_appointment_without_consultation_is_refused(town):
    unit = f.unit(town)
    with pytest.raises(ApplicationError) as refused:
        services.consultation_appoint(consultation=None, unit=unit, document_number="任3", appointed_on=D(2026, 3, 9))
    assert refused.value.code == "consultation_required"
    assert "事先征求镇党委意见" in refused.value.message
    assert refused.value.extra["consultation"]
    assert not HeadAppointment.objects.exists()


def test_unanswered_consultation_does_not_allow_the_appointment(town):
    c = f.consultation(town)
    with pytest.raises(ConflictError) as refused:
        services.consultation_appoint(consultation=c, document_number="任4", appointed_on=D(2026, 3, 20))
    assert refused.value.code == "consultation_not_cleared"


def test_appointment_dated_before_its_consultation_is_refused_with_the_dates(town):
    c = f.agreed(town, on=D(2026, 3, 9))
    with pytest.raises(ApplicationError) as refused:
        services.consultation_appoint(consultation=c, document_number="任5", appointed_on=D(2026, 3, 8))
    assert refused.value.code == "appointment_before_consultation"
    assert "2026-03-08" in refused.value.message and "2026-03-09" in refused.value.message
    assert refused.value.extra["appointed_on"]
    c.refresh_from_db()
    assert c.status == ConsultationStatus.AGREED and not HeadAppointment.objects.exists()


def test_the_appointment_needs_its_consultation_in_the_database_too(town):
    """Written past the service, an appointment without a consultation is refused by NOT NULL."""
    unit = f.unit(town)
    with pytest.raises(ValidationError):
        HeadAppointment(unit=unit, person_name="某", post="所长", document_number="x",
                        appointed_on=D(2026, 1, 1)).full_clean()


def test_each_side_records_its_own_steps(town, people):
    clerk, office = people
    unit = f.unit(town)
    with pytest.raises(PermissionDenied):  # the request is the department's
        services.consultation_request(unit=unit, candidate_name="甲", proposed_post="站长", request_document="x",
                                      requested_on=D(2026, 3, 2), actor=clerk)
    c = f.consultation(unit)
    with pytest.raises(PermissionDenied):  # the reply is the town party committee's
        services.consultation_reply(consultation=c, reply=Reply.AGREE, replied_on=D(2026, 3, 3), actor=office)
    other_clerk = type(clerk).objects.create_user("other-clerk", password="x")
    Membership.objects.create(user=other_clerk, division=TownFactory(parent=town.parent), role="clerk")
    with pytest.raises(PermissionDenied):  # another town's clerk
        services.consultation_reply(consultation=c, reply=Reply.AGREE, replied_on=D(2026, 3, 3), actor=other_clerk)
    c.refresh_from_db()
    assert c.status == ConsultationStatus.REQUESTED


def test_second_open_consultation_on_a_unit_is_refused(town):
    unit = f.unit(town)
    f.consultation(unit)
    with pytest.raises(ConflictError) as refused:
        f.consultation(unit)
    assert refused.value.code == "consultation_open"


def test_a_new_head_ends_the_previous_one(town):
    unit = f.unit(town)
    first = f.appointment(unit, on=D(2026, 3, 16))
    c = services.consultation_reply(consultation=f.consultation(unit, requested_on=D(2026, 6, 1)), reply=Reply.AGREE,
                                    replied_on=D(2026, 6, 3))
    second = services.consultation_appoint(consultation=c, document_number="任6", appointed_on=D(2026, 6, 5))
    first.refresh_from_db()
    assert first.ended_on == D(2026, 6, 5)
    assert selectors_cadres.unit_head(unit) == second


# --- the written adjustment opinion: one month, by core.deadlines ------------------------------

def test_one_month_across_national_day(town, people):
    clerk, office = people
    a = f.appointment(town)
    # 1 September 2026 + one month = Thursday 1 October, inside the National Day holiday
    # (1–7 October 2026): the period ends on the first working day after it, Thursday 8 October.
    o = services.opinion_deliver(appointment=a, document_number="临委〔2026〕9号", opinion="建议调整",
                                 delivered_on=D(2026, 9, 1), actor=clerk)
    assert (o.due_on, o.due_provisional) == (D(2026, 10, 8), False)
    assert list(selectors.adjustment_opinion_overdue_list(user=office, on=D(2026, 10, 8))) == []
    assert list(selectors.adjustment_opinion_overdue_list(user=office, on=D(2026, 10, 9))) == [o]
    assert list(selectors.adjustment_opinion_overdue_list(divisions=[town.parent], on=D(2026, 10, 9))) == [o]
    assert list(selectors.adjustment_opinion_overdue_list(divisions=[TownFactory()], on=D(2026, 10, 9))) == []
    services.opinion_handle(opinion=o, handled_on=D(2026, 10, 12), handling="已调整", actor=office)
    assert list(selectors.adjustment_opinion_overdue_list(user=office, on=D(2026, 10, 13))) == []


def test_one_month_in_an_unknown_year_is_provisional_then_recomputed(town, office_user):
    a = f.appointment(town)
    # 15 December 2026 + one month = Friday 15 January 2027; 2027's holidays are not entered.
    o = services.opinion_deliver(appointment=a, document_number="临委〔2026〕12号", opinion="建议调整",
                                 delivered_on=D(2026, 12, 15))
    assert (o.due_on, o.due_provisional) == (D(2027, 1, 15), True)
    # The notice for 2027 makes 15 January a holiday: the due date moves to Monday 18 January.
    calendar_year_set_manual(year=2027, days=[(D(2027, 1, 1), "holiday", "元旦"), (D(2027, 1, 15), "holiday", "测试")],
                             notice="国办发明电〔2026〕1号", actor=office_user)
    o.refresh_from_db()
    assert (o.due_on, o.due_provisional) == (D(2027, 1, 18), False)


@pytest.fixture
def office_user(django_user_model):
    return django_user_model.objects.create_user("calendar-office", password="x")


def test_opinion_on_an_ended_head_or_before_the_appointment_is_refused(town):
    a = f.appointment(town, on=D(2026, 3, 16))
    with pytest.raises(ApplicationError) as refused:
        services.opinion_deliver(appointment=a, document_number="x", opinion="y", delivered_on=D(2026, 3, 1))
    assert refused.value.code == "delivered_before_appointment"
    assert not AdjustmentOpinion.objects.exists()


# --- appraisal -------------------------------------------------------------------------------

def test_appraisal_proposed_by_the_town_confirmed_by_the_department(town, people):
    clerk, office = people
    a = f.appointment(town)
    with pytest.raises(PermissionDenied):
        services.appraisal_propose(appointment=a, year=2026, grade="excellent", proposed_on=D(2026, 12, 20), actor=office)
    p = services.appraisal_propose(appointment=a, year=2026, grade="excellent", proposed_on=D(2026, 12, 20), actor=clerk)
    with pytest.raises(ConflictError):
        services.appraisal_propose(appointment=a, year=2026, grade="competent", proposed_on=D(2026, 12, 21), actor=clerk)
    with pytest.raises(PermissionDenied):
        services.appraisal_confirm(appraisal=p, grade="competent", confirmed_on=D(2026, 12, 28), actor=clerk)
    p = services.appraisal_confirm(appraisal=p, grade="competent", confirmed_on=D(2026, 12, 28), actor=office)
    assert (p.proposed_grade, p.confirmed_grade) == ("excellent", "competent")


# --- secondments -----------------------------------------------------------------------------

def test_current_and_ending_secondees(town):
    current = f.secondment(town, start_on=D(2025, 3, 1), end_on=D(2026, 12, 20), name="李挂职")
    f.secondment(town, start_on=D(2023, 3, 1), end_on=D(2025, 2, 28), name="旧挂职")
    later = f.secondment(town, start_on=D(2026, 1, 1), end_on=D(2028, 1, 1), name="新挂职")
    on = D(2026, 12, 1)
    assert set(selectors.secondment_current_list(divisions=[town], on=on)) == {current, later}
    assert list(selectors.secondment_ending_list(divisions=[town], on=on)) == [current]
    services.secondment_end(secondment=current, ended_on=D(2026, 11, 30), reason="调回原单位")
    assert list(selectors.secondment_current_list(divisions=[town], on=on)) == [later]


def test_secondment_term_is_checked(town):
    with pytest.raises(ValidationError):
        f.secondment(town, start_on=D(2026, 3, 1), end_on=D(2026, 3, 1))
    s = f.secondment(town)
    with pytest.raises(ValidationError):
        services.secondment_end(secondment=s, ended_on=D(2030, 1, 1), reason="x")
    assert Secondment.objects.get(pk=s.pk).ended_on is None


# --- certificates ----------------------------------------------------------------------------

def test_certificate_validity_on_a_decision_date():
    c = EnforcementCertificateFactory(valid_from=D(2024, 1, 1), valid_until=D(2026, 6, 30))
    assert certificate_state(c, D(2023, 12, 31)) == CertificateState.NOT_YET
    assert certificate_state(c, D(2024, 1, 1)) == CertificateState.VALID
    assert certificate_state(c, D(2026, 5, 1)) == CertificateState.EXPIRING  # within 60 days of its end
    assert certificate_state(c, D(2026, 6, 30)) == CertificateState.EXPIRING  # the last day counts
    assert certificate_state(c, D(2026, 7, 1)) == CertificateState.EXPIRED
    periods = selectors.CertificatePeriods()
    assert periods.valid(c.officer_id, c.department_id, D(2026, 6, 30))
    assert not periods.valid(c.officer_id, c.department_id, D(2026, 7, 1))
    revoked = EnforcementCertificateFactory(valid_from=D(2024, 1, 1), valid_until=D(2028, 1, 1), revoked_on=D(2025, 5, 1))
    assert certificate_state(revoked, D(2025, 4, 30)) == CertificateState.VALID
    assert certificate_state(revoked, D(2025, 5, 1)) == CertificateState.REVOKED


def test_expiring_and_expired_lists():
    officer = OfficerFactory()
    town = officer.division
    soon = EnforcementCertificateFactory(officer=officer, valid_from=D(2024, 1, 1), valid_until=D(2026, 2, 1))
    later = EnforcementCertificateFactory(officer=officer, valid_from=D(2024, 1, 1), valid_until=D(2027, 1, 1))
    gone = EnforcementCertificateFactory(officer=officer, valid_from=D(2020, 1, 1), valid_until=D(2025, 12, 31))
    EnforcementCertificateFactory(officer=officer, valid_from=D(2020, 1, 1), valid_until=D(2026, 1, 31),
                                  revoked_on=D(2025, 1, 1))  # revoked, neither list
    on = D(2026, 1, 10)
    assert list(selectors.certificate_expiring_list(divisions=[town], on=on)) == [soon]
    assert list(selectors.certificate_expired_list(divisions=[town], on=on)) == [gone]
    assert later not in selectors.certificate_expiring_list(divisions=[town], on=on)


# --- notices, once ---------------------------------------------------------------------------

def test_notices_once(town, people):
    clerk, office = people
    s = f.secondment(town, start_on=D(2025, 3, 1), end_on=D(2026, 10, 30))
    o = f.opinion(town, delivered_on=D(2026, 9, 1))  # due 8 October
    officer = OfficerFactory(division=town)
    cert = EnforcementCertificateFactory(officer=officer, valid_from=D(2024, 1, 1), valid_until=D(2026, 11, 15))
    day = D(2026, 10, 12)
    assert len(produce_notices(day=day)) == 6  # raises here if the producer breaks (the job logs and counts -1)
    written = notifications_run_daily(day=day)
    assert written["personnel"] == 6  # three subjects, each to the clerk and the office
    mine = Notification.objects.filter(addressee=clerk)
    assert {(n.kind, n.subject_key) for n in mine} == {
        ("personnel.secondment_ending", f"personnel.secondment:{s.pk}"),
        ("personnel.adjustment_overdue", f"personnel.adjustmentopinion:{o.pk}"),
        ("personnel.certificate_expiring", f"personnel.enforcementcertificate:{cert.pk}"),
    }
    assert notifications_run_daily(day=day)["personnel"] == 0
    assert notifications_run_daily(day=day + datetime.timedelta(days=1))["personnel"] == 0  # same subject, same day
    assert Notification.objects.filter(addressee__in=[clerk, office]).count() == 6
