"""Rows of l2's part of landuse for tests: a town with 临溪's fiscal arrangement (its per-mu rule
gives 5,000 yuan a mu, finance.tests.factories), reclamations through the services, and approved
projects that occupy farmland."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

from finance.models import FiscalArrangement
from finance.tests.factories import linxi_arrangement
from landuse import services
from landuse.choices import ProjectKind, ProjectStatus, ReclamationKind
from landuse.models import Project

D = datetime.date
serial = itertools.count(1)
APPLIED_ON = D(2012, 4, 1)
ACCEPTED_ON = D(2012, 5, 10)


def with_arrangement(town):
    """The town's fiscal arrangement (2009–2013, a per-mu subsidy of 5,000.00)."""
    return FiscalArrangement.objects.filter(town=town).first() or linxi_arrangement(town)


def reclamation(town, area="120", *, name=None, applied_on=APPLIED_ON, kind=ReclamationKind.ABANDONED,
                actor=None):
    return services.reclamation_create(town=town, name=name or f"复垦项目{next(serial)}", kind=kind, area_mu=area,
                                       applied_on=applied_on, location="临溪村", actor=actor)


def accepted(town, area="120", *, on=ACCEPTED_ON, actor=None, **kwargs):
    with_arrangement(town)
    r = reclamation(town, area, **kwargs)
    return services.reclamation_accept(reclamation=r, accepted_on=on, actor=actor,
                                       document_number=f"绩国土验〔{on.year}〕{next(serial)}号")


def occupying_project(town, farmland="50", *, year=2012, area=None):
    """An approved project of ``year`` occupying ``farmland`` mu of farmland (its quota posting is
    not what these tests are about: written as the state the farmland balance reads)."""
    farmland = Decimal(farmland)
    area = Decimal(area) if area else farmland + 10
    return Project.objects.create(town=town, year=year, name=f"用地项目{next(serial)}", kind=ProjectKind.INFRASTRUCTURE,
                                  area_mu=area, quota_mu=area, farmland_mu=farmland, status=ProjectStatus.APPROVED,
                                  approval_document=f"皖政地〔{year}〕{next(serial)}号", approved_on=D(year, 6, 1))
