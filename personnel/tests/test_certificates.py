"""Enforcement certificates (行政执法证): issue, validity on a day, revocation, and one answer to
"may this officer act for that department on that day" wherever personnel asks it (the model,
the selectors). delegation/tests/test_certificate_rules.py checks that the exercise rules give
the same answer."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from core.errors import ApplicationError, ConflictError
from core.history import history_for
from personnel import selectors, services
from personnel.models import EnforcementCertificate, Officer
from personnel.tests.factories import EnforcementCertificateFactory, OfficerFactory
from regions.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

D = datetime.date
ONE = datetime.timedelta(days=1)
FROM, UNTIL = D(2024, 1, 1), D(2028, 12, 31)


@pytest.fixture
def actor(django_user_model):
    return django_user_model.objects.create_user("personnel-office", password="x")


def verdicts(cert: EnforcementCertificate, day: datetime.date) -> dict[str, bool]:
    """The three places of personnel that answer the question, which must agree."""
    cert = EnforcementCertificate.objects.get(pk=cert.pk)
    return {
        "model": cert.is_valid_on(day),
        "selector": selectors.certificates_valid_on(day=day).filter(pk=cert.pk).exists(),
        "holder": selectors.certificate_holder_valid_on(officer_id=cert.officer_id, department_id=cert.department_id,
                                                        day=day),
    }


@pytest.mark.parametrize(("day", "valid"), [
    (FROM - ONE, False), (FROM, True), (D(2026, 6, 1), True), (UNTIL, True), (UNTIL + ONE, False),
])
def test_validity_runs_from_the_first_to_the_last_day_inclusive(day, valid):
    cert = EnforcementCertificateFactory(valid_from=FROM, valid_until=UNTIL)
    assert verdicts(cert, day) == dict.fromkeys(("model", "selector", "holder"), valid)


@pytest.mark.parametrize(("day", "valid"), [
    (D(2025, 6, 30), True), (D(2025, 7, 1), False), (D(2025, 7, 2), False), (D(2027, 1, 1), False),
])
def test_a_revoked_certificate_is_invalid_from_the_revocation_day(day, valid, actor):
    cert = EnforcementCertificateFactory(valid_from=FROM, valid_until=UNTIL)
    services.certificate_revoke(certificate=cert, on=D(2025, 7, 1), actor=actor, reason="违法执法，吊销")
    assert verdicts(cert, day) == dict.fromkeys(("model", "selector", "holder"), valid)


def test_a_certificate_counts_for_its_own_officer_and_department_only():
    cert = EnforcementCertificateFactory(valid_from=FROM, valid_until=UNTIL)
    other_officer = OfficerFactory(division=cert.officer.division)
    other_department = DepartmentFactory(division=cert.department.division)
    day = D(2025, 3, 10)
    for officer_id, department_id in ((other_officer.pk, cert.department_id), (cert.officer_id, other_department.pk)):
        assert not selectors.certificate_holder_valid_on(officer_id=officer_id, department_id=department_id, day=day)
    assert selectors.certificate_holder_valid_on(officer_id=cert.officer_id, department_id=cert.department_id, day=day)


def test_an_officer_with_several_certificates_is_valid_if_any_one_is():
    officer, department = OfficerFactory(), DepartmentFactory()
    EnforcementCertificateFactory(officer=officer, department=department, valid_from=D(2015, 1, 1),
                                  valid_until=D(2019, 12, 31))
    EnforcementCertificateFactory(officer=officer, department=department, valid_from=D(2020, 1, 1),
                                  valid_until=D(2024, 12, 31), revoked_on=D(2022, 5, 1))
    for day, valid in ((D(2019, 12, 31), True), (D(2021, 1, 4), True), (D(2022, 5, 1), False), (D(2025, 1, 1), False)):
        assert selectors.certificate_holder_valid_on(officer_id=officer.pk, department_id=department.pk, day=day) is valid


def test_issue_refuses_an_end_before_the_start_and_a_duplicate_number(actor):
    officer, department = OfficerFactory(), DepartmentFactory()
    with pytest.raises(ValidationError) as invalid:
        services.certificate_issue(officer=officer, department=department, number="皖执证-1",
                                   valid_from=D(2025, 1, 2), valid_until=D(2025, 1, 1), actor=actor)
    assert invalid.value.message_dict["valid_until"] == ["有效期止不能早于有效期起。"]

    cert = services.certificate_issue(officer=officer, department=department, number="皖执证-1",
                                      valid_from=D(2025, 1, 1), valid_until=D(2025, 1, 1), actor=actor)
    assert cert.is_valid_on(D(2025, 1, 1)) and cert.created_by == actor
    with pytest.raises(ValidationError) as invalid:
        services.certificate_issue(officer=OfficerFactory(), department=department, number="皖执证-1",
                                   valid_from=D(2025, 1, 1), valid_until=D(2026, 1, 1), actor=actor)
    assert "number" in invalid.value.message_dict
    assert EnforcementCertificate.objects.filter(number="皖执证-1").count() == 1


@pytest.mark.parametrize("reason", ["", "  ", None])
def test_revocation_needs_a_reason(reason, actor):
    cert = EnforcementCertificateFactory()
    with pytest.raises(ApplicationError) as refused:
        services.certificate_revoke(certificate=cert, on=D(2025, 7, 1), actor=actor, reason=reason)
    assert refused.value.code == "reason_required" and "reason" in refused.value.extra
    assert EnforcementCertificate.objects.get(pk=cert.pk).revoked_on is None


def test_a_revocation_is_final_even_through_a_stale_copy(actor):
    """Moving the revocation later would make decisions taken meanwhile valid after the fact."""
    cert = EnforcementCertificateFactory(valid_from=FROM, valid_until=UNTIL)
    stale = EnforcementCertificate.objects.get(pk=cert.pk)
    revoked = services.certificate_revoke(certificate=cert, on=D(2025, 7, 1), actor=actor, reason="吊销")
    assert revoked.revoked_on == D(2025, 7, 1)
    for copy in (revoked, stale):
        with pytest.raises(ConflictError) as refused:
            services.certificate_revoke(certificate=copy, on=D(2026, 1, 1), actor=actor, reason="改期")
        assert refused.value.code == "already_revoked" and "2025-07-01" in refused.value.message
    assert EnforcementCertificate.objects.get(pk=cert.pk).revoked_on == D(2025, 7, 1)
    assert not selectors.certificate_holder_valid_on(officer_id=cert.officer_id, department_id=cert.department_id,
                                                     day=D(2025, 12, 1))


def test_history_keeps_the_revocation_with_its_actor_and_reason(actor):
    cert = EnforcementCertificateFactory(actor=actor)
    services.certificate_revoke(certificate=cert, on=D(2025, 7, 1), actor=actor, reason="调离执法岗位，注销")
    versions = list(reversed(history_for(cert)))
    assert [v["data"]["revoked_on"] for v in versions] == [None, "2025-07-01"]
    assert [v["user"] for v in versions] == ["personnel-office", "personnel-office"]
    assert versions[-1]["reason"] == "调离执法岗位，注销"
    assert versions[-1]["changes"]["revoked_on"] == {"before": None, "after": "2025-07-01"}


def test_certificates_and_officers_are_never_deleted():
    cert = EnforcementCertificateFactory()
    with pytest.raises(DatabaseError, match="Cannot delete"), transaction.atomic():
        EnforcementCertificate.objects.filter(pk=cert.pk).delete()
    spare = OfficerFactory()
    with pytest.raises(DatabaseError, match="Cannot delete"), transaction.atomic():
        Officer.objects.filter(pk=spare.pk).delete()
    assert EnforcementCertificate.objects.filter(pk=cert.pk).exists() and Officer.objects.filter(pk=spare.pk).exists()


def test_officer_list_is_scoped_to_the_users_jurisdiction(personas, demo):
    linxi = OfficerFactory(division=demo["341824101"])
    huayang = OfficerFactory(division=demo["341824100"])
    dongguan = OfficerFactory(division=demo["441900102"])
    assert set(selectors.officer_list(user=personas["clerk_linxi"])) == {linxi}
    assert set(selectors.officer_list(user=personas["clerk_other"])) == {huayang}
    assert set(selectors.officer_list(user=personas["office"])) == {linxi, huayang}
    assert not selectors.officer_list(user=personas["nobody"]).exists()
    assert dongguan not in set(selectors.officer_list(user=personas["superior"]))
