"""The exercise rules ask personnel whether an officer may act for a department on a day: they
give the same answer as personnel's selector (personnel/tests/test_certificates.py holds the
certificates' own tests), through validity, revocation and several certificates."""

from __future__ import annotations

import datetime

import pytest

from delegation.rules import ExerciseRules
from personnel import selectors, services
from personnel.tests.factories import EnforcementCertificateFactory, OfficerFactory
from regions.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

D = datetime.date
ONE = datetime.timedelta(days=1)
FROM, UNTIL = D(2024, 1, 1), D(2028, 12, 31)


def rules_and_selector(officer_id: int, department_id: int, day: datetime.date) -> tuple[bool, bool]:
    return (ExerciseRules().certificate_valid(officer_id, department_id, day),
            selectors.certificate_holder_valid_on(officer_id=officer_id, department_id=department_id, day=day))


@pytest.mark.parametrize(("day", "valid"), [
    (FROM - ONE, False), (FROM, True), (D(2026, 6, 1), True), (UNTIL, True), (UNTIL + ONE, False),
])
def test_rules_follow_the_validity_from_the_first_to_the_last_day(day, valid):
    cert = EnforcementCertificateFactory(valid_from=FROM, valid_until=UNTIL)
    assert rules_and_selector(cert.officer_id, cert.department_id, day) == (valid, valid)


@pytest.mark.parametrize(("day", "valid"), [(D(2025, 6, 30), True), (D(2025, 7, 1), False), (D(2027, 1, 1), False)])
def test_rules_follow_a_revocation_from_its_day(day, valid, django_user_model):
    cert = EnforcementCertificateFactory(valid_from=FROM, valid_until=UNTIL)
    actor = django_user_model.objects.create_user("personnel-office", password="x")
    services.certificate_revoke(certificate=cert, on=D(2025, 7, 1), actor=actor, reason="违法执法，吊销")
    assert rules_and_selector(cert.officer_id, cert.department_id, day) == (valid, valid)


def test_rules_count_a_certificate_for_its_own_officer_and_department_only():
    cert = EnforcementCertificateFactory(valid_from=FROM, valid_until=UNTIL)
    other_officer = OfficerFactory(division=cert.officer.division)
    other_department = DepartmentFactory(division=cert.department.division)
    day = D(2025, 3, 10)
    for officer_id, department_id in ((other_officer.pk, cert.department_id), (cert.officer_id, other_department.pk)):
        assert rules_and_selector(officer_id, department_id, day) == (False, False)
    assert rules_and_selector(cert.officer_id, cert.department_id, day) == (True, True)


def test_rules_accept_an_officer_if_any_of_several_certificates_is_valid():
    officer, department = OfficerFactory(), DepartmentFactory()
    EnforcementCertificateFactory(officer=officer, department=department, valid_from=D(2015, 1, 1),
                                  valid_until=D(2019, 12, 31))
    EnforcementCertificateFactory(officer=officer, department=department, valid_from=D(2020, 1, 1),
                                  valid_until=D(2024, 12, 31), revoked_on=D(2022, 5, 1))
    for day, valid in ((D(2019, 12, 31), True), (D(2021, 1, 4), True), (D(2022, 5, 1), False), (D(2025, 1, 1), False)):
        assert rules_and_selector(officer.pk, department.pk, day) == (valid, valid)
