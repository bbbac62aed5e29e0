"""Rows of secondments, stationed units and their heads, made through personnel.services_cadres
(actor None: the system, which records either side)."""

from __future__ import annotations

import datetime
import itertools

from personnel import services_cadres as services
from personnel.models import Reply, UnitKind
from regions.models import Department
from regions.tests.factories import DepartmentFactory

D = datetime.date
serial = itertools.count(1)
MARCH_2, MARCH_9, MARCH_16, APRIL_1 = D(2026, 3, 2), D(2026, 3, 9), D(2026, 3, 16), D(2026, 4, 1)
TERM = (D(2025, 3, 1), D(2027, 2, 28))


def department_above(town) -> Department:
    """A department of the county (or city) the town hangs under."""
    return Department.objects.filter(division=town.parent).order_by("id").first() or DepartmentFactory(
        division=town.parent)


def unit(town, name=None):
    return services.stationed_unit_create(town=town, department=department_above(town),
                                          name=name or f"测试所{next(serial)}", kind=UnitKind.STATION)


def consultation(town_or_unit, *, requested_on=MARCH_2, candidate="张三"):
    u = town_or_unit if hasattr(town_or_unit, "department_id") else unit(town_or_unit)
    return services.consultation_request(unit=u, candidate_name=candidate, proposed_post="所长",
                                         request_document=f"征询〔2026〕{next(serial)}号", requested_on=requested_on)


def agreed(town_or_unit, *, on=MARCH_9, **kwargs):
    c = consultation(town_or_unit, **kwargs)
    return services.consultation_reply(consultation=c, reply=Reply.AGREE, replied_on=on)


def appointment(town_or_unit, *, on=MARCH_16):
    c = agreed(town_or_unit)
    return services.consultation_appoint(consultation=c, document_number=f"任〔2026〕{next(serial)}号", appointed_on=on)


def opinion(town_or_unit, *, delivered_on=APRIL_1):
    a = appointment(town_or_unit)
    return services.opinion_deliver(appointment=a, document_number=f"镇委调〔2026〕{next(serial)}号",
                                    opinion="建议调整该所负责人", delivered_on=delivered_on)


def secondment(town, *, start_on=TERM[0], end_on=TERM[1], name=None):
    return services.secondment_create(town=town, person_name=name or f"挂职{next(serial)}", home_unit="县发改委",
                                      post="副镇长", document_number=f"绩组〔2025〕{next(serial)}号",
                                      start_on=start_on, end_on=end_on)
