"""factory_boy factories for officers (承办人) and their enforcement certificates (行政执法证),
made through personnel.services:

    OfficerFactory()                                    # in a fresh pilot town
    EnforcementCertificateFactory(officer=o, department=d, revoked_on=date(...))
"""

from __future__ import annotations

import datetime

import factory
from factory.django import DjangoModelFactory

from personnel import services as personnel_services
from personnel.models import EnforcementCertificate, Officer
from regions.tests.factories import DepartmentFactory, TownFactory

D = datetime.date


class OfficerFactory(DjangoModelFactory):
    class Meta:
        model = Officer

    division = factory.SubFactory(TownFactory)
    name = factory.Sequence(lambda n: f"承办人{n}")
    staff_number = factory.Sequence(lambda n: f"T-OFF-{n:05d}")

    @classmethod
    def _create(cls, model_class, *args, actor=None, **kwargs):
        return personnel_services.officer_create(actor=actor, **kwargs)


class EnforcementCertificateFactory(DjangoModelFactory):
    """A certificate valid 2010-01-01 … 2030-12-31 unless told otherwise; ``revoked_on=`` revokes it."""

    class Meta:
        model = EnforcementCertificate

    officer = factory.SubFactory(OfficerFactory)
    department = factory.SubFactory(DepartmentFactory)
    number = factory.Sequence(lambda n: f"测执证-{n:06d}")
    valid_from = D(2010, 1, 1)
    valid_until = D(2030, 12, 31)

    @classmethod
    def _create(cls, model_class, *args, revoked_on=None, actor=None, **kwargs):
        cert = personnel_services.certificate_issue(actor=actor, **kwargs)
        if revoked_on is not None:
            cert = personnel_services.certificate_revoke(certificate=cert, on=revoked_on, actor=actor, reason="测试吊销")
        return cert
