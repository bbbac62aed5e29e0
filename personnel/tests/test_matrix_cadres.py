"""The persona matrix over the pages of secondments, stationed units, their heads' consultations,
appointments, adjustment opinions and appraisals, certificates and training (core.testing.cases).
The office writes secondments, units, certificates and training; the steps of a unit head are
written by the town's clerk and the office (each only its side: rules_cadres.require_side, tested
in test_cadres); the auditor and the superior read; 404 outside the jurisdiction, 403 without the role."""

from __future__ import annotations

import datetime
import itertools

from core.testing.cases import ScopedPageCases
from personnel import services_cadres as services
from personnel.models import AppraisalGrade, TrainingKind

from . import factories_cadres as f
from .factories import EnforcementCertificateFactory, OfficerFactory

D = datetime.date
serial = itertools.count(1)
BOTH_SIDES = frozenset({"office", "clerk"})
HISTORY = ({"tab": "history"},)


class TestSecondmentPages(ScopedPageCases):
    list_name = "personnel:secondment-list"
    create_name = "personnel:secondment-create"
    detail_name = "personnel:secondment-detail"
    detail_queries = HISTORY
    actions = {"personnel:secondment-end": {}}
    query_budget = 8

    def make(self, division, m):
        return f.secondment(division)


class TestStationedUnitPages(ScopedPageCases):
    list_name = "personnel:unit-list"
    create_name = "personnel:unit-create"
    detail_name = "personnel:unit-detail"
    detail_queries = HISTORY
    actions = {"personnel:unit-consult": {}}
    query_budget = 8

    def make(self, division, m):
        return f.unit(division)


class TestConsultationSteps(ScopedPageCases):
    actions = {"personnel:consultation-reply": {}, "personnel:consultation-coordinate": {},
               "personnel:consultation-appoint": {}}
    write_roles = BOTH_SIDES

    def make(self, division, m):
        return f.consultation(division)


class TestAppointmentSteps(ScopedPageCases):
    actions = {"personnel:appointment-opinion": {}, "personnel:appointment-appraisal": {}}
    write_roles = BOTH_SIDES

    def make(self, division, m):
        return f.appointment(division)


class TestAppraisalConfirm(ScopedPageCases):
    actions = {"personnel:appraisal-confirm": {}}
    write_roles = BOTH_SIDES

    def make(self, division, m):
        return services.appraisal_propose(appointment=f.appointment(division), year=2026, grade=AppraisalGrade.values[0],
                                          proposed_on=D(2026, 12, 20))


class TestOpinionPages(ScopedPageCases):
    list_name = "personnel:opinion-list"
    detail_name = "personnel:opinion-detail"
    detail_queries = HISTORY
    actions = {"personnel:opinion-handle": {}}
    write_roles = BOTH_SIDES
    query_budget = 8

    def make(self, division, m):
        return f.opinion(division)


class TestCertificatePages(ScopedPageCases):
    list_name = "personnel:certificate-list"
    create_name = "personnel:certificate-create"
    detail_name = "personnel:certificate-detail"
    detail_queries = HISTORY
    actions = {"personnel:certificate-revoke": {}}
    query_budget = 8

    def make(self, division, m):
        return EnforcementCertificateFactory(officer=OfficerFactory(division=division))


class TestTrainingPages(ScopedPageCases):
    list_name = "personnel:training-list"
    create_name = "personnel:training-create"
    query_budget = 8

    def make(self, division, m):
        return services.training_record_create(officer=OfficerFactory(division=division),
                                               department=f.department_above(division), kind=TrainingKind.TRAINING,
                                               title=f"执法培训{next(serial)}", held_on=D(2026, 5, 10))
