"""Reads of personnel records."""

import datetime

from django.db.models import QuerySet

from regions import scoping

from .models import EnforcementCertificate, Officer


def officer_list(*, user) -> QuerySet:
    return scoping.scope(Officer.objects.select_related("division"), user)


def certificates_valid_on(*, day: datetime.date) -> QuerySet:
    """Certificates valid on ``day`` (not expired, not yet revoked)."""
    return EnforcementCertificate.objects.filter(EnforcementCertificate.valid_on_q(day))


def certificate_holder_valid_on(*, officer_id: int, department_id: int, day: datetime.date) -> bool:
    """Does the officer hold a valid certificate of that department on that day? (one query)"""
    return certificates_valid_on(day=day).filter(officer_id=officer_id, department_id=department_id).exists()
